use super::one;
use crate::scheme::{Algorithm, Encoding, Scheme, SignatureFormat};

/// MongoDB Atlas (and Cloud Manager / Ops Manager) alert webhooks: `X-MMS-Signature: <base64
/// HMAC-SHA1(webhook secret, body)>`
/// ([docs](https://www.mongodb.com/docs/atlas/tutorial/webhook-integration/)).
///
/// - **Signed:** the raw body ("the base64-encoded HMAC-SHA-1 signature of the request body").
///   Atlas lets you shape the body with a template; the signature covers whatever is sent. No
///   timestamp (the alert's `created`/`updated` are inside the signed body, not checked) and no
///   delivery id (`X-MMS-Event` names the event and is not signed).
/// - **Algorithm:** HMAC-**SHA1**, as Atlas documents.
/// - **Key:** the **Webhook Secret** typed in Project Settings → Integrations → Webhook, as
///   text. Atlas adds the header only when a secret is set: without one nothing can be verified.
/// - **Encoding:** standard, padded, canonical base64 (28 characters), compared in constant
///   time. No SDK verifier; the fixture transcribes the docs.
/// - **Window:** none. **Body limit:** 1 MiB (undocumented). No handshake.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::mongodb(), Keyring::from(Secret::new("atlas webhook secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn mongodb() -> Scheme {
    Scheme::preset("mongodb", one("x-mms-signature"), SignatureFormat::bare())
        .algo(Algorithm::HmacSha1)
        .enc(Encoding::Base64)
}
