use super::one;
use crate::scheme::{Scheme, SignatureFormat};

/// Bitbucket Cloud (and Data Center): `X-Hub-Signature: sha256=<hex HMAC-SHA256(secret, body)>`
/// ([announcement](https://bitbucket.org/blog/enhanced-webhook-security)). No timestamp.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::bitbucket(), Keyring::from(Secret::new("bitbucket secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn bitbucket() -> Scheme {
    Scheme::preset(
        "bitbucket",
        one("x-hub-signature"),
        SignatureFormat::prefixed("sha256="),
    )
}
