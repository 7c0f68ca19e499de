use super::one;
use crate::scheme::{Encoding, Scheme, SignatureFormat};

/// Xero: `x-xero-signature: <base64 HMAC-SHA256(webhooks key, body)>`
/// ([docs](https://developer.xero.com/documentation/webhooks/configuring-your-server)).
///
/// - **Signed:** the raw body. No timestamp and no delivery id (the body's `events[].eventDateUtc`,
///   sequence numbers and random `entropy` are signed but not checked here).
/// - **Key:** the app's **Webhooks key** (developer portal → your app → Webhooks), used **as
///   text**. It looks like base64 (88 characters ending in `==`), but Xero does not decode it:
///   give it exactly as shown.
/// - **Encoding:** standard, padded, canonical base64.
/// - **Intent to receive:** when a subscription is created, re-enabled or moved, Xero sends a
///   series of POSTs with `"events": []`, some correctly and some incorrectly signed. Each
///   incorrectly signed one must get **401**, which is what the layer answers to every rejected
///   request; each correctly signed one reaches your handler, which must answer **200 with an
///   empty body** (within 5 s). Ordinary deliveries follow the same rule. No handshake option is
///   needed.
/// - **Window:** none. **Body limit:** 1 MiB (undocumented). Xero has no SDK verifier; the
///   fixture transcribes the docs.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let key = "OSd0eLlVIY9ZhViEqlDUh4+6n6M+Lo+eDaEJheJ6OCCgWwIz2D3JIAU6jPMipHRbgKTLz2uJ+xiACXGDBLrgdA==";
/// let layer = WebhookLayer::new(providers::xero(), Keyring::from(Secret::new(key)?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn xero() -> Scheme {
    Scheme::preset("xero", one("x-xero-signature"), SignatureFormat::bare()).enc(Encoding::Base64)
}
