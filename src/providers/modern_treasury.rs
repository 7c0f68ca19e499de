use super::one;
use crate::scheme::{Scheme, SignatureFormat};

/// Modern Treasury: `X-Signature: <hex HMAC-SHA256(webhook key, body)>`.
///
/// The key is the **webhook key** from Developer Settings → Webhooks, as text. The raw body is
/// signed; there is no timestamp and no delivery id in the scheme, so the signature alone does
/// not stop a captured delivery from being replayed (use a replay guard keyed on the event's
/// `data.id` if that matters). Lowercase hex only, compared in constant time (both official SDKs
/// compare the hex text with `==`, so uppercase fails there too). Body limit 1 MiB (none
/// documented). No handshake.
///
/// Confirmed with `modern-treasury` (Python) `Webhooks.get_signature` /
/// `Webhooks.validate_signature` (the Node SDK's `validateSignature` is the same construction).
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::modern_treasury(), Keyring::from(Secret::new("5f3c9e1a7b2d4f6e")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn modern_treasury() -> Scheme {
    Scheme::preset(
        "modern-treasury",
        one("x-signature"),
        SignatureFormat::bare(),
    )
}
