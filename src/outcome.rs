//! [`Outcome`]: why the layer answered a request itself instead of calling the inner service.

use std::fmt;

use http::StatusCode;

use crate::rejection::Rejection;

/// Why the layer answered a request itself instead of calling the inner service — a failed
/// verification, a limit, an unavailable store, a duplicate, a handshake. It is in the
/// extensions of every response the layer makes, so outer middleware, metrics and tests can
/// see what the response body deliberately hides.
///
/// ```
/// use http::StatusCode;
/// use webhook_guard::Outcome;
///
/// assert_eq!(Outcome::BodyTooLarge.status(), StatusCode::PAYLOAD_TOO_LARGE);
/// assert_eq!(Outcome::AlreadyProcessed.status(), StatusCode::OK);
/// assert_eq!(Outcome::BodyTimeout.as_str(), "body_timeout");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The delivery failed verification: 401. The [`Rejection`] says why.
    Rejected(Rejection),
    /// The tenant named by the request is unknown (or the request names none): 401, exactly as
    /// a bad signature, since the name is an unsigned claim.
    UnknownTenant,
    /// The body is larger than the limit (by `Content-Length` or while streaming): 413.
    BodyTooLarge,
    /// The body stream failed (client gone, protocol error): 400.
    BodyReadFailed,
    /// The whole body did not arrive within the body deadline: 408.
    BodyTimeout,
    /// The body has a `Content-Encoding` other than `identity`: 415. Signatures cover the bytes
    /// as sent, so a compressed body cannot be verified as it is.
    UnsupportedContentEncoding,
    /// Buffering this body would exceed the layer's budget of bytes held at once (see
    /// [`WebhookLayer::max_buffered_bytes`](crate::WebhookLayer::max_buffered_bytes)): 503 with
    /// `Retry-After`.
    BufferFull,
    /// The key resolver failed, panicked or missed its deadline: 503 with `Retry-After`
    /// (failing closed).
    KeyLookupFailed,
    /// The verification key the delivery names (a certificate URL, a key id on the scheme's
    /// allow-list) could not be fetched: the fetcher failed, panicked or missed its deadline,
    /// returned more bytes than allowed or nothing the scheme could parse, or too many other
    /// fetches were in flight. 503 with `Retry-After` (failing closed), so the provider
    /// retries. See [`WebhookLayer::with_key_fetcher`](crate::WebhookLayer::with_key_fetcher).
    KeyFetchFailed,
    /// The replay store failed or missed its deadline: 503 with `Retry-After` (failing closed).
    ReplayStoreUnavailable,
    /// The replay guard keys on an unsigned header the request lacks: 401.
    MissingDedupeKey,
    /// A copy of a delivery already processed successfully (replay guard): 200 with an empty
    /// body, so the sender stops retrying; the handler is not called.
    AlreadyProcessed,
    /// A copy of a delivery whose first copy is still being processed (replay guard): 409, so
    /// the sender retries later.
    InProgress,
    /// A provider's set-up exchange the layer answered itself (see
    /// [`Scheme::answer_handshakes`](crate::Scheme::answer_handshakes)): 200 with the answer.
    Answered,
}

impl Outcome {
    /// The HTTP status the layer answers with.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Rejected(_) | Self::UnknownTenant | Self::MissingDedupeKey => {
                StatusCode::UNAUTHORIZED
            }
            Self::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::BodyReadFailed => StatusCode::BAD_REQUEST,
            Self::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::UnsupportedContentEncoding => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::BufferFull
            | Self::KeyLookupFailed
            | Self::KeyFetchFailed
            | Self::ReplayStoreUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::AlreadyProcessed | Self::Answered => StatusCode::OK,
            Self::InProgress => StatusCode::CONFLICT,
        }
    }

    /// A stable snake_case name, used in tracing events and metrics: the rejection's kind for
    /// [`Outcome::Rejected`].
    #[must_use]
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Rejected(rejection) => rejection.kind().as_str(),
            Self::UnknownTenant => "unknown_tenant",
            Self::BodyTooLarge => "body_too_large",
            Self::BodyReadFailed => "body_read_failed",
            Self::BodyTimeout => "body_timeout",
            Self::UnsupportedContentEncoding => "unsupported_content_encoding",
            Self::BufferFull => "buffer_full",
            Self::KeyLookupFailed => "key_lookup_failed",
            Self::KeyFetchFailed => "key_fetch_failed",
            Self::ReplayStoreUnavailable => "replay_store_unavailable",
            Self::MissingDedupeKey => "missing_dedupe_key",
            Self::AlreadyProcessed => "already_processed",
            Self::InProgress => "in_progress",
            Self::Answered => "answered",
        }
    }

    /// The rejection, for a failed verification.
    #[must_use]
    pub fn rejection(&self) -> Option<&Rejection> {
        match self {
            Self::Rejected(rejection) => Some(rejection),
            _ => None,
        }
    }

    /// Whether this is a verification failure (401): the only outcomes report-only mode lets
    /// through.
    pub(crate) fn is_unverified(&self) -> bool {
        matches!(self, Self::Rejected(_) | Self::UnknownTenant)
    }
}

impl From<Rejection> for Outcome {
    fn from(rejection: Rejection) -> Self {
        Self::Rejected(rejection)
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rejected(rejection) => rejection.fmt(f),
            other => write!(f, "webhook {}", other.as_str()),
        }
    }
}
