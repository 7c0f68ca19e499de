//! [`Webhook`]: the service that reads, verifies and forwards. `call` only hands the request to
//! its [`ResponseFuture`], the one state machine every request goes through.

use std::fmt;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::{Request, Response};
use http_body::Body;
use smol_str::SmolStr;
use tower_service::Service;

use crate::body::{ResponseBody, VerifiedBody};
use crate::budget::BufferBudget;
use crate::clock::Clock;
use crate::future::ResponseFuture;
use crate::keys::KeySource;
use crate::replay::ReplayGuard;
use crate::response::{DebugResponder, Responder};

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

/// Everything the service needs, shared by every clone of a layer and its services.
#[derive(Clone)]
pub(crate) struct Shared {
    pub(crate) keys: KeySource,
    /// The scheme's name, for logs.
    pub(crate) provider: SmolStr,
    pub(crate) body_limit: usize,
    pub(crate) body_timeout: Option<Duration>,
    pub(crate) clock: Clock,
    pub(crate) responder: Arc<dyn Responder>,
    pub(crate) replay: Option<ReplayGuard>,
    pub(crate) budget: Option<Arc<BufferBudget>>,
    pub(crate) report_only: bool,
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

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookLayer")
            .field("keys", &self.keys)
            .field("body_limit", &self.body_limit)
            .field("body_timeout", &self.body_timeout)
            .field("clock", &self.clock)
            .field("responder", &DebugResponder(&*self.responder))
            .field("replay", &self.replay)
            .field("report_only", &self.report_only)
            .field("budget", &self.budget)
            .finish_non_exhaustive()
    }
}
