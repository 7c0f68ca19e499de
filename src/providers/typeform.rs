use super::one;
use crate::scheme::{Encoding, Scheme, SignatureFormat};

/// Typeform: `Typeform-Signature: sha256=<base64 HMAC-SHA256(secret, body)>`
/// ([docs](https://www.typeform.com/developers/webhooks/secure-your-webhooks/)).
///
/// - **Signed:** the raw body ("the entire received payload as binary"). No timestamp; the
///   body's `event_id` is signed with it.
/// - **Key:** the webhook's **secret**, a random string you generate and set on the webhook
///   (Webhooks API `secret` field, or the form's Connect → Webhooks → Edit → Secret), as text.
///   Typeform signs deliveries only once a secret is set.
/// - **Layout:** the prefix must be exactly `sha256=` (lowercase), then standard, padded,
///   canonical base64, as the docs' sample builds it (`Base64.strict_encode64`) and compares the
///   whole value. Typeform has no SDK verifier; the fixture transcribes the docs.
/// - **Window:** none. **Body limit:** 1 MiB (undocumented). No handshake.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::typeform(), Keyring::from(Secret::new("b7e15163f1a9c0d2e3f4")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn typeform() -> Scheme {
    Scheme::preset(
        "typeform",
        one("typeform-signature"),
        SignatureFormat::prefixed("sha256="),
    )
    .enc(Encoding::Base64)
}
