use super::one;
use crate::scheme::{Scheme, SignatureFormat};

/// Lemon Squeezy: `X-Signature: <hex HMAC-SHA256(signing secret, body)>`
/// ([docs](https://docs.lemonsqueezy.com/help/webhooks/signing-requests)).
///
/// - **Signed:** the raw body. No timestamp and no delivery id; `X-Event-Name` is not signed
///   (the same value is in the signed body's `meta.event_name`: trust that one).
/// - **Key:** the **signing secret** you typed when creating the webhook, as text.
/// - **Encoding:** lowercase hex, compared exactly in constant time, as the docs' sample does.
///   Lemon Squeezy has no SDK verifier; the fixture transcribes the docs.
/// - **Window:** none. **Body limit:** 1 MiB (undocumented). No handshake.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::lemon_squeezy(), Keyring::from(Secret::new("lsq signing secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn lemon_squeezy() -> Scheme {
    Scheme::preset("lemon-squeezy", one("x-signature"), SignatureFormat::bare())
}
