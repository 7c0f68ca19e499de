use std::borrow::Cow;

use super::one;
use crate::scheme::message::{Part, lit};
use crate::scheme::time::{TimeFormat, Window};
use crate::scheme::{Scheme, SignatureFormat, TimestampSource};

/// What is signed.
const SIGNED: &[Part] = &[Part::Timestamp, lit("."), Part::Body];

/// ElevenLabs: `ElevenLabs-Signature: t=<unix>,v0=<hex HMAC-SHA256(secret, "{t}.{body}")>`.
///
/// Note **`v0`**, not `v1`. The key is the webhook's HMAC secret shown when the webhook is
/// created (Settings → Webhooks), as text including its `wsec_` prefix. Items may come in any
/// order and are split on `,` without trimming; lowercase hex only, compared in constant time
/// (the SDKs compare text with `!=`). Body limit 1 MiB (none documented; post-call audio
/// webhooks carry base64 audio, raise the layer's limit if you take them). No handshake.
///
/// Window ±1800 s. The SDKs (`elevenlabs` `construct_event`, `@elevenlabs/elevenlabs-js`
/// `constructEvent`) check only the past (30 minutes): this preset also refuses timestamps more
/// than 30 minutes ahead, which also refuses a millisecond `t` (the SDKs let it pass as "far
/// future"). The SDKs parse the body as JSON after verifying, so they refuse an empty body with
/// a valid signature; here it verifies.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::elevenlabs(), Keyring::from(Secret::new("wsec_0123456789abcdef")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn elevenlabs() -> Scheme {
    Scheme::preset(
        "elevenlabs",
        one("elevenlabs-signature"),
        SignatureFormat::key_value(',', "v0"),
    )
    .signing(SIGNED)
    .stamp(TimestampSource::Param(
        Cow::Borrowed("t"),
        TimeFormat::Seconds,
    ))
    .window(Window::both(1800))
}
