//! Why a delivery was refused.

use std::fmt;

use http::{HeaderName, StatusCode};

/// Why a delivery was rejected, as a small `Copy` enum for matching and metrics.
///
/// Obtained from [`Rejection::kind`]. The mapping to HTTP statuses is
/// [`RejectionKind::status`]; response bodies never say which kind it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RejectionKind {
    /// A header the scheme requires is absent.
    MissingHeader,
    /// A header the scheme reads exactly once appears several times.
    DuplicateHeader,
    /// A header is present but not in the scheme's format (not ASCII, too long, too many
    /// entries, wrong prefix, …).
    MalformedHeader,
    /// The timestamp is not a plain positive integer of at most 12 digits.
    InvalidTimestamp,
    /// The timestamp is older than the tolerance allows.
    TimestampTooOld,
    /// The timestamp is further in the future than the tolerance allows.
    TimestampInFuture,
    /// The delivery id is empty, too long, or has characters outside `[A-Za-z0-9_:-]`.
    InvalidId,
    /// The signature header holds no signature of the version the scheme verifies (e.g. only
    /// Stripe's test-mode `v0`).
    NoSignature,
    /// No signature in the request matches any active key. This is the forged-request case,
    /// and also what a wrong secret, a re-serialized body or a wrong preset look like.
    SignatureMismatch,
    /// Every configured key has expired.
    NoActiveKey,
    /// A scheme that reads its signature fields from the body (Mailgun) did not find them
    /// there, well formed.
    MalformedBody,
    /// The body is larger than the configured limit (by `Content-Length` or while streaming).
    BodyTooLarge,
    /// The body stream failed (client disconnect, protocol error).
    BodyReadFailed,
    /// The whole body did not arrive within the body deadline.
    BodyTimeout,
    /// The body has a `Content-Encoding` other than `identity`: signatures cover the bytes as
    /// sent, so a compressed body cannot be verified as-is.
    UnsupportedContentEncoding,
    /// A genuine delivery that was already processed successfully (replay guard): answered 200
    /// with an empty body so the sender stops retrying, without calling the handler.
    AlreadyProcessed,
    /// A genuine delivery whose first copy is still being processed (replay guard): 409, so the
    /// sender retries later.
    InProgress,
    /// The replay store did not answer in time or failed: 503 with `Retry-After`, failing
    /// closed.
    ReplayStoreUnavailable,
    /// The replay guard was configured to key on an unsigned header that is missing.
    MissingDedupeKey,
    /// The tenant named by the request is unknown (or the request names none). Answered like a
    /// bad signature: the name is an unsigned claim.
    UnknownTenant,
    /// The key resolver failed: 503, failing closed.
    KeyLookupFailed,
    /// Accepting this body would exceed the layer's budget of bytes buffered at once across
    /// requests (see [`WebhookLayer::max_buffered_bytes`](crate::WebhookLayer::max_buffered_bytes)):
    /// 503 with `Retry-After`, so the sender retries later.
    BufferBudgetExhausted,
}

impl RejectionKind {
    /// The HTTP status the layer answers with.
    ///
    /// 401 for everything about signatures, ids and timestamps; 413 for an oversized body; 400 for
    /// an unreadable one; 408 when the body deadline passes; 415 for a compressed body; with a
    /// replay guard, 200 for a completed duplicate, 409 for one in progress and 503 when the
    /// store is unavailable; 503 when the buffering budget is exhausted.
    #[must_use]
    pub fn status(self) -> StatusCode {
        match self {
            Self::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::BodyReadFailed => StatusCode::BAD_REQUEST,
            Self::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::UnsupportedContentEncoding => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::AlreadyProcessed => StatusCode::OK,
            Self::InProgress => StatusCode::CONFLICT,
            Self::ReplayStoreUnavailable | Self::KeyLookupFailed | Self::BufferBudgetExhausted => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::MissingHeader
            | Self::MissingDedupeKey
            | Self::UnknownTenant
            | Self::DuplicateHeader
            | Self::MalformedHeader
            | Self::InvalidTimestamp
            | Self::TimestampTooOld
            | Self::TimestampInFuture
            | Self::InvalidId
            | Self::NoSignature
            | Self::SignatureMismatch
            | Self::NoActiveKey
            | Self::MalformedBody => StatusCode::UNAUTHORIZED,
        }
    }

    /// A stable snake_case name, used in tracing events.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MissingHeader => "missing_header",
            Self::DuplicateHeader => "duplicate_header",
            Self::MalformedHeader => "malformed_header",
            Self::InvalidTimestamp => "invalid_timestamp",
            Self::TimestampTooOld => "timestamp_too_old",
            Self::TimestampInFuture => "timestamp_in_future",
            Self::InvalidId => "invalid_id",
            Self::NoSignature => "no_signature",
            Self::SignatureMismatch => "signature_mismatch",
            Self::NoActiveKey => "no_active_key",
            Self::MalformedBody => "malformed_body",
            Self::BodyTooLarge => "body_too_large",
            Self::BodyReadFailed => "body_read_failed",
            Self::BodyTimeout => "body_timeout",
            Self::UnsupportedContentEncoding => "unsupported_content_encoding",
            Self::AlreadyProcessed => "already_processed",
            Self::InProgress => "in_progress",
            Self::ReplayStoreUnavailable => "replay_store_unavailable",
            Self::MissingDedupeKey => "missing_dedupe_key",
            Self::UnknownTenant => "unknown_tenant",
            Self::KeyLookupFailed => "key_lookup_failed",
            Self::BufferBudgetExhausted => "buffer_budget_exhausted",
        }
    }
}

impl fmt::Display for RejectionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A refused delivery: what went wrong and, where it helps, which header.
///
/// The layer puts it in the rejection response's extensions, so outer middleware and tests can
/// see the reason that the response body deliberately hides.
///
/// ```
/// use webhook_guard::{providers, Keyring, RejectionKind, Secret, Verifier};
/// # use std::time::SystemTime;
///
/// let verifier = Verifier::new(providers::github(), Keyring::from(Secret::new("s3cret")?))?;
/// let err = verifier
///     .verify(&http::HeaderMap::new(), &http::Uri::from_static("/"), b"{}", SystemTime::now())
///     .unwrap_err();
/// assert_eq!(err.kind(), RejectionKind::MissingHeader);
/// assert_eq!(err.header().map(|h| h.as_str()), Some("x-hub-signature-256"));
/// assert_eq!(err.status(), 401);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    kind: RejectionKind,
    header: Option<HeaderName>,
}

impl Rejection {
    pub(crate) fn new(kind: RejectionKind) -> Self {
        Self { kind, header: None }
    }

    pub(crate) fn header_error(kind: RejectionKind, header: &HeaderName) -> Self {
        Self {
            kind,
            header: Some(header.clone()),
        }
    }

    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> RejectionKind {
        self.kind
    }

    /// The header concerned, when the reason is about one (missing, duplicated, malformed).
    #[must_use]
    pub fn header(&self) -> Option<&HeaderName> {
        self.header.as_ref()
    }

    /// The HTTP status for this rejection; see [`RejectionKind::status`].
    #[must_use]
    pub fn status(&self) -> StatusCode {
        self.kind.status()
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.header {
            Some(h) => write!(f, "webhook rejected: {} ({h})", self.kind),
            None => write!(f, "webhook rejected: {}", self.kind),
        }
    }
}

impl std::error::Error for Rejection {}
