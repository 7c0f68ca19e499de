use super::one;
use crate::scheme::message::{Part, lit};
use crate::scheme::time::TimeFormat;
use crate::scheme::{Scheme, SignatureFormat, TimestampSource};

/// What is signed.
const SIGNED: &[Part] = &[lit("v0:"), Part::Timestamp, lit(":"), Part::Body];

/// Frame.io (V4 webhooks and Custom Actions): `X-Frameio-Signature: v0=<hex>` over
/// `v0:{t}:{body}`, with `X-Frameio-Request-Timestamp: <unix seconds>`
/// ([docs](https://developer.adobe.com/frameio/guides/Webhooks/)).
///
/// HMAC-SHA256 keyed with the signing secret returned once when the webhook (or Custom Action)
/// is created, as text. `v0=` is the only version. Lowercase hex only, compared in constant
/// time. Body limit 1 MiB (none documented). No handshake.
///
/// Window ±300 s: Frame.io's docs recommend "within 5 minutes of local time"; their sample code
/// checks `now - t < 500` (past only, 500 s). The sample also encodes the body as latin-1; here
/// the raw bytes are verified, which is what Frame.io signs.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::frame_io(), Keyring::from(Secret::new("frame.io signing secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn frame_io() -> Scheme {
    Scheme::preset(
        "frame-io",
        one("x-frameio-signature"),
        SignatureFormat::prefixed("v0="),
    )
    .signing(SIGNED)
    .stamp(TimestampSource::Header(
        one("x-frameio-request-timestamp"),
        TimeFormat::Seconds,
    ))
}
