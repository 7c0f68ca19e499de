use super::one;
use crate::scheme::{Algorithm, Scheme, SignatureFormat};

/// Intercom: `X-Hub-Signature: sha1=<hex HMAC-SHA1(client_secret, body)>`
/// ([docs](https://developers.intercom.com/intercom-api-reference/v1.0/reference/signed-notifications)).
/// The key is the app's `client_secret` (or `hub_secret` for old subscriptions). No timestamp.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::intercom(), Keyring::from(Secret::new("client_secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn intercom() -> Scheme {
    Scheme::preset(
        "intercom",
        one("x-hub-signature"),
        SignatureFormat::prefixed("sha1="),
    )
    .algo(Algorithm::HmacSha1)
}
