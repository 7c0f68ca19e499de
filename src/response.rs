//! What a rejected delivery is answered with.

use std::fmt;

use bytes::Bytes;
use http::{HeaderValue, Response, header};

use crate::rejection::Rejection;

/// Builds the response for a rejected delivery. The layer then adds the [`Rejection`] to the
/// response's extensions.
///
/// Implemented for closures, so a custom answer is one line:
///
/// ```
/// use bytes::Bytes;
/// use webhook_guard::{providers, Keyring, Rejection, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::github(), Keyring::from(Secret::new("s")?))?
///     .rejection_response(|rejection: &Rejection| {
///         http::Response::builder()
///             .status(rejection.status())
///             .body(Bytes::from_static(b"{\"error\":\"invalid webhook\"}"))
///             .unwrap_or_default()
///     });
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
///
/// Keep bodies uninformative: the reason is for your logs, not for whoever sent the request.
pub trait RejectionResponse: Send + Sync + 'static {
    /// The response for `rejection`.
    fn response(&self, rejection: &Rejection) -> Response<Bytes>;
}

impl<F> RejectionResponse for F
where
    F: Fn(&Rejection) -> Response<Bytes> + Send + Sync + 'static,
{
    fn response(&self, rejection: &Rejection) -> Response<Bytes> {
        self(rejection)
    }
}

/// The default: the status of [`Rejection::status`] with its reason phrase as a plain-text body
/// (`Unauthorized`, `Payload Too Large`, …), and an empty body for the 200 given to an already
/// processed duplicate. The body is the same for every reason that shares a status, so it tells
/// a forger nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultRejectionResponse;

impl RejectionResponse for DefaultRejectionResponse {
    fn response(&self, rejection: &Rejection) -> Response<Bytes> {
        let status = rejection.status();
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

pub(crate) struct DebugRejectionResponse<'a>(pub(crate) &'a dyn RejectionResponse);

impl fmt::Debug for DebugRejectionResponse<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let _ = self.0;
        f.write_str("RejectionResponse")
    }
}
