use super::one;
use crate::scheme::{Algorithm, Scheme, SignatureFormat};

/// HCP Terraform / Terraform Enterprise notifications:
/// `X-TFE-Notification-Signature: <hex HMAC-SHA512(token, body)>`
/// ([docs](https://developer.hashicorp.com/terraform/cloud-docs/api-docs/notification-configurations#notification-authenticity)).
///
/// **HMAC-SHA512** (128 lowercase hex characters) over the raw body, keyed with the
/// notification configuration's **token** as text (Workspace → Settings → Notifications →
/// Token, or the API attribute `token`). Only "generic" (webhook) destinations with a token are
/// signed; Slack, Teams and email destinations are not. No timestamp: the payload's
/// `run_updated_at` is signed as part of the body but not checked here. Body limit 1 MiB (none
/// documented).
///
/// Enabling a configuration (or the verify API) sends a **verification request**, a normal
/// signed delivery whose notification `trigger` is `verification`; it reaches your handler, which
/// must answer 2xx for the configuration to be enabled. No opt-in handshake is needed.
///
/// The docs' Ruby sample compares hex text with `!=`; here the comparison is constant time and
/// uppercase hex is refused.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::terraform(), Keyring::from(Secret::new("notification token")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn terraform() -> Scheme {
    Scheme::preset(
        "terraform",
        one("x-tfe-notification-signature"),
        SignatureFormat::bare(),
    )
    .algo(Algorithm::HmacSha512)
}
