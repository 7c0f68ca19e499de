use super::one;
use crate::scheme::{Encoding, Scheme, SignatureFormat};

/// Castle: `X-Castle-Signature: <base64 HMAC-SHA256(API secret, body)>`
/// (`castle` Python SDK, `castle.webhooks.verify.WebhooksVerify`).
///
/// - **Signed:** the raw body. No timestamp (the body's `created_at` is not checked) and no
///   delivery id.
/// - **Key:** the Castle **API Secret** (dashboard → Settings → API), the same secret the API
///   client uses, as text.
/// - **Encoding:** standard, padded, canonical base64; unpadded, URL-safe and hex forms are
///   refused, as the SDK's comparison of the base64 text refuses them.
/// - **SDK difference:** the SDK rejects an empty body before comparing signatures; here a
///   correct signature over an empty body verifies (the fixture's `sdk_quirk_empty_body`).
///   Castle never sends an empty body.
/// - **Window:** none. **Body limit:** 1 MiB (undocumented). No handshake.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::castle(), Keyring::from(Secret::new("castle api secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn castle() -> Scheme {
    Scheme::preset("castle", one("x-castle-signature"), SignatureFormat::bare())
        .enc(Encoding::Base64)
}
