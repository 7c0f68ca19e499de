use super::{MIB, one};
use crate::scheme::{Algorithm, Encoding, Scheme, SignatureFormat};

/// GitLab: `X-Gitlab-Token: <the secret token>`
/// ([docs](https://docs.gitlab.com/ee/user/project/integrations/webhooks.html#validate-payloads-by-using-a-secret-token)).
///
/// A bearer token, not a signature: **the body is not authenticated**. The token is compared in
/// constant time after hashing both sides with SHA-256, so neither its content nor its length
/// leaks. Body limit 25 MiB, GitLab's own cap on webhook payloads. GitLab's newer signing token
/// follows Standard Webhooks: use
/// [`standard_webhooks`](super::standard_webhooks) for it.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::gitlab(), Keyring::from(Secret::new("gitlab secret token")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn gitlab() -> Scheme {
    Scheme::preset("gitlab", one("x-gitlab-token"), SignatureFormat::bare())
        .algo(Algorithm::Token)
        .enc(Encoding::Verbatim)
        .limit(25 * MIB)
}
