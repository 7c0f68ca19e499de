use super::one;
use crate::scheme::{Algorithm, Scheme, SignatureFormat};

/// Webex (formerly Cisco Spark): `X-Spark-Signature: <hex HMAC-SHA1(webhook secret, body)>`
/// ([docs](https://developer.webex.com/docs/api/guides/webhooks),
/// [blog](https://developer.webex.com/blog/using-a-webhook-secret)).
///
/// - **Signed:** the raw JSON body as sent. No timestamp (`data.created` is inside the signed
///   body, not checked) and no delivery id (the body's `id` is the webhook's).
/// - **Algorithm:** HMAC-**SHA1**, as Webex documents.
/// - **Key:** the `secret` you gave when creating the webhook (Webhooks API), as text. Webex
///   signs only webhooks created with a secret.
/// - **Encoding:** lowercase hex, compared in constant time (Webex's sample compares with `==`).
///   No SDK verifier; the fixture transcribes the docs.
/// - **Window:** none. **Body limit:** 1 MiB (undocumented). No handshake. Webex Contact Center
///   subscriptions sign differently and are not this preset.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::webex(), Keyring::from(Secret::new("somesupersecretphrase")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn webex() -> Scheme {
    Scheme::preset("webex", one("x-spark-signature"), SignatureFormat::bare())
        .algo(Algorithm::HmacSha1)
}
