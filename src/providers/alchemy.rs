use super::one;
use crate::scheme::{Scheme, SignatureFormat};

/// Alchemy Notify: `X-Alchemy-Signature: <hex HMAC-SHA256(signing key, body)>`
/// ([example](https://github.com/alchemyplatform/webhook-examples), Alchemy's official webhook
/// examples, `isValidSignatureForStringBody`).
///
/// - **Signed:** the raw body. No timestamp in the signature (the body's `createdAt`, `id` and
///   `webhookId` are signed inside it, not checked).
/// - **Key:** the webhook's **signing key** (Notify dashboard, on each webhook's page, or the
///   Notify API), as text — not the account's Auth Token.
/// - **Encoding:** lowercase hex, compared in constant time (the example uses `===`). Alchemy's
///   SDK has no verifier; the fixture transcribes the official example.
/// - **Window:** none. **Body limit:** 1 MiB (undocumented). No handshake.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::alchemy(), Keyring::from(Secret::new("whsec_test_9pQ2rS4tU6vW8xY0zA1bC3dE")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn alchemy() -> Scheme {
    Scheme::preset(
        "alchemy",
        one("x-alchemy-signature"),
        SignatureFormat::bare(),
    )
}
