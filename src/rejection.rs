//! Why a delivery failed verification.

use std::fmt;

use http::{HeaderName, StatusCode};

/// Why a delivery failed verification, as a small `Copy` enum for matching and metrics.
///
/// Obtained from [`Rejection::kind`]. These are the verdicts of the core ([`Verifier`](crate::Verifier));
/// what the layer answers for everything else (sizes, deadlines, stores, duplicates) is an
/// [`Outcome`](crate::Outcome). Every kind is answered 401, and response bodies never say which
/// kind it was.
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
    /// The timestamp is not a strict timestamp in the scheme's format (for unix seconds: a plain
    /// positive integer of at most 12 digits, no sign, no leading zero).
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
    /// The delivery names a verification key outside the scheme's allow-list (a certificate URL
    /// on another host, over `http`, with a query or a port…): it is never fetched.
    UntrustedKeyLocation,
}

impl RejectionKind {
    /// The HTTP status the layer answers with: 401 for every verification failure.
    ///
    /// ```
    /// use webhook_guard::RejectionKind;
    ///
    /// assert_eq!(RejectionKind::TimestampTooOld.status(), 401);
    /// ```
    #[must_use]
    pub fn status(self) -> StatusCode {
        StatusCode::UNAUTHORIZED
    }

    /// A stable snake_case name, used in tracing events and metrics.
    ///
    /// ```
    /// assert_eq!(webhook_guard::RejectionKind::SignatureMismatch.as_str(), "signature_mismatch");
    /// ```
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
            Self::UntrustedKeyLocation => "untrusted_key_location",
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
/// The layer puts it, inside [`Outcome::Rejected`](crate::Outcome::Rejected), in the response's
/// extensions, so outer middleware and tests can see the reason that the response body
/// deliberately hides.
///
/// ```
/// use webhook_guard::{providers, Keyring, RejectionKind, Secret, Verifier};
/// # use std::time::SystemTime;
///
/// let verifier = Verifier::new(providers::github(), Keyring::from(Secret::new("s3cret")?))?;
/// let request = http::Request::post("/").body(&b"{}"[..])?;
/// let err = verifier.verify(&request, SystemTime::now()).unwrap_err();
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

    /// The HTTP status for this rejection: 401.
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
