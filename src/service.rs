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
use crate::future::ResponseFuture;
use crate::layer::Shared;
use crate::rejection::{Rejection, RejectionKind};
use crate::verify::{Pending, Verified};

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
        ResponseFuture::new(Box::pin(async move {
            let (mut parts, body) = req.into_parts();
            match receive(&shared, &parts.headers, &parts.uri, body).await {
                Ok((verified, bytes)) => {
                    // Challenges the scheme was told to answer itself (Zoom, Discord).
                    if let Some(answer) = shared.verifier.auto_answer(&verified, &bytes) {
                        return Ok(answered(&shared, answer));
                    }
                    parts.extensions.insert(verified);
                    let req = Request::from_parts(parts, VerifiedBody::new(bytes));
                    inner
                        .call(req)
                        .await
                        .map(|res| res.map(ResponseBody::inner))
                }
                Err(rejection) => Ok(reject(&shared, rejection)),
            }
        }))
    }
}

/// Checks the head, reads the body under the limit and deadline while hashing it, and finishes
/// the verification.
async fn receive<B>(
    shared: &Shared,
    headers: &HeaderMap,
    uri: &http::Uri,
    body: B,
) -> Result<(Verified, Bytes), Rejection>
where
    B: Body,
{
    if let Some(encoding) = headers.get(header::CONTENT_ENCODING)
        && !encoding.as_bytes().eq_ignore_ascii_case(b"identity")
    {
        return Err(Rejection::new(RejectionKind::UnsupportedContentEncoding));
    }
    let mut pending = shared.verifier.begin(headers, uri, shared.clock.now())?;

    let limit = shared.body_limit;
    let declared = content_length(headers);
    if declared.is_some_and(|n| n > limit as u64) || body.size_hint().lower() > limit as u64 {
        return Err(Rejection::new(RejectionKind::BodyTooLarge));
    }
    let read = read_body(body, limit, declared, &mut pending);
    let bytes = match shared.body_timeout {
        Some(deadline) => tokio::time::timeout(deadline, read)
            .await
            .map_err(|_| Rejection::new(RejectionKind::BodyTimeout))??,
        None => read.await?,
    };
    Ok((pending.finish(&bytes)?, bytes))
}

/// Reads every data frame, feeding each to the MACs as it arrives. A body that arrives in one
/// chunk is forwarded without a copy.
async fn read_body<B>(
    body: B,
    limit: usize,
    declared: Option<u64>,
    pending: &mut Pending,
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
        let chunk = data.copy_to_bytes(len);
        pending.update(&chunk);
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

fn reject<B>(shared: &Shared, rejection: Rejection) -> Response<ResponseBody<B>> {
    tracing::info!(
        target: TRACING_TARGET,
        provider = shared.verifier.scheme().name(),
        reason = rejection.kind().as_str(),
        header = rejection.header().map(http::HeaderName::as_str),
        status = rejection.status().as_u16(),
        "webhook rejected"
    );
    let response = shared.rejection.response(&rejection);
    let (mut parts, body) = response.into_parts();
    parts.extensions.insert(rejection);
    Response::from_parts(parts, ResponseBody::rejection(body))
}

/// A 200 JSON response to a verified challenge, sent instead of calling the inner service.
fn answered<B>(shared: &Shared, json: Vec<u8>) -> Response<ResponseBody<B>> {
    tracing::debug!(
        target: TRACING_TARGET,
        provider = shared.verifier.scheme().name(),
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
