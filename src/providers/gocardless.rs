use super::one;
use crate::scheme::{Scheme, SignatureFormat};

/// GoCardless: `Webhook-Signature: <hex HMAC-SHA256(endpoint secret, body)>`, as GoCardless's
/// SDKs check it (`gocardless-pro` `webhooks.parse`, `gocardless-nodejs` `webhooks.parse`).
///
/// - **Signed:** the raw body, a batch of events with `meta.webhook_id`. No timestamp (events
///   carry `created_at`, signed, not checked) and no signed delivery id outside the body.
/// - **Key:** the **webhook endpoint secret** (Dashboard → Developers → Webhook endpoints), as
///   text.
/// - **Encoding:** exactly 64 lowercase hex characters, compared in constant time, as
///   `gocardless-pro` (Python) `webhooks.parse` compares the hex text. `gocardless-nodejs`
///   decodes the header with `Buffer.from(sig, "hex")`, which also accepts uppercase hex and a
///   correct signature followed by junk; this preset refuses both, as the Python SDK does.
/// - **Window:** none. **Body limit:** 1 MiB (undocumented). No handshake.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::gocardless(), Keyring::from(Secret::new("gocardless endpoint secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn gocardless() -> Scheme {
    Scheme::preset(
        "gocardless",
        one("webhook-signature"),
        SignatureFormat::bare(),
    )
}
