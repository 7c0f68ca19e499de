use super::one;
use crate::scheme::{Scheme, SignatureFormat};

/// Coinbase Commerce: `X-CC-Webhook-Signature: <hex HMAC-SHA256(shared secret, body)>`
/// ([docs](https://docs.cdp.coinbase.com/commerce/api-arcitecture/webhooks-security)).
///
/// - **Signed:** the raw body. No timestamp in the signature; the body's delivery `id`,
///   `event.id` and `attempt_number` are signed as part of it (each retry carries a new
///   `attempt_number`, so key a replay guard on `event.id`, not on the signature).
/// - **Key:** the webhook **shared secret** (Commerce dashboard → Settings → Notifications), as
///   text.
/// - **Encoding:** lowercase hex; both SDKs (`coinbase-commerce` Python
///   `WebhookSignature.verify_sig_header`, `coinbase-commerce-node` `Webhook.verifySigHeader`)
///   compare the hex text, so uppercase is refused.
/// - The SDKs' `construct_event` / `verifyEventBody` also refuse a body that is not JSON with an
///   `event` field before checking the signature; that is the handler's business here (the
///   fixture's empty body with a correct signature verifies, as `verify_sig_header` says).
/// - **Window:** none. **Body limit:** 1 MiB (undocumented). No handshake.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::coinbase_commerce(), Keyring::from(Secret::new("3f6a1c2e-9b7d-4e5f-8a1b-2c3d4e5f6a7b")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn coinbase_commerce() -> Scheme {
    Scheme::preset(
        "coinbase-commerce",
        one("x-cc-webhook-signature"),
        SignatureFormat::bare(),
    )
}
