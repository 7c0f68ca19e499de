use super::one;
use crate::scheme::message::{Part, lit};
use crate::scheme::time::TimeFormat;
use crate::scheme::{Scheme, SignatureFormat, TimestampSource};

/// What is signed.
const SIGNED: &[Part] = &[lit("v1:"), Part::Timestamp, lit(":"), Part::Body];

/// Orb: `X-Orb-Signature: v1=<hex>[ v1=<hex>…]` over `v1:{t}:{body}`, with
/// `X-Orb-Timestamp: <ISO 8601 time>`.
///
/// HMAC-SHA256 keyed with the endpoint's webhook secret (Orb dashboard → Developers → Webhooks)
/// as text. The signature header is a **space**-separated list of `v1=<hex>` items (any may
/// match; other versions are ignored). The timestamp is ISO 8601 text such as
/// `2023-11-14T22:13:15.123456` — without an offset it is UTC; `+00:00` and `Z` forms are also
/// read — and is signed exactly as sent. Lowercase hex only. Body limit 1 MiB (none
/// documented). No handshake (the dashboard's test event is signed like any other).
///
/// Window ±300 s, inclusive, as Orb's SDK (`orb-billing` `webhooks.verify_signature`). The SDK
/// reads the timestamp with Python's lenient `datetime.fromisoformat`; here it must be a full
/// date and time.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::orb(), Keyring::from(Secret::new("orb webhook secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn orb() -> Scheme {
    Scheme::preset(
        "orb",
        one("x-orb-signature"),
        SignatureFormat::key_value(' ', "v1"),
    )
    .signing(SIGNED)
    .stamp(TimestampSource::Header(
        one("x-orb-timestamp"),
        TimeFormat::IsoUtc,
    ))
}
