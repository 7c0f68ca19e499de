use std::borrow::Cow;

use super::one;
use crate::scheme::message::{Part, lit};
use crate::scheme::time::TimeFormat;
use crate::scheme::{Scheme, SignatureFormat, TimestampSource};

/// What is signed.
const SIGNED: &[Part] = &[Part::Timestamp, lit("."), Part::Body];

/// TikTok for Developers: `TikTok-Signature: t=<unix>,s=<hex HMAC-SHA256(client_secret, "{t}.{body}")>`
/// ([docs](https://developers.tiktok.com/doc/webhooks-verification)).
///
/// The key is the app's **Client secret** (Developer Portal → app) as text. The signature item
/// is `s` (not Stripe's `v1`); items are split on `,` without trimming. Lowercase hex only. Body
/// limit 1 MiB (none documented). No handshake. Not for TikTok Shop, which signs differently.
///
/// Window ±300 s: TikTok's docs say to "decide whether the difference is tolerable" without a
/// value, so this preset takes the crate's default (TikTok retries for up to 72 hours, each
/// retry a new delivery). TikTok publishes no SDK verifier; the fixtures follow the documented
/// algorithm.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::tiktok(), Keyring::from(Secret::new("tiktok client secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn tiktok() -> Scheme {
    Scheme::preset(
        "tiktok",
        one("tiktok-signature"),
        SignatureFormat::key_value(',', "s"),
    )
    .signing(SIGNED)
    .stamp(TimestampSource::Param(
        Cow::Borrowed("t"),
        TimeFormat::Seconds,
    ))
}
