//! [`Webhook`]: the service that reads, verifies and forwards.

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::SystemTime;

use bytes::{Buf, Bytes, BytesMut};
use http::request::Parts;
use http::{HeaderMap, Request, Response, header};
use http_body::Body;
use http_body_util::BodyExt;
use tower_service::Service;

use crate::body::{ResponseBody, VerifiedBody};
use crate::budget::Reservation;
use crate::future::ResponseFuture;
use crate::layer::Shared;
use crate::rejection::{Rejection, RejectionKind};
use crate::replay::{ClaimHandle, ReplayGuard};
use crate::verify::{Head, Pending, Verified, Verifier};

/// The tracing target of rejection events.
pub const TRACING_TARGET: &str = "webhook_guard";

/// Verifies webhook deliveries before calling the inner service. Built by
/// [`WebhookLayer`](crate::WebhookLayer).
#[derive(Clone)]
pub struct Webhook<S> {
    inner: S,
    shared: Arc<Shared>,
}

impl<S> Webhook<S> {
    pub(crate) fn new(inner: S, shared: Arc<Shared>) -> Self {
        Self { inner, shared }
    }

    /// The wrapped service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for Webhook<S>
where
    S: Service<Request<VerifiedBody>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    ReqBody: Body + Send + 'static,
    ReqBody::Data: Send,
    ResBody: Send + 'static,
{
    type Response = Response<ResponseBody<ResBody>>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, ResBody, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<ReqBody>) -> Self::Future {
        // The service that was polled ready goes into the future; a fresh clone stays behind.
        // See tower's "Be careful when cloning inner services".
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let shared = &self.shared;
        let now = shared.clock.now();
        let (mut parts, body) = req.into_parts();
        let mut reservation = Reservation::on(shared.budget.as_ref());
        // The common case is decided here, with no future of its own: keys that need no lookup,
        // no replay store, enforcing, and a body that has already arrived (a small one usually
        // comes with the head).
        let verifier = shared.keys.fixed().ok();
        let (body, received) = match verifier {
            Some(verifier) if shared.replay.is_none() && !shared.report_only => {
                match at_once(shared, &verifier, &mut parts, body, now, &mut reservation) {
                    AtOnce::Forward(bytes) => {
                        let req = Request::from_parts(parts, VerifiedBody::new(bytes));
                        return ResponseFuture::forwarded(inner.call(req), reservation);
                    }
                    AtOnce::Answer(response) => return ResponseFuture::answered(response),
                    AtOnce::Later(body, received) => (body, Some(received)),
                }
            }
            // Boxed here too, so that one instance of the future serves both cases.
            _ => (Box::pin(body), None),
        };
        ResponseFuture::later(Box::pin(later(
            inner,
            shared.clone(),
            parts,
            body,
            received,
            reservation,
            now,
        )))
    }
}

/// What [`at_once`] decided.
enum AtOnce<B, R> {
    /// Verified (and [`Verified`] is in the request's extensions): the body to forward.
    Forward(Bytes),
    /// Rejected, or a challenge answered.
    Answer(Response<ResponseBody<R>>),
    /// The body is still arriving: the rest is done in a future, from what was received.
    Later(Pin<Box<B>>, Received),
}

/// Decides a delivery without waiting: checks the head, takes the body frames that have already
/// arrived, and, if that was the whole body, verifies it.
///
/// The frames are polled with a waker that does nothing; if one is not there yet the future
/// polls that body again with its own waker before it waits, so no wake-up is lost.
fn at_once<B, R>(
    shared: &Shared,
    verifier: &Verifier,
    parts: &mut Parts,
    body: B,
    now: SystemTime,
    reservation: &mut Reservation,
) -> AtOnce<B, R>
where
    B: Body,
{
    let head = check_head(
        shared,
        Ok(verifier),
        &parts.headers,
        &parts.uri,
        body.size_hint().lower(),
        now,
        reservation,
    );
    let (head, declared) = match head {
        Ok((Ok(head), declared)) => (head, declared),
        Ok((Err(rejection), _)) | Err(rejection) => {
            return AtOnce::Answer(reject(shared, rejection));
        }
    };
    let mut received = Received::new(shared.body_limit, declared);
    let mut body = Box::pin(body);
    let mut cx = Context::from_waker(std::task::Waker::noop());
    loop {
        let frame = match body.as_mut().poll_frame(&mut cx) {
            Poll::Ready(Some(Ok(frame))) => frame,
            Poll::Ready(Some(Err(_))) => {
                let rejection = Rejection::new(RejectionKind::BodyReadFailed);
                return AtOnce::Answer(reject(shared, rejection));
            }
            Poll::Ready(None) => break,
            Poll::Pending => return AtOnce::Later(body, received),
        };
        if let Ok(data) = frame.into_data()
            && let Err(rejection) = received.push(data, reservation, None)
        {
            return AtOnce::Answer(reject(shared, rejection));
        }
        if body.is_end_stream() {
            break;
        }
    }
    let bytes = received.into_bytes();
    let verified = match head.finish(verifier, &bytes, now) {
        Ok(verified) => verified,
        Err(rejection) => return AtOnce::Answer(reject(shared, rejection)),
    };
    match admit(verifier, verified, None, &bytes, now) {
        Ok(verified) => {
            parts.extensions.insert(verified);
            AtOnce::Forward(bytes)
        }
        Err(answer) => AtOnce::Answer(answered(shared, answer)),
    }
}

/// Resolves the keys, reads and verifies the delivery, claims its replay key, and calls the
/// inner service: everything that may wait. `received` is what [`at_once`] already took.
async fn later<S, B, ResBody>(
    mut inner: S,
    shared: Arc<Shared>,
    mut parts: Parts,
    body: B,
    received: Option<Received>,
    mut reservation: Reservation,
    now: SystemTime,
) -> Result<Response<ResponseBody<ResBody>>, S::Error>
where
    S: Service<Request<VerifiedBody>, Response = Response<ResBody>>,
    B: Body,
{
    let resolved = shared.keys.verifier_for(&parts, &*shared.clock).await;
    let (verifier, tenant) = match resolved {
        Ok((verifier, tenant)) => (Ok(verifier), tenant),
        Err(rejection) if shared.reports(&rejection) => (Err(rejection), None),
        Err(rejection) => return Ok(reject(&shared, rejection)),
    };
    let verifier_ref = verifier.as_deref().map_err(Clone::clone);
    let (verdict, bytes) = match receive(
        &shared,
        verifier_ref,
        &parts,
        body,
        received,
        now,
        &mut reservation,
    )
    .await
    {
        Ok(received) => received,
        Err(rejection) => return Ok(reject(&shared, rejection)),
    };
    let (verifier, verified) = match (verifier, verdict) {
        (Ok(verifier), Ok(verified)) => (verifier, verified),
        (_, Err(rejection)) | (Err(rejection), _) => {
            // Report-only: record what enforcement would have done, and let it through.
            report(&shared, &rejection);
            parts.extensions.insert(rejection);
            let req = Request::from_parts(parts, VerifiedBody::new(bytes));
            return inner
                .call(req)
                .await
                .map(|res| res.map(ResponseBody::inner));
        }
    };
    let verified = match admit(&verifier, verified, tenant, &bytes, now) {
        Ok(verified) => verified,
        Err(answer) => return Ok(answered(&shared, answer)),
    };
    // Only verified deliveries claim a replay key.
    let claim = match &shared.replay {
        Some(guard) => match claim(guard, &shared, &verified, &parts.headers, &bytes, now).await {
            Ok(claim) => claim,
            Err(rejection) => return Ok(reject(&shared, rejection)),
        },
        None => None,
    };
    parts.extensions.insert(verified);
    let req = Request::from_parts(parts, VerifiedBody::new(bytes));
    let result = inner.call(req).await;
    if let Some(claim) = claim {
        let succeeded = matches!(&result, Ok(res) if res.status().is_success());
        if succeeded {
            claim.complete().await;
        } else {
            claim.release().await;
        }
    }
    result.map(|res| res.map(ResponseBody::inner))
}

/// What happens to a verified delivery before the replay guard: the tenant is recorded, a key
/// in its grace period is logged, and a challenge the scheme answers itself (Zoom, Discord)
/// comes back as `Err(answer)`, to be answered instead of forwarded.
fn admit(
    verifier: &Verifier,
    mut verified: Verified,
    tenant: Option<Arc<str>>,
    body: &[u8],
    now: SystemTime,
) -> Result<Verified, Vec<u8>> {
    if let Some(tenant) = tenant {
        verified.set_tenant(tenant);
    }
    note_grace_key(verifier, &verified, now);
    match verifier.auto_answer(&verified, body) {
        Some(answer) => Err(answer),
        None => Ok(verified),
    }
}

/// Logs when a key in its grace period (one with an expiry) still matches, so operators can see
/// when the sender has switched to the new key.
fn note_grace_key(verifier: &Verifier, verified: &Verified, now: SystemTime) {
    if let Some(expires_at) = verifier.key_expires_at(verified.key_label()) {
        tracing::info!(
            target: TRACING_TARGET,
            provider = verified.provider(),
            key = verified.key_label(),
            tenant = verified.tenant(),
            expires_in_secs = expires_at.duration_since(now).map_or(0, |d| d.as_secs()),
            "delivery matched a key that is being rotated out"
        );
    }
}

/// Claims the replay key of a verified delivery.
async fn claim(
    guard: &ReplayGuard,
    shared: &Shared,
    verified: &Verified,
    headers: &HeaderMap,
    body: &[u8],
    now: SystemTime,
) -> Result<Option<ClaimHandle>, Rejection> {
    let key = guard.key_for(verified, headers, body)?;
    let past = shared.keys.scheme().tolerance().map(|(past, _)| past);
    guard.claim(key, guard.done_ttl(verified, past, now)).await
}

/// Checks the head, reads the rest of the body under the limit and deadline while hashing it,
/// and finishes the verification.
///
/// The outer `Err` is a rejection that is always enforced (body limits, deadline, unreadable
/// body, encoding). The inner result is the verdict: in report-only mode a failed verdict comes
/// back together with the body instead of stopping the request.
async fn receive<B>(
    shared: &Shared,
    verifier: Result<&Verifier, Rejection>,
    parts: &Parts,
    body: B,
    received: Option<Received>,
    now: SystemTime,
    reservation: &mut Reservation,
) -> Result<(Result<Verified, Rejection>, Bytes), Rejection>
where
    B: Body,
{
    // After `at_once` this checks the head a second time: the checked head borrows the request
    // head, which moves into this future, so it cannot be carried over. The checks are cheap,
    // give the same answer (same clock reading) and take nothing more from the budget; this path
    // is only taken by bodies that were still arriving.
    let lower = body.size_hint().lower();
    let (head, declared) = check_head(
        shared,
        verifier.clone(),
        &parts.headers,
        &parts.uri,
        lower,
        now,
        reservation,
    )?;
    let mut pending = match (head, verifier) {
        (Ok(head), Ok(verifier)) => Ok(head.into_pending(verifier, now)),
        (Err(rejection), _) | (_, Err(rejection)) => Err(rejection),
    };
    // What arrived before the body had to be waited for is hashed first, once.
    let received = received.unwrap_or_else(|| Received::new(shared.body_limit, declared));
    if let Ok(pending) = &mut pending {
        pending.update(received.so_far());
    }
    let bytes = {
        let mut read = std::pin::pin!(read_body(
            body,
            received,
            pending.as_mut().ok(),
            reservation
        ));
        // A small body has usually arrived with the head: read it without arming a timer (which
        // costs a clock read and a timer-wheel entry per request). Only a body still incomplete
        // after this first poll gets the deadline, which is then counted from here.
        let first = std::future::poll_fn(|cx| Poll::Ready(read.as_mut().poll(cx))).await;
        match (first, shared.body_timeout) {
            (Poll::Ready(done), _) => done?,
            (Poll::Pending, Some(deadline)) => tokio::time::timeout(deadline, read)
                .await
                .map_err(|_| Rejection::new(RejectionKind::BodyTimeout))??,
            (Poll::Pending, None) => read.await?,
        }
    };
    let verdict = pending.and_then(|p| p.finish(&bytes));
    match verdict {
        Err(rejection) if !shared.reports(&rejection) => Err(rejection),
        verdict => Ok((verdict, bytes)),
    }
}

/// Checks everything the head decides before a byte of the body is read: the encoding, the
/// signature headers, and the declared length against the limit and the buffering budget.
/// Returns the checked head (in report-only mode, possibly its failure) and the declared
/// length.
fn check_head<'h>(
    shared: &Shared,
    verifier: Result<&Verifier, Rejection>,
    headers: &'h HeaderMap,
    uri: &http::Uri,
    size_hint_lower: u64,
    now: SystemTime,
    reservation: &mut Reservation,
) -> Result<(Result<Head<'h>, Rejection>, Option<u64>), Rejection> {
    // Every `Content-Encoding` line must say `identity`: a second line counts as much as the
    // first, and a list (`identity, gzip`) is not `identity`.
    if headers
        .get_all(header::CONTENT_ENCODING)
        .iter()
        .any(|encoding| {
            !encoding
                .as_bytes()
                .trim_ascii()
                .eq_ignore_ascii_case(b"identity")
        })
    {
        return Err(Rejection::new(RejectionKind::UnsupportedContentEncoding));
    }
    let head = match verifier.and_then(|v| v.head(headers, uri, now)) {
        Err(rejection) if !shared.reports(&rejection) => return Err(rejection),
        head => head,
    };
    let limit = shared.body_limit;
    let declared = content_length(headers);
    if declared.is_some_and(|n| n > limit as u64) || size_hint_lower > limit as u64 {
        return Err(Rejection::new(RejectionKind::BodyTooLarge));
    }
    if let Some(declared) = declared {
        reservation.cover(usize::try_from(declared).unwrap_or(limit))?;
    }
    Ok((head, declared))
}

/// The body as it arrives, under the limit: the first chunk is kept as it is (a body in one
/// chunk is forwarded without a copy); from the second on, everything is gathered in one buffer
/// sized from `Content-Length`.
struct Received {
    first: Option<Bytes>,
    rest: Option<BytesMut>,
    total: usize,
    limit: usize,
    declared: Option<u64>,
}

impl Received {
    fn new(limit: usize, declared: Option<u64>) -> Self {
        Self {
            first: None,
            rest: None,
            total: 0,
            limit,
            declared,
        }
    }

    /// Takes one data frame: checks the limit and the budget, then feeds it to the MACs (if
    /// given) and keeps it.
    fn push<D: Buf>(
        &mut self,
        mut data: D,
        reservation: &mut Reservation,
        pending: Option<&mut Pending<'_>>,
    ) -> Result<(), Rejection> {
        let len = data.remaining();
        self.total = self
            .total
            .checked_add(len)
            .filter(|&t| t <= self.limit)
            .ok_or(Rejection::new(RejectionKind::BodyTooLarge))?;
        reservation.cover(self.total)?;
        let chunk = data.copy_to_bytes(len);
        if let Some(pending) = pending {
            pending.update(&chunk);
        }
        match (&self.first, &mut self.rest) {
            (None, _) => self.first = Some(chunk),
            (Some(head), None) => {
                let limit = self.limit;
                let hint = self
                    .declared
                    .map_or(0, |d| usize::try_from(d).unwrap_or(limit).min(limit));
                let mut buf = BytesMut::with_capacity(hint.max(self.total));
                buf.extend_from_slice(head);
                buf.extend_from_slice(&chunk);
                self.rest = Some(buf);
            }
            (Some(_), Some(buf)) => buf.extend_from_slice(&chunk),
        }
        Ok(())
    }

    /// Every byte received so far.
    fn so_far(&self) -> &[u8] {
        match (&self.rest, &self.first) {
            (Some(buf), _) => buf,
            (None, Some(first)) => first,
            (None, None) => &[],
        }
    }

    fn into_bytes(self) -> Bytes {
        match self.rest {
            Some(buf) => buf.freeze(),
            None => self.first.unwrap_or_default(),
        }
    }
}

/// Reads the remaining data frames, feeding each to the MACs as it arrives.
async fn read_body<B>(
    body: B,
    mut received: Received,
    mut pending: Option<&mut Pending<'_>>,
    reservation: &mut Reservation,
) -> Result<Bytes, Rejection>
where
    B: Body,
{
    let mut body = std::pin::pin!(body);
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| Rejection::new(RejectionKind::BodyReadFailed))?;
        // Trailers are not signed by any scheme.
        if let Ok(data) = frame.into_data() {
            received.push(data, reservation, pending.as_deref_mut())?;
        }
    }
    Ok(received.into_bytes())
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// Report-only mode: the delivery would have been rejected; it goes through, loudly.
fn report(shared: &Shared, rejection: &Rejection) {
    tracing::warn!(
        target: TRACING_TARGET,
        provider = shared.keys.scheme().name(),
        reason = rejection.kind().as_str(),
        header = rejection.header().map(http::HeaderName::as_str),
        "REPORT-ONLY: webhook would have been rejected, passing it to the handler unverified"
    );
}

fn reject<B>(shared: &Shared, rejection: Rejection) -> Response<ResponseBody<B>> {
    tracing::info!(
        target: TRACING_TARGET,
        provider = shared.keys.scheme().name(),
        reason = rejection.kind().as_str(),
        header = rejection.header().map(http::HeaderName::as_str),
        status = rejection.status().as_u16(),
        "webhook rejected"
    );
    let response = shared.rejection.response(&rejection);
    let (mut parts, body) = response.into_parts();
    if parts.status == http::StatusCode::SERVICE_UNAVAILABLE
        && !parts.headers.contains_key(header::RETRY_AFTER)
    {
        let secs = shared
            .replay
            .as_ref()
            .map_or(5, ReplayGuard::retry_after_secs);
        parts.headers.insert(header::RETRY_AFTER, secs.into());
    }
    parts.extensions.insert(rejection);
    Response::from_parts(parts, ResponseBody::rejection(body))
}

/// A 200 JSON response to a verified challenge, sent instead of calling the inner service.
fn answered<B>(shared: &Shared, json: Vec<u8>) -> Response<ResponseBody<B>> {
    tracing::debug!(
        target: TRACING_TARGET,
        provider = shared.keys.scheme().name(),
        "webhook challenge answered"
    );
    let mut response = Response::new(ResponseBody::rejection(Bytes::from(json)));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response
}

impl<S: fmt::Debug> fmt::Debug for Webhook<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("inner", &self.inner)
            .field("config", &self.shared)
            .finish()
    }
}
