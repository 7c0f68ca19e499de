use super::one;
use crate::scheme::{Scheme, SignatureFormat};

/// Easytools: `X-Webhook-Signature: <hex HMAC-SHA256(signing key, body)>`
/// ([docs](https://easy.tools/docs/generate-webhook-signing-key)). The raw body is verified (the
/// docs' sample re-encodes JSON, which matches only for compact JSON). No timestamp.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::easytools(), Keyring::from(Secret::new("easytools key")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn easytools() -> Scheme {
    Scheme::preset(
        "easytools",
        one("x-webhook-signature"),
        SignatureFormat::bare(),
    )
}
