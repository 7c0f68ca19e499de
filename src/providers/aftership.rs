use super::one;
use crate::scheme::{Encoding, Scheme, SignatureFormat};

/// AfterShip Tracking: `aftership-hmac-sha256: <base64 HMAC-SHA256(webhook secret, body)>`
/// ([docs](https://www.aftership.com/docs/tracking/webhook/webhook-signature)).
///
/// - **Product:** this is AfterShip **Tracking**, the main webhook product. AfterShip's other
///   products sign the same way under other headers: Returns and Warranty send
///   `as-signature-hmac-sha256` (bare base64), and Returns organisations created before
///   2022-10-25 send `am-webhook-signature: hmac-sha256=<base64>`. This preset reads only
///   `aftership-hmac-sha256`, so a Returns or Warranty delivery is refused as unsigned.
/// - **Signed:** the raw body. No timestamp in the signature (the body's `ts` is signed inside it,
///   not checked); `event_id` identifies the delivery.
/// - **Key:** the account's **webhook secret** (Settings → Webhooks), as text.
/// - **Encoding:** standard, padded, canonical base64. AfterShip has no SDK verifier; the
///   fixture transcribes the docs.
/// - **Window:** none. **Body limit:** 1 MiB (undocumented). No handshake.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::aftership(), Keyring::from(Secret::new("aftership webhook secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn aftership() -> Scheme {
    Scheme::preset(
        "aftership",
        one("aftership-hmac-sha256"),
        SignatureFormat::bare(),
    )
    .enc(Encoding::Base64)
}
