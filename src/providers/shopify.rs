use super::{MIB, either};
use crate::scheme::{Encoding, Scheme, SignatureFormat};

/// Shopify: `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256(client secret, body)>`, or the same
/// value under `shopify-hmac-sha256` for the newer event deliveries (read first when both are
/// present, as Shopify's SDK does).
///
/// Base64 is standard, padded and canonical; hex or URL-safe forms are refused. The key is the
/// app's client secret (API secret key) as text, or for webhooks made in the shop admin the key
/// the admin shows. No timestamp: `X-Shopify-Triggered-At` is not signed. Body limit 5 MiB:
/// Shopify documents no cap for HTTPS deliveries and its bodies can exceed a megabyte.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::shopify(), Keyring::from(Secret::new("shpss_client_secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn shopify() -> Scheme {
    Scheme::preset(
        "shopify",
        either("shopify-hmac-sha256", &["x-shopify-hmac-sha256"]),
        SignatureFormat::bare(),
    )
    .enc(Encoding::Base64)
    .limit(5 * MIB)
}
