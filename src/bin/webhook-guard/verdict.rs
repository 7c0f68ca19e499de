//! One delivery judged exactly as the layer judges it, and the words for each verdict.

use std::time::SystemTime;

use http::{HeaderMap, HeaderName, Method, Request, Uri, header};
use webhook_guard::{RejectionKind, Scheme, Verified, Verifier};

use crate::setup::{unix, utc};

/// A delivery as the server received it.
#[derive(Debug, Clone)]
pub(crate) struct Delivery {
    pub(crate) method: Method,
    pub(crate) headers: HeaderMap,
    pub(crate) uri: Uri,
    pub(crate) body: Vec<u8>,
    pub(crate) now: SystemTime,
}

impl Delivery {
    /// The delivery with `body`, as the verifier takes it.
    pub(crate) fn request<'b>(&self, body: &'b [u8]) -> Request<&'b [u8]> {
        let mut request = Request::new(body);
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = self.uri.clone();
        *request.headers_mut() = self.headers.clone();
        request
    }
}

/// Why a delivery was refused: the layer's limits, or the verifier's rejection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// A `Content-Encoding` other than `identity`.
    Compressed,
    /// Over the preset's body limit.
    TooLarge,
    /// Refused by the verifier.
    Rejected {
        kind: RejectionKind,
        header: Option<HeaderName>,
    },
}

impl Refusal {
    /// The verifier's reason, when it was the verifier.
    pub(crate) fn kind(&self) -> Option<RejectionKind> {
        match self {
            Self::Rejected { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// The stable name of the reason.
    pub(crate) fn as_str(&self) -> &'static str {
        match self {
            Self::Compressed => "unsupported_content_encoding",
            Self::TooLarge => "body_too_large",
            Self::Rejected { kind, .. } => kind.as_str(),
        }
    }
}

/// The layer's checks, in its order where they can differ: `Content-Encoding`, the scheme's body
/// limit, then [`Verifier::verify`] (the layer reads the body only after the header checks, so
/// for a delivery that fails both, it reports the header problem where this reports the size).
pub(crate) fn verdict(verifier: &Verifier, delivery: &Delivery) -> Result<Verified, Refusal> {
    verdict_with(verifier, delivery, &delivery.body)
}

/// [`verdict`] with another body.
pub(crate) fn verdict_with(
    verifier: &Verifier,
    delivery: &Delivery,
    body: &[u8],
) -> Result<Verified, Refusal> {
    if compressed(&delivery.headers) {
        return Err(Refusal::Compressed);
    }
    if body.len() > verifier.scheme().default_body_limit() {
        return Err(Refusal::TooLarge);
    }
    verifier
        .verify(&delivery.request(body), delivery.now)
        .map_err(|r| Refusal::Rejected {
            kind: r.kind(),
            header: r.header().cloned(),
        })
}

/// Whether a `Content-Encoding` line says anything but `identity` (the layer refuses those).
pub(crate) fn compressed(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::CONTENT_ENCODING)
        .iter()
        .any(|v| !v.as_bytes().trim_ascii().eq_ignore_ascii_case(b"identity"))
}

/// The `key: value` lines printed under `verified`.
pub(crate) fn verified_lines(verified: &Verified, now: SystemTime) -> Vec<String> {
    let timestamp = match verified.timestamp_unix() {
        Some(ts) => {
            let now = unix(now);
            let age = if ts <= now {
                format!("{} s in the past", now - ts)
            } else {
                format!("{} s in the future", ts - now)
            };
            format!("{ts} ({}, {age})", utc(ts))
        }
        None => "none".to_owned(),
    };
    vec![
        format!("provider: {}", verified.provider()),
        format!("delivery-id: {}", verified.delivery_id().unwrap_or("none")),
        format!("timestamp: {timestamp}"),
        format!("secret: {}", verified.key_label()),
    ]
}

/// A sentence saying what a refusal means for this scheme.
pub(crate) fn reason(refusal: &Refusal, scheme: &Scheme) -> String {
    let header = match refusal {
        Refusal::Rejected {
            header: Some(h), ..
        } => format!("`{h}`"),
        _ => "a header".to_owned(),
    };
    let provider = scheme.name();
    let kind = match refusal {
        Refusal::TooLarge => {
            return format!(
                "the body is larger than {} bytes, the preset's body limit",
                scheme.default_body_limit()
            );
        }
        Refusal::Compressed => {
            return "the body is compressed (Content-Encoding): signatures cover the bytes as sent, so the layer refuses it".to_owned();
        }
        Refusal::Rejected { kind, .. } => *kind,
    };
    match kind {
        RejectionKind::MissingHeader => format!(
            "the request has no {header} header ({provider} sends {})",
            scheme.describe_headers()
        ),
        RejectionKind::DuplicateHeader => format!("the {header} header appears more than once"),
        RejectionKind::MalformedHeader => format!(
            "the {header} header is not in {provider}'s format ({})",
            scheme.describe_headers()
        ),
        RejectionKind::InvalidTimestamp => {
            "the timestamp is not a plain positive number of seconds (milliseconds, a date, a sign or a leading zero?)".to_owned()
        }
        RejectionKind::TimestampTooOld => {
            "the timestamp is further in the past than the tolerance allows".to_owned()
        }
        RejectionKind::TimestampInFuture => {
            "the timestamp is further in the future than the tolerance allows".to_owned()
        }
        RejectionKind::InvalidId => {
            "the delivery id is empty, longer than 256 characters, or has characters outside [A-Za-z0-9_:-]".to_owned()
        }
        RejectionKind::NoSignature => format!(
            "the {header} header holds no signature of the version {provider} verifies"
        ),
        RejectionKind::SignatureMismatch => {
            "no signature in the request matches the given secret(s)".to_owned()
        }
        RejectionKind::NoActiveKey => "every secret has expired".to_owned(),
        RejectionKind::MalformedBody => format!(
            "the body does not hold {provider}'s signature fields, well formed ({})",
            scheme.describe_headers()
        ),
        RejectionKind::UntrustedKeyLocation => format!(
            "the delivery names its key at a location outside {provider}'s allow-list ({}): it is never fetched or trusted",
            scheme.describe_key_location().unwrap_or("no key location")
        ),
        other => other.as_str().replace('_', " "),
    }
}
