use super::one;
use crate::scheme::{Scheme, SignatureFormat};

/// Jira admin webhooks: `X-Hub-Signature: sha256=<hex HMAC-SHA256(webhook secret, body)>`
/// ([Cloud](https://developer.atlassian.com/cloud/jira/platform/webhooks/#secure-admin-webhooks),
/// [Data Center](https://confluence.atlassian.com/adminjiraserver/managing-webhooks-938846912.html)).
///
/// - **Signed:** the raw body. Only webhooks an admin creates with a **secret** (System →
///   WebHooks, or the admin webhooks REST API) are signed; webhooks registered by Connect or
///   OAuth apps carry a JWT instead and are not this preset.
/// - **Header:** `X-Hub-Signature` in the WebSub form (not GitHub's `X-Hub-Signature-256`).
///   Only the `sha256=` method is accepted (exact, lowercase prefix); lowercase hex, compared in
///   constant time.
/// - **Key:** the webhook's secret as typed or generated when the webhook was created, as text.
/// - No timestamp (the body's `timestamp` is signed, not checked); `X-Atlassian-Webhook-Identifier`
///   is not signed. **Window:** none. **Body limit:** 1 MiB (undocumented). No handshake.
///   Atlassian ships no verifier; the fixture transcribes the docs.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::jira(), Keyring::from(Secret::new("jira webhook secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn jira() -> Scheme {
    Scheme::preset(
        "jira",
        one("x-hub-signature"),
        SignatureFormat::prefixed("sha256="),
    )
}
