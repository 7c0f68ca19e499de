//! [`Webhook`]: the service that reads, verifies and forwards.

use std::fmt;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes, BytesMut};
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
use crate::verify::{Pending, Verified, Verifier};

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
    type Future = ResponseFuture<ResBody, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<ReqBody>) -> Self::Future {
        // The service that was polled ready goes into the future; a fresh clone stays behind.
        // See tower's "Be careful when cloning inner services".
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let shared = self.shared.clone();
        // Split outside the future: a captured request and its parts would each take room in it.
        let (mut parts, body) = req.into_parts();
        ResponseFuture::new(Box::pin(async move {
            let now = shared.clock.now();
            let resolved = shared.keys.verifier_for(&parts, &*shared.clock).await;
            let (verifier, tenant) = match resolved {
                Ok((verifier, tenant)) => (Ok(verifier), tenant),
                Err(rejection) if shared.reports(&rejection) => (Err(rejection), None),
                Err(rejection) => return Ok(reject(&shared, rejection)),
            };
            // Held until this future completes or is dropped (see `max_buffered_bytes`).
            let mut reservation = Reservation::on(shared.budget.as_ref());
            let verifier_ref = verifier.as_deref().map_err(Clone::clone);
            let (verdict, bytes) = match receive(
                &shared,
                verifier_ref,
                &parts.headers,
                &parts.uri,
                body,
                now,
                &mut reservation,
            )
            .await
            {
                Ok(received) => received,
                Err(rejection) => return Ok(reject(&shared, rejection)),
            };
            let (verifier, mut verified) = match (verifier, verdict) {
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
            if let Some(tenant) = tenant {
                verified.set_tenant(tenant);
            }
            note_grace_key(&verifier, &verified, now);
            // Challenges the scheme was told to answer itself (Zoom, Discord).
            if let Some(answer) = verifier.auto_answer(&verified, &bytes) {
                return Ok(answered(&shared, answer));
            }
            // Only verified deliveries claim a replay key.
            let claim = match &shared.replay {
                Some(guard) => {
                    match claim(guard, &shared, &verified, &parts.headers, &bytes, now).await {
                        Ok(claim) => claim,
                        Err(rejection) => return Ok(reject(&shared, rejection)),
                    }
                }
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
        }))
    }
}

/// Logs when a key in its grace period (one with an expiry) still matches, so operators can see
/// when the sender has switched to the new key.
fn note_grace_key(verifier: &Verifier, verified: &Verified, now: std::time::SystemTime) {
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
    now: std::time::SystemTime,
) -> Result<Option<ClaimHandle>, Rejection> {
    let key = guard.key_for(verified, headers, body)?;
    let past = shared.keys.scheme().tolerance().map(|(past, _)| past);
    guard.claim(key, guard.done_ttl(verified, past, now)).await
}

/// Checks the head, reads the body under the limit and deadline while hashing it, and finishes
/// the verification.
///
/// The outer `Err` is a rejection that is always enforced (body limits, deadline, unreadable
/// body, encoding). The inner result is the verdict: in report-only mode a failed verdict comes
/// back together with the body instead of stopping the request.
async fn receive<B>(
    shared: &Shared,
    verifier: Result<&Verifier, Rejection>,
    headers: &HeaderMap,
    uri: &http::Uri,
    body: B,
    now: std::time::SystemTime,
    reservation: &mut Reservation,
) -> Result<(Result<Verified, Rejection>, Bytes), Rejection>
where
    B: Body,
{
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
    let head = verifier.and_then(|v| v.begin(headers, uri, now));
    let mut pending = match head {
        Ok(pending) => Ok(pending),
        Err(rejection) if shared.reports(&rejection) => Err(rejection),
        Err(rejection) => return Err(rejection),
    };

    let limit = shared.body_limit;
    let declared = content_length(headers);
    if declared.is_some_and(|n| n > limit as u64) || body.size_hint().lower() > limit as u64 {
        return Err(Rejection::new(RejectionKind::BodyTooLarge));
    }
    if let Some(declared) = declared {
        reservation.cover(usize::try_from(declared).unwrap_or(limit))?;
    }
    let bytes = {
        let mut read = std::pin::pin!(read_body(
            body,
            limit,
            declared,
            pending.as_mut().ok(),
            reservation
        ));
        // A small body has usually arrived with the head: read it without arming a timer (which
        // costs a clock read and a timer-wheel entry per request). Only a body still incomplete
        // after this first poll gets the deadline, which is then counted from here.
        let first = std::future::poll_fn(|cx| std::task::Poll::Ready(read.as_mut().poll(cx))).await;
        match (first, shared.body_timeout) {
            (std::task::Poll::Ready(done), _) => done?,
            (std::task::Poll::Pending, Some(deadline)) => tokio::time::timeout(deadline, read)
                .await
                .map_err(|_| Rejection::new(RejectionKind::BodyTimeout))??,
            (std::task::Poll::Pending, None) => read.await?,
        }
    };
    let verdict = pending.and_then(|p| p.finish(&bytes));
    match verdict {
        Err(rejection) if !shared.reports(&rejection) => Err(rejection),
        verdict => Ok((verdict, bytes)),
    }
}

/// Reads every data frame, feeding each to the MACs as it arrives. A body that arrives in one
/// chunk is forwarded without a copy.
async fn read_body<B>(
    body: B,
    limit: usize,
    declared: Option<u64>,
    mut pending: Option<&mut Pending<'_>>,
    reservation: &mut Reservation,
) -> Result<Bytes, Rejection>
where
    B: Body,
{
    let mut body = std::pin::pin!(body);
    let mut first: Option<Bytes> = None;
    let mut rest: Option<BytesMut> = None;
    let mut total: usize = 0;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| Rejection::new(RejectionKind::BodyReadFailed))?;
        let Ok(mut data) = frame.into_data() else {
            continue; // trailers are not signed by any scheme
        };
        let len = data.remaining();
        total = total
            .checked_add(len)
            .filter(|&t| t <= limit)
            .ok_or(Rejection::new(RejectionKind::BodyTooLarge))?;
        reservation.cover(total)?;
        let chunk = data.copy_to_bytes(len);
        if let Some(pending) = pending.as_deref_mut() {
            pending.update(&chunk);
        }
        match (&mut first, &mut rest) {
            (None, _) => first = Some(chunk),
            (Some(head), None) => {
                let hint = declared.map_or(0, |d| usize::try_from(d).unwrap_or(limit).min(limit));
                let mut buf = BytesMut::with_capacity(hint.max(total));
                buf.extend_from_slice(head);
                buf.extend_from_slice(&chunk);
                rest = Some(buf);
            }
            (Some(_), Some(buf)) => buf.extend_from_slice(&chunk),
        }
    }
    Ok(match rest {
        Some(buf) => buf.freeze(),
        None => first.unwrap_or_default(),
    })
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
