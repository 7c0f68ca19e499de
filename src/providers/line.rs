use super::one;
use crate::scheme::{Encoding, Scheme, SignatureFormat};

/// LINE Messaging API: `x-line-signature: <base64 HMAC-SHA256(channel secret, body)>`
/// ([docs](https://developers.line.biz/en/docs/messaging-api/verify-webhook-signature/)).
///
/// - **Signed:** the raw body. LINE signs no timestamp and no delivery id (the events'
///   `timestamp` and `webhookEventId` are inside the signed body and not checked here), so pair
///   this preset with a replay guard keyed on `webhookEventId` if redelivery matters.
/// - **Key:** the **Channel secret** (LINE Developers Console → channel → Basic settings), used
///   as text: its 32 hex characters are not hex-decoded.
/// - **Encoding:** standard, padded, canonical base64 (44 characters). The Python SDK
///   (`line-bot-sdk` `SignatureValidator.validate`) compares the base64 text exactly and agrees
///   with this preset on every fixture case. The Node SDK (`@line/bot-sdk` `validateSignature`)
///   decodes the header with `Buffer.from(sig, "base64")`, which also accepts an unpadded or
///   URL-safe signature; this preset refuses those, as the Python SDK does. LINE itself always
///   sends the padded standard form.
/// - **Window:** none (nothing signed carries a time). **Body limit:** 1 MiB (undocumented).
/// - **Webhook URL verification:** the console's Verify button sends an ordinary signed POST
///   whose body is `{"destination":"U…","events":[]}`; it verifies like any delivery and the
///   handler answers 200. There is no special handshake.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::line(), Keyring::from(Secret::new("8f1b2c3d4e5f60718293a4b5c6d7e8f9")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn line() -> Scheme {
    Scheme::preset("line", one("x-line-signature"), SignatureFormat::bare()).enc(Encoding::Base64)
}
