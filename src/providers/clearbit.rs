use super::one;
use crate::scheme::{Algorithm, Scheme, SignatureFormat};

/// Clearbit: `X-Request-Signature: sha1=<hex HMAC-SHA1(secret API key, body)>`, as Clearbit's
/// official Ruby gem checks it (`Clearbit::Webhook.valid?`).
///
/// - **Signed:** the raw body of the lookup result Clearbit posts to your webhook URL. No
///   timestamp, no delivery id (the body's `id` is the `webhook_id` you passed to the lookup).
/// - **Key:** your Clearbit **secret API key**, whole, `sk_` prefix included (the gem uses
///   `Clearbit.key` as it is; stripping `sk_` never verifies).
/// - **Layout:** exactly `sha1=` (lowercase) then lowercase hex, compared in constant time. The
///   Python and Node packages ship no verifier; the fixture transcribes the Ruby gem.
/// - **Window:** none. **Body limit:** 1 MiB (undocumented). No handshake.
///
/// Clearbit is now part of HubSpot and its standalone APIs are being retired: check that your
/// account still sends webhooks.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::clearbit(), Keyring::from(Secret::new("sk_clearbit_secret_key")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn clearbit() -> Scheme {
    Scheme::preset(
        "clearbit",
        one("x-request-signature"),
        SignatureFormat::prefixed("sha1="),
    )
    .algo(Algorithm::HmacSha1)
}
