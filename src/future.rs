//! [`ResponseFuture`]: the one state machine every request goes through.
//!
//! ```text
//! Start ──▶ (Resolving) ──▶ Collecting ──▶ (Fetching) ──▶ (Claiming) ──▶ Called | Settling ──▶ response
//!   │             │              │              │              │
//!   └─────────────┴──────────────┴──────────────┴──────────────┴──▶ the layer's own answer
//! ```
//!
//! `Start` makes every check that needs no key (encoding, the head, the declared length);
//! `Resolving` asks a tenant resolver for keys (under a deadline); `Collecting` reads the body
//! under its limit, deadline and budget while the MACs hash it, then verifies — unless the
//! scheme's deliveries name their key and the layer fetches keys: then the reference is read
//! and checked against the allow-list, and a key not cached is waited for in `Fetching` (under
//! a deadline) before verifying; `Claiming` claims
//! the delivery in the replay store; `Called` polls the inner service, and `Settling` polls it
//! followed by the settling of its claim — moved to a task of its own if the request is dropped
//! first, so that a claimed delivery runs to completion whatever the client does. A body
//! that has already arrived goes through all of it in the first poll.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::SystemTime;

use bytes::Bytes;
use http::request::Parts;
use http::{HeaderValue, Request, Response, header};
use http_body::Body;
use pin_project_lite::pin_project;
use tokio::time::Sleep;
use tower_service::Service;

use crate::body::{ResponseBody, VerifiedBody};
use crate::budget::Reservation;
use crate::collect::{BoxError, Collector, content_length};
use crate::keys::KeySource;
use crate::keys::fetch::{FetchWait, Known};
use crate::keys::resolver::{Cached, CatchUnwind};
use crate::observe::{Ended, Stopwatch};
use crate::outcome::Outcome;
use crate::replay::ClaimHandle;
use crate::scheme::Answer;
use crate::scheme::message::RequestView;
use crate::settings::Shared;
use crate::trace;
use crate::verify::{Checked, Head, Pending, Rejection, RejectionKind, Verified, Verifier};

type Lookup = Pin<Box<dyn Future<Output = Result<(Arc<str>, Arc<Verifier>), Outcome>> + Send>>;
type ClaimFuture = Pin<Box<dyn Future<Output = Result<Option<ClaimHandle>, Outcome>> + Send>>;

pin_project! {
    /// Response future of [`Webhook`](crate::Webhook): reads, verifies, claims and forwards one
    /// request, or answers it. A body that has already arrived (as a small one usually has) is
    /// decided in the first poll.
    pub struct ResponseFuture<S, B>
    where
        S: Service<Request<VerifiedBody>>,
    {
        #[pin]
        body: Option<B>,
        #[pin]
        timer: Option<Sleep>,
        #[pin]
        called: Option<S::Future>,
        run: Run<S>,
    }
}

/// Everything of a request's future that is not pinned.
struct Run<S: Service<Request<VerifiedBody>>> {
    shared: Arc<Shared>,
    /// The ready inner service, until it is called.
    inner: Option<S>,
    /// The request head, until it is forwarded.
    parts: Option<Parts>,
    now: SystemTime,
    step: Step<S::Response, S::Error>,
}

// One per request, living in its future: boxing the large variant (a body being read, with
// its MAC states) would cost an allocation per request.
#[allow(clippy::large_enum_variant)]
enum Step<R, E> {
    Start,
    Resolving {
        head: Head,
        lookup: Lookup,
        asked: Stopwatch,
    },
    Collecting(Collecting),
    /// The body has arrived; the key it names is being fetched.
    Fetching {
        pending: Pending,
        wait: FetchWait,
        bytes: Bytes,
        reservation: Reservation,
        verifier: Option<Keys>,
        tenant: Option<Arc<str>>,
    },
    Claiming {
        claim: ClaimFuture,
        verified: Verified,
        bytes: Bytes,
        reservation: Reservation,
    },
    Called {
        /// Buffered bytes stay counted until the inner service is done with them.
        _reservation: Reservation,
    },
    Settling(Settling<Result<R, E>>),
    Done,
}

/// A claimed delivery's handler followed by the settling of its claim: polled by the request
/// that claimed it, and moved to a task of its own when the request is dropped before it is
/// done (the client hung up, an outer timeout fired), so that it still runs to completion.
pub(crate) struct Settling<T> {
    future: Option<Pin<Box<dyn Detach<T>>>>,
    runtime: tokio::runtime::Handle,
}

impl<T> Drop for Settling<T> {
    fn drop(&mut self) {
        if let Some(future) = self.future.take() {
            future.detach(&self.runtime);
        }
    }
}

/// A future that can go on running on a task of its own.
trait Detach<T>: Future<Output = T> + Send {
    /// Runs it to completion on `runtime`, its output dropped (a panic stays in the task).
    fn detach(self: Pin<Box<Self>>, runtime: &tokio::runtime::Handle);
}

impl<F> Detach<F::Output> for F
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    fn detach(self: Pin<Box<Self>>, runtime: &tokio::runtime::Handle) {
        drop(runtime.spawn(self));
    }
}

/// A body being read: the verification so far (or why there is none), and the keys.
struct Collecting {
    collector: Collector,
    /// The verification in progress, or the outcome it already has (report-only mode reads
    /// the body of a failed delivery to pass it on).
    pending: Result<Pending, Outcome>,
    verifier: Option<Keys>,
    tenant: Option<Arc<str>>,
    /// Whether the body deadline is running (it starts when the body was not all there).
    timed: bool,
}

/// The verifier of a request: the layer's own, or one looked up for it.
enum Keys {
    Static,
    Owned(Arc<Verifier>),
}

impl Keys {
    fn get<'a>(&'a self, shared: &'a Shared) -> Option<&'a Verifier> {
        match (self, &shared.keys) {
            (Self::Owned(v), _) => Some(v),
            (Self::Static, KeySource::Static(v)) => Some(v),
            (Self::Static, _) => None,
        }
    }
}

/// The verification's end, or the fetch it waits for.
// Built and taken apart once per request, on the stack: boxing would cost an allocation.
#[allow(clippy::large_enum_variant)]
enum Verdict {
    Done(Result<Checked, Outcome>),
    Fetch(Pending, FetchWait),
}

/// What a step decided.
enum Next<R> {
    /// Go on with the step now in place.
    Continue,
    /// The response is ready.
    Done(R),
}

type Output<S, ResBody> =
    Result<Response<ResponseBody<ResBody>>, <S as Service<Request<VerifiedBody>>>::Error>;

impl<S, B> ResponseFuture<S, B>
where
    S: Service<Request<VerifiedBody>>,
{
    pub(crate) fn new(inner: S, shared: Arc<Shared>, request: Request<B>) -> Self {
        let (parts, body) = request.into_parts();
        let now = shared.clock.now();
        Self {
            body: Some(body),
            timer: None,
            called: None,
            run: Run {
                shared,
                inner: Some(inner),
                parts: Some(parts),
                now,
                step: Step::Start,
            },
        }
    }
}

impl<S, B, ResBody> Future for ResponseFuture<S, B>
where
    S: Service<Request<VerifiedBody>, Response = Response<ResBody>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    B: Body,
    B::Error: Into<BoxError>,
    ResBody: Send + 'static,
{
    type Output = Output<S, ResBody>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        loop {
            let next = match &mut this.run.step {
                Step::Start => {
                    let hint = this.body.as_ref().get_ref().as_ref();
                    let lower = hint.map_or(0, |b| b.size_hint().lower());
                    this.run.start(lower, this.timer.as_mut())
                }
                Step::Resolving { .. } => {
                    ready!(this.run.poll_resolving(cx, this.timer.as_mut()))
                }
                Step::Collecting(_) => ready!(this.run.poll_collecting(
                    cx,
                    this.body.as_mut(),
                    this.timer.as_mut(),
                    this.called.as_mut(),
                )),
                Step::Fetching { .. } => ready!(this.run.poll_fetching(
                    cx,
                    this.timer.as_mut(),
                    this.called.as_mut()
                )),
                Step::Claiming { claim, .. } => {
                    let claimed = ready!(claim.as_mut().poll(cx));
                    this.run.claimed(claimed, this.called.as_mut())
                }
                Step::Called { .. } => {
                    let called = this.called.as_mut().as_pin_mut();
                    let Some(future) = called else {
                        return Poll::Ready(Ok(this.run.internal_error()));
                    };
                    let result = ready!(future.poll(cx));
                    this.called.set(None);
                    this.run.step = Step::Done;
                    Next::Done(result.map(|r| r.map(ResponseBody::inner)))
                }
                Step::Settling(settling) => {
                    let Some(future) = settling.future.as_mut() else {
                        return Poll::Ready(Ok(this.run.internal_error()));
                    };
                    // A panic in the handler was caught to settle the claim, then resumed here.
                    let result = ready!(future.as_mut().poll(cx));
                    settling.future = None;
                    this.run.step = Step::Done;
                    Next::Done(result.map(|r| r.map(ResponseBody::inner)))
                }
                Step::Done => return Poll::Ready(Ok(this.run.internal_error())),
            };
            if let Next::Done(output) = next {
                this.run.step = Step::Done;
                this.body.set(None);
                this.timer.set(None);
                return Poll::Ready(output);
            }
        }
    }
}

impl<S, ResBody> Run<S>
where
    S: Service<Request<VerifiedBody>, Response = Response<ResBody>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    ResBody: Send + 'static,
{
    /// Every check that needs no key: encoding, the head, the declared length. Then the keys:
    /// the layer's own, or a lookup.
    fn start(
        &mut self,
        size_hint: u64,
        mut timer: Pin<&mut Option<Sleep>>,
    ) -> Next<Output<S, ResBody>> {
        let shared = self.shared.clone();
        let Some(parts) = self.parts.as_ref() else {
            return Next::Done(Ok(self.internal_error()));
        };
        // Every `Content-Encoding` line must say `identity`: a second line counts as much as
        // the first, and a list (`identity, gzip`) is not `identity`.
        if parts
            .headers
            .get_all(header::CONTENT_ENCODING)
            .iter()
            .any(|e| !e.as_bytes().trim_ascii().eq_ignore_ascii_case(b"identity"))
        {
            return self.fail(Outcome::UnsupportedContentEncoding);
        }
        let scheme = shared.keys.scheme();
        let view = view(parts);
        let head = Head::check(scheme, &view, self.now).map_err(Outcome::Rejected);
        let limit = match &head {
            Ok(head) => head.unsigned_limit().unwrap_or(shared.body_limit),
            Err(_) => shared.body_limit,
        };
        let declared = content_length(&parts.headers);
        if declared.is_some_and(|n| n > limit as u64) || size_hint > limit as u64 {
            return match head {
                Ok(head) if head.is_unsigned() => {
                    self.fail(Outcome::Rejected(crate::rejection::Rejection::new(
                        crate::rejection::RejectionKind::MissingHeader,
                    )))
                }
                _ => self.fail(Outcome::BodyTooLarge),
            };
        }
        let reservation = Reservation::on(shared.budget.as_ref());
        let collector = Collector::new(limit, declared, reservation);
        let head = match head {
            Ok(head) => head,
            Err(outcome) => {
                if !self.lets_through(&outcome) {
                    return self.fail(outcome);
                }
                return self.collect(collector, Err(outcome), None, None);
            }
        };
        match &shared.keys {
            KeySource::Static(verifier) => {
                let pending = self.start_pending(verifier, head);
                self.collect(collector, pending, Some(Keys::Static), None)
            }
            KeySource::Handle(handle) => {
                let verifier = handle.current();
                let pending = self.start_pending(&verifier, head);
                self.collect(collector, pending, Some(Keys::Owned(verifier)), None)
            }
            KeySource::Fetched(fetched) => {
                let verifier = fetched.verifier.clone();
                let pending = self.start_pending(&verifier, head);
                self.collect(collector, pending, Some(Keys::Owned(verifier)), None)
            }
            KeySource::Resolver(resolver) => match resolver.cached(parts, self.now) {
                Cached::Known(tenant, verifier) => {
                    let pending = self.start_pending(&verifier, head);
                    self.collect(
                        collector,
                        pending,
                        Some(Keys::Owned(verifier)),
                        Some(tenant),
                    )
                }
                Cached::Unknown => self.unknown_tenant(collector),
                Cached::Ask(name) => {
                    let lookup = Box::pin(resolver.clone().ask(name, self.now));
                    timer.set(Some(tokio::time::sleep(resolver.settings.timeout)));
                    self.step = Step::Resolving {
                        head,
                        lookup,
                        asked: Stopwatch::start(),
                    };
                    Next::Continue
                }
            },
        }
    }

    fn poll_resolving(
        &mut self,
        cx: &mut Context<'_>,
        mut timer: Pin<&mut Option<Sleep>>,
    ) -> Poll<Next<Output<S, ResBody>>> {
        let Step::Resolving { lookup, .. } = &mut self.step else {
            return Poll::Ready(Next::Done(Ok(self.internal_error())));
        };
        let (found, timed_out) = match lookup.as_mut().poll(cx) {
            Poll::Ready(found) => (found, false),
            Poll::Pending => {
                if let Some(deadline) = timer.as_mut().as_pin_mut() {
                    ready!(deadline.poll(cx));
                }
                tracing::warn!(target: trace::TRACING_TARGET, "key lookup timed out");
                (Err(Outcome::KeyLookupFailed), true)
            }
        };
        timer.set(None);
        let Step::Resolving { head, asked, .. } = std::mem::replace(&mut self.step, Step::Done)
        else {
            return Poll::Ready(Next::Done(Ok(self.internal_error())));
        };
        let ended = match &found {
            Ok(_) => Ended::Ok,
            Err(Outcome::UnknownTenant) => Ended::NotFound,
            Err(_) if timed_out => Ended::Timeout,
            Err(_) => Ended::Error,
        };
        self.shared.observe.resolver(ended, asked);
        let limit = self.shared.body_limit;
        let declared = self.parts.as_ref().and_then(|p| content_length(&p.headers));
        let collector = Collector::new(
            limit,
            declared,
            Reservation::on(self.shared.budget.as_ref()),
        );
        Poll::Ready(match found {
            Ok((tenant, verifier)) => {
                let pending = self.start_pending(&verifier, head);
                self.collect(
                    collector,
                    pending,
                    Some(Keys::Owned(verifier)),
                    Some(tenant),
                )
            }
            Err(Outcome::UnknownTenant) => self.unknown_tenant(collector),
            Err(outcome) => self.fail(outcome),
        })
    }

    /// An unknown tenant is answered like a bad signature (or let through in report-only mode).
    fn unknown_tenant(&mut self, collector: Collector) -> Next<Output<S, ResBody>> {
        let outcome = Outcome::UnknownTenant;
        if self.lets_through(&outcome) {
            self.collect(collector, Err(outcome), None, None)
        } else {
            self.fail(outcome)
        }
    }

    fn start_pending(&self, verifier: &Verifier, head: Head) -> Result<Pending, Outcome> {
        let Some(parts) = self.parts.as_ref() else {
            return Err(Outcome::BodyReadFailed);
        };
        let identity = self.shared.replay.is_some();
        verifier
            .start(head, &view(parts), self.now, identity)
            .map_err(Outcome::Rejected)
    }

    /// Moves on to reading the body, unless the verification already failed for good.
    fn collect(
        &mut self,
        collector: Collector,
        pending: Result<Pending, Outcome>,
        verifier: Option<Keys>,
        tenant: Option<Arc<str>>,
    ) -> Next<Output<S, ResBody>> {
        if let Err(outcome) = &pending
            && !self.lets_through(outcome)
        {
            return self.fail(outcome.clone());
        }
        self.step = Step::Collecting(Collecting {
            collector,
            pending,
            verifier,
            tenant,
            timed: false,
        });
        Next::Continue
    }

    fn poll_collecting<B>(
        &mut self,
        cx: &mut Context<'_>,
        mut body: Pin<&mut Option<B>>,
        mut timer: Pin<&mut Option<Sleep>>,
        called: Pin<&mut Option<S::Future>>,
    ) -> Poll<Next<Output<S, ResBody>>>
    where
        B: Body,
        B::Error: Into<BoxError>,
    {
        let Step::Collecting(collecting) = &mut self.step else {
            return Poll::Ready(Next::Done(Ok(self.internal_error())));
        };
        let read = loop {
            let read = match body.as_mut().as_pin_mut() {
                Some(body) => {
                    collecting
                        .collector
                        .poll_body(body, cx, collecting.pending.as_mut().ok())
                }
                None => Poll::Ready(Err(Outcome::BodyReadFailed)),
            };
            match read {
                Poll::Ready(read) => break read,
                // A small body has usually arrived with the head: only a body still incomplete
                // after the first poll gets the deadline (a clock read and a timer entry),
                // which is then counted from here. Trickling bytes does not extend it. The
                // body is polled once more right away, for frames that arrived meanwhile.
                Poll::Pending if !collecting.timed => {
                    collecting.timed = true;
                    if let Some(deadline) = self.shared.body_timeout {
                        timer.set(Some(tokio::time::sleep(deadline)));
                    }
                }
                Poll::Pending => {
                    if let Some(deadline) = timer.as_mut().as_pin_mut() {
                        ready!(deadline.poll(cx));
                        return Poll::Ready(self.fail(Outcome::BodyTimeout));
                    }
                    return Poll::Pending;
                }
            }
        };
        body.set(None);
        timer.set(None);
        let Step::Collecting(collecting) = std::mem::replace(&mut self.step, Step::Done) else {
            return Poll::Ready(Next::Done(Ok(self.internal_error())));
        };
        let Collecting {
            collector,
            pending,
            verifier,
            tenant,
            ..
        } = collecting;
        if let Err(outcome) = read {
            let outcome = match (&pending, outcome) {
                // An unsigned set-up request whose body is longer than any the exchange has.
                (Ok(p), Outcome::BodyTooLarge) if p.is_unsigned() => {
                    Outcome::Rejected(crate::rejection::Rejection::new(
                        crate::rejection::RejectionKind::MissingHeader,
                    ))
                }
                (_, outcome) => outcome,
            };
            return Poll::Ready(self.fail(outcome));
        }
        let (bytes, reservation) = collector.finish();
        self.shared.observe.body(bytes.len());
        let shared = self.shared.clone();
        let verdict = match (pending, verifier.as_ref().and_then(|k| k.get(&shared))) {
            (Ok(pending), Some(verifier)) => match self.parts.as_ref() {
                Some(parts) => self.verdict(pending, verifier, &view(parts), &bytes),
                None => Verdict::Done(Err(Outcome::BodyReadFailed)),
            },
            (Ok(_), None) => Verdict::Done(Err(Outcome::KeyLookupFailed)),
            (Err(outcome), _) => Verdict::Done(Err(outcome)),
        };
        let verdict = match verdict {
            Verdict::Done(verdict) => verdict,
            Verdict::Fetch(pending, wait) => {
                if let KeySource::Fetched(fetched) = &shared.keys {
                    timer.set(Some(tokio::time::sleep(fetched.settings.timeout)));
                }
                self.step = Step::Fetching {
                    pending,
                    wait,
                    bytes,
                    reservation,
                    verifier,
                    tenant,
                };
                return Poll::Ready(Next::Continue);
            }
        };
        Poll::Ready(self.decide(verdict, verifier, tenant, bytes, reservation, called))
    }

    /// Verifies a delivery whose body has arrived: with the verifier's keys, or, when the layer
    /// fetches keys, with the one the delivery names (checked against the scheme's allow-list,
    /// cached, else fetched).
    fn verdict(
        &self,
        mut pending: Pending,
        verifier: &Verifier,
        view: &RequestView<'_>,
        body: &Bytes,
    ) -> Verdict {
        let KeySource::Fetched(fetched) = &self.shared.keys else {
            return Verdict::Done(
                pending
                    .finish(verifier, view, body, self.now)
                    .map_err(Outcome::Rejected),
            );
        };
        let location = match pending.locate(verifier, view, body) {
            Ok(Some(location)) => location,
            Ok(None) => {
                return Verdict::Done(
                    pending
                        .finish(verifier, view, body, self.now)
                        .map_err(Outcome::Rejected),
                );
            }
            Err(rejection) => return Verdict::Done(Err(Outcome::Rejected(rejection))),
        };
        match fetched.cached(&location, self.now) {
            Known::Key(key) => Verdict::Done(
                pending
                    .finish_with(verifier, &key, view, body, self.now)
                    .map_err(Outcome::Rejected),
            ),
            Known::Missing => Verdict::Done(Err(Outcome::Rejected(Rejection::new(
                RejectionKind::SignatureMismatch,
            )))),
            Known::Fetch => match fetched.fetch(location, self.now, &self.shared.observe) {
                Ok(wait) => Verdict::Fetch(pending, wait),
                Err(outcome) => Verdict::Done(Err(outcome)),
            },
        }
    }

    /// Waits for the key a delivery names, then verifies with it.
    fn poll_fetching(
        &mut self,
        cx: &mut Context<'_>,
        mut timer: Pin<&mut Option<Sleep>>,
        called: Pin<&mut Option<S::Future>>,
    ) -> Poll<Next<Output<S, ResBody>>> {
        let Step::Fetching { wait, .. } = &mut self.step else {
            return Poll::Ready(Next::Done(Ok(self.internal_error())));
        };
        let fetched = match wait.as_mut().poll(cx) {
            Poll::Ready(fetched) => fetched,
            Poll::Pending => {
                let Some(deadline) = timer.as_mut().as_pin_mut() else {
                    return Poll::Pending;
                };
                ready!(deadline.poll(cx));
                tracing::warn!(target: trace::TRACING_TARGET, "key fetch timed out");
                Err(Outcome::KeyFetchFailed)
            }
        };
        timer.set(None);
        let Step::Fetching {
            mut pending,
            bytes,
            reservation,
            verifier,
            tenant,
            ..
        } = std::mem::replace(&mut self.step, Step::Done)
        else {
            return Poll::Ready(Next::Done(Ok(self.internal_error())));
        };
        let shared = self.shared.clone();
        let keys = verifier.as_ref().and_then(|k| k.get(&shared));
        let verdict = match (fetched, keys, self.parts.as_ref()) {
            (Ok(key), Some(keys), Some(parts)) => pending
                .finish_with(keys, &key, &view(parts), &bytes, self.now)
                .map_err(Outcome::Rejected),
            (Err(outcome), _, _) => Err(outcome),
            _ => Err(Outcome::KeyFetchFailed),
        };
        Poll::Ready(self.decide(verdict, verifier, tenant, bytes, reservation, called))
    }

    /// The one decision at the end of verification: answer, forward, or claim then forward.
    fn decide(
        &mut self,
        verdict: Result<Checked, Outcome>,
        verifier: Option<Keys>,
        tenant: Option<Arc<str>>,
        bytes: Bytes,
        reservation: Reservation,
        called: Pin<&mut Option<S::Future>>,
    ) -> Next<Output<S, ResBody>> {
        let shared = self.shared.clone();
        let mut verified = match verdict {
            Ok(Checked::Verified(verified)) => verified,
            Ok(Checked::Answered { answer, .. }) => return Next::Done(Ok(self.answer(answer))),
            Err(outcome) if self.lets_through(&outcome) => {
                trace::let_through(&shared.provider, &outcome);
                shared.observe.let_through(&outcome);
                if let Some(parts) = self.parts.as_mut() {
                    parts.extensions.insert(outcome);
                }
                return self.call(bytes, reservation, called);
            }
            Err(outcome) => return self.fail(outcome),
        };
        verified.tenant = tenant;
        if let Some(verifier) = verifier.as_ref().and_then(|k| k.get(&shared))
            && let Some(expires_at) = verifier.key_expires_at(verified.key_label())
        {
            let left = expires_at
                .duration_since(self.now)
                .map_or(0, |d| d.as_secs());
            trace::grace_key(
                &shared.provider,
                verified.key_label(),
                verified.tenant(),
                left,
            );
        }
        let Some(guard) = &shared.replay else {
            self.insert(verified);
            return self.call(bytes, reservation, called);
        };
        let Some(parts) = self.parts.as_ref() else {
            return Next::Done(Ok(self.internal_error()));
        };
        let key = match guard.key_for(&verified, &parts.headers, &bytes) {
            Ok(Some(key)) => key,
            // Unsigned set-up requests claim nothing.
            Ok(None) => {
                self.insert(verified);
                return self.call(bytes, reservation, called);
            }
            Err(outcome) => return self.fail(outcome),
        };
        let past = shared
            .keys
            .scheme()
            .timestamp_window()
            .map(|(past, _)| past);
        let ttl = guard.done_ttl(&verified, past, self.now);
        let claim = guard.claim(key, ttl, self.now, &shared.observe);
        self.step = Step::Claiming {
            claim,
            verified,
            bytes,
            reservation,
        };
        Next::Continue
    }

    fn claimed(
        &mut self,
        claimed: Result<Option<ClaimHandle>, Outcome>,
        called: Pin<&mut Option<S::Future>>,
    ) -> Next<Output<S, ResBody>> {
        let Step::Claiming {
            verified,
            bytes,
            reservation,
            ..
        } = std::mem::replace(&mut self.step, Step::Done)
        else {
            return Next::Done(Ok(self.internal_error()));
        };
        let claim = match claimed {
            Ok(Some(claim)) => claim,
            // Failing open: unprotected, nothing to settle.
            Ok(None) => {
                self.insert(verified);
                return self.call(bytes, reservation, called);
            }
            Err(outcome) => return self.fail(outcome),
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            // No runtime to run the handler to completion: the claim stays in flight until it
            // expires, and the delivery is refused for now.
            return self.fail(Outcome::ReplayStoreUnavailable);
        };
        self.insert(verified);
        let (Some(mut inner), Some(parts)) = (self.inner.take(), self.parts.take()) else {
            return Next::Done(Ok(self.internal_error()));
        };
        let future = inner.call(VerifiedBody::request(parts, bytes, self.shared.body_limit));
        let clock = self.shared.clock.clone();
        // Once claimed, the handler runs to completion whatever the client does, and its
        // outcome settles the claim: a hang-up never runs a delivery twice. It is polled here,
        // by the request; if the request is dropped first, it goes on on a task of its own.
        let settle = Box::pin(async move {
            let _reservation = reservation;
            let result = CatchUnwind(Box::pin(future)).await;
            let succeeded = matches!(&result, Ok(Ok(response)) if response.status().is_success());
            if succeeded {
                claim.complete(clock.now()).await;
            } else {
                claim.release(clock.now()).await;
            }
            match result {
                Ok(output) => output,
                Err(panic) => std::panic::resume_unwind(panic),
            }
        });
        self.step = Step::Settling(Settling {
            future: Some(settle),
            runtime,
        });
        Next::Continue
    }

    /// Calls the inner service with the verified bytes.
    fn call(
        &mut self,
        bytes: Bytes,
        reservation: Reservation,
        mut called: Pin<&mut Option<S::Future>>,
    ) -> Next<Output<S, ResBody>> {
        let (Some(mut inner), Some(parts)) = (self.inner.take(), self.parts.take()) else {
            return Next::Done(Ok(self.internal_error()));
        };
        let request = VerifiedBody::request(parts, bytes, self.shared.body_limit);
        called.set(Some(inner.call(request)));
        self.step = Step::Called {
            _reservation: reservation,
        };
        Next::Continue
    }

    /// Puts `verified` in the request forwarded to the inner service: every verified delivery
    /// the inner service gets goes through here once.
    fn insert(&mut self, verified: Verified) {
        self.shared.observe.verified();
        if let Some(parts) = self.parts.as_mut() {
            parts.extensions.insert(verified);
        }
    }

    /// Whether `outcome` is let through to the handler instead of answered: only in
    /// report-only mode, and only for verification failures (401). Size, deadline, encoding and
    /// store failures protect the server and are always enforced.
    fn lets_through(&self, outcome: &Outcome) -> bool {
        self.shared.report_only && outcome.is_unverified()
    }

    fn fail(&mut self, outcome: Outcome) -> Next<Output<S, ResBody>> {
        Next::Done(Ok(self.respond(outcome)))
    }

    /// The layer's own response for `outcome`.
    fn respond(&self, outcome: Outcome) -> Response<ResponseBody<ResBody>> {
        let shared = &self.shared;
        trace::answered(&shared.provider, &outcome);
        shared.observe.answered(&outcome);
        let (mut parts, body) = shared.responder.response(&outcome).into_parts();
        if parts.status == http::StatusCode::SERVICE_UNAVAILABLE
            && !parts.headers.contains_key(header::RETRY_AFTER)
        {
            let secs = shared.replay.as_ref().map_or(5, |g| g.retry_after_secs());
            parts.headers.insert(header::RETRY_AFTER, secs.into());
        }
        parts.extensions.insert(outcome);
        Response::from_parts(parts, ResponseBody::own(body))
    }

    /// A handshake answer, exactly as the provider expects it.
    fn answer(&self, answer: Answer) -> Response<ResponseBody<ResBody>> {
        let outcome = Outcome::Answered;
        trace::answered(&self.shared.provider, &outcome);
        self.shared.observe.answered(&outcome);
        let mut response = Response::new(ResponseBody::own(answer.body.clone()));
        *response.status_mut() = answer.status;
        if let Ok(content_type) = HeaderValue::from_str(answer.content_type) {
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, content_type);
        }
        for (name, value) in answer.headers {
            response.headers_mut().append(name, value);
        }
        response.extensions_mut().insert(outcome);
        response
    }

    /// A future polled after completion, or a state that cannot happen: fail closed.
    fn internal_error(&self) -> Response<ResponseBody<ResBody>> {
        let mut response = Response::new(ResponseBody::own(Bytes::new()));
        *response.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
        response
    }
}

/// What a scheme reads of the request head.
fn view(parts: &Parts) -> RequestView<'_> {
    RequestView {
        method: &parts.method,
        uri: &parts.uri,
        headers: &parts.headers,
        url: None,
    }
}

impl<S, B> fmt::Debug for ResponseFuture<S, B>
where
    S: Service<Request<VerifiedBody>>,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let step = match &self.run.step {
            Step::Start => "Start",
            Step::Resolving { .. } => "Resolving",
            Step::Collecting(_) => "Collecting",
            Step::Fetching { .. } => "Fetching",
            Step::Claiming { .. } => "Claiming",
            Step::Called { .. } => "Called",
            Step::Settling(_) => "Settling",
            Step::Done => "Done",
        };
        f.debug_tuple("ResponseFuture").field(&step).finish()
    }
}
