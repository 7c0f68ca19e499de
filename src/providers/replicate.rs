use super::standard_webhooks::{Brand, branded};
use crate::scheme::Scheme;

/// Replicate: [Standard Webhooks](https://www.standardwebhooks.com/) with the `webhook-*`
/// headers ([docs](https://replicate.com/docs/topics/webhooks/verify-webhook)): `webhook-id`,
/// `webhook-timestamp` and `webhook-signature: v1,<base64> [v1,<base64> …]`.
///
/// - Signed bytes: `{id}.{t}.{body}`. The id stays the same when Replicate resends a delivery,
///   so the replay guard keys on it.
/// - Algorithm and encoding: HMAC-SHA256, standard padded base64; any `v1` entry may match.
/// - Key: the account's (or organisation's) webhook signing secret, `whsec_<base64>`, from
///   `GET https://api.replicate.com/v1/webhooks/default/secret`; the key is the base64-decoded
///   part.
/// - Window: ±300 s. Replicate's Python SDK checks no timestamp unless given a tolerance and
///   its Node SDK none at all; the timestamp is there against replays, so this preset bounds it.
/// - Body limit: 1 MiB (undocumented). No handshake. The `svix-*` spellings are read too when
///   the `webhook-*` ones are absent.
///
/// Differences from Replicate's SDKs (`Webhooks.validate`, `validateWebhook`), all deliberate:
/// only `v1` entries are checked (the SDKs ignore the version tag, so `v2,<mac>` passes there);
/// the window above; an empty body is bytes like any other (the SDKs refuse it before hashing;
/// Replicate never sends one).
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let secret = Secret::new("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")?;
/// let layer = WebhookLayer::new(providers::replicate(), Keyring::from(secret))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn replicate() -> Scheme {
    branded("replicate", Brand::Webhook, false)
}
