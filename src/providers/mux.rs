use std::borrow::Cow;

use super::one;
use crate::scheme::message::{Part, lit};
use crate::scheme::time::TimeFormat;
use crate::scheme::{Scheme, SignatureFormat, TimestampSource};

/// What is signed.
const SIGNED: &[Part] = &[Part::Timestamp, lit("."), Part::Body];

/// Mux: `Mux-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "{t}.{body}")>`
/// ([docs](https://www.mux.com/docs/core/verify-webhook-signatures)).
///
/// The key is the webhook's **Signing Secret** (Dashboard → Settings → Webhooks) as text. Items
/// are split on `,` without trimming, as Mux's SDK does; any `v1` may match and other versions
/// are ignored. Lowercase hex only (the SDK compares text). Body limit 1 MiB (none documented).
/// No handshake.
///
/// Window ±300 s. Mux's SDK (`@mux/mux-node` `webhooks.verifySignature`) checks only the past
/// (300 s): this preset also refuses timestamps more than 300 s in the future. It also takes
/// `t` as strict digits, signed as sent, where the SDK's `parseInt` accepts `t=1699999995x`.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::mux(), Keyring::from(Secret::new("mux signing secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn mux() -> Scheme {
    Scheme::preset(
        "mux",
        one("mux-signature"),
        SignatureFormat::key_value(',', "v1"),
    )
    .signing(SIGNED)
    .stamp(TimestampSource::Param(
        Cow::Borrowed("t"),
        TimeFormat::Seconds,
    ))
}
