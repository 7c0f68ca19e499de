//! [`Webhook`]: the service that reads, verifies and forwards. `call` only hands the request to
//! its [`ResponseFuture`], the one state machine every request goes through.

use std::fmt;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::{Request, Response};
use http_body::Body;
use tower_service::Service;

use crate::body::{ResponseBody, VerifiedBody};
use crate::collect::BoxError;
use crate::future::ResponseFuture;
use crate::settings::Shared;

/// Verifies webhook deliveries before calling the inner service. Built by
/// [`WebhookLayer`](crate::WebhookLayer).
///
/// ```
/// use tower::ServiceExt as _;
/// use webhook_guard::{providers, Keyring, Secret, VerifiedBody, WebhookLayer};
/// use tower_layer::Layer as _;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let echo = tower::service_fn(|req: http::Request<VerifiedBody>| async move {
///     Ok::<_, std::convert::Infallible>(http::Response::new(req.into_body().into_bytes()))
/// });
/// let layer = WebhookLayer::new(providers::github(), Keyring::from(Secret::new("s")?))?;
/// let service = layer.layer(echo);
/// let unsigned = http::Request::post("/").body(http_body_util::Full::new(bytes::Bytes::from("{}")))?;
/// assert_eq!(service.oneshot(unsigned).await?.status(), 401);
/// # Ok(())
/// # }
/// ```
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
    ReqBody: Body,
    ReqBody::Error: Into<BoxError>,
    ResBody: Send + 'static,
{
    type Response = Response<ResponseBody<ResBody>>;
    type Error = S::Error;
    type Future = ResponseFuture<S, ReqBody>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<ReqBody>) -> Self::Future {
        // The service that was polled ready goes into the future; a fresh clone stays behind.
        // See tower's "Be careful when cloning inner services".
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        ResponseFuture::new(inner, self.shared.clone(), req)
    }
}

impl<S: fmt::Debug> fmt::Debug for Webhook<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("inner", &self.inner)
            .field("config", &self.shared)
            .finish()
    }
}
