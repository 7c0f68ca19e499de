use super::standard_webhooks::{Brand, branded};
use crate::scheme::Scheme;

/// OpenAI: [Standard Webhooks](https://www.standardwebhooks.com/) with the `webhook-*` headers
/// ([docs](https://platform.openai.com/docs/guides/webhooks)): `webhook-id`,
/// `webhook-timestamp` and `webhook-signature: v1,<base64> [v1,<base64> …]`.
///
/// - Signed bytes: `{id}.{t}.{body}` (the id and timestamp header texts as sent, the raw body).
/// - Algorithm and encoding: HMAC-SHA256, standard padded base64. Any `v1` entry may match
///   (one per active secret while a secret rotates); other versions and malformed entries are
///   skipped.
/// - Key: the endpoint's signing secret as the dashboard shows it, `whsec_<base64>`; the key is
///   the base64-decoded part (24 to 64 bytes).
/// - Window: ±300 s, as OpenAI's SDKs. Body limit: 1 MiB (OpenAI documents none; its events are
///   thin). No handshake.
/// - The `svix-*` spellings are read too when the `webhook-*` ones are absent (the scheme is the
///   same); OpenAI sends `webhook-*`.
///
/// Differences from OpenAI's SDKs (`Webhooks.verify_signature`/`verifySignature`), all
/// deliberate: an entry without its `v1,` tag is refused (the SDKs compare the whole entry);
/// signatures must be padded standard base64 (the Node SDK decodes leniently) and the
/// timestamp plain digits (the Node SDK's `parseInt` takes `1699999995.0`); and a secret given
/// without `whsec_` is read as the same base64 key, as the Standard Webhooks libraries do (the
/// SDKs would key the HMAC with its text, which matches nothing OpenAI sends).
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let secret = Secret::new("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")?;
/// let layer = WebhookLayer::new(providers::openai(), Keyring::from(secret))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn openai() -> Scheme {
    branded("openai", Brand::Webhook, false)
}
