//! What the layer answers with when it does not call the inner service.

use std::fmt;

use bytes::Bytes;
use http::{HeaderValue, Response, header};

use crate::outcome::Outcome;

/// Builds the response for an [`Outcome`] (a rejection, a limit, a duplicate, …). The layer
/// then adds the outcome to the response's extensions, and `Retry-After` to a 503 without one.
/// Handshake answers are sent as the provider requires and never go through it.
///
/// Implemented for closures, so a custom answer is one line:
///
/// ```
/// use bytes::Bytes;
/// use webhook_guard::{providers, Keyring, Outcome, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::github(), Keyring::from(Secret::new("s")?))?
///     .responder(|outcome: &Outcome| {
///         http::Response::builder()
///             .status(outcome.status())
///             .body(Bytes::from_static(b"{\"error\":\"invalid webhook\"}"))
///             .unwrap_or_default()
///     });
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
///
/// Keep bodies uninformative: the reason is for your logs, not for whoever sent the request.
pub trait Responder: Send + Sync + 'static {
    /// The response for `outcome`.
    fn response(&self, outcome: &Outcome) -> Response<Bytes>;
}

impl<F> Responder for F
where
    F: Fn(&Outcome) -> Response<Bytes> + Send + Sync + 'static,
{
    fn response(&self, outcome: &Outcome) -> Response<Bytes> {
        self(outcome)
    }
}

/// The default: the outcome's status with its reason phrase as a plain-text body
/// (`Unauthorized`, `Payload Too Large`, …), and an empty body for the 200 given to an already
/// processed duplicate. The body is the same for every reason that shares a status, so it tells
/// a forger nothing.
///
/// ```
/// use webhook_guard::{DefaultResponder, Outcome, Responder};
///
/// let response = DefaultResponder.response(&Outcome::BodyTooLarge);
/// assert_eq!(response.status(), 413);
/// assert_eq!(response.body().as_ref(), b"Payload Too Large");
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultResponder;

impl Responder for DefaultResponder {
    fn response(&self, outcome: &Outcome) -> Response<Bytes> {
        let status = outcome.status();
        let body = if status.is_success() {
            // A completed duplicate: nothing to say.
            Bytes::new()
        } else {
            Bytes::from_static(status.canonical_reason().unwrap_or("Rejected").as_bytes())
        };
        let mut response = Response::new(body);
        *response.status_mut() = status;
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        response
    }
}

/// `Debug` for a boxed responder, which may be a closure.
pub(crate) struct DebugResponder<'a>(pub(crate) &'a dyn Responder);

impl fmt::Debug for DebugResponder<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let _ = self.0;
        f.write_str("Responder")
    }
}
