use super::standard_webhooks::{Brand, branded};
use crate::scheme::Scheme;

/// Anthropic (Claude Platform): [Standard Webhooks](https://www.standardwebhooks.com/) with the
/// `webhook-*` headers ([docs](https://platform.claude.com/docs/en/api/beta/webhooks/unwrap)):
/// `webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64> [v1,<base64> …]`.
///
/// - Signed bytes: `{id}.{t}.{body}`.
/// - Algorithm and encoding: HMAC-SHA256, standard padded base64; any `v1` entry may match.
/// - Key: the endpoint's webhook signing key (`ANTHROPIC_WEBHOOK_SIGNING_KEY`),
///   `whsec_<base64>`; the key is the base64-decoded part.
/// - Window: ±300 s, as the SDKs' `beta.webhooks.unwrap`. Body limit: 1 MiB (undocumented; the
///   events are thin). No handshake. The `svix-*` spellings are read too when the `webhook-*`
///   ones are absent.
///
/// Differences from the SDKs (`standardwebhooks` inside `unwrap`), all deliberate: the
/// timestamp must be plain digits and is signed as sent (the library's `float()`/`parseInt`
/// takes `1699999995.0` and re-signs the integer); an empty body is bytes like any other
/// (`unwrap` fails parsing it as JSON after the signature matched).
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let secret = Secret::new("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")?;
/// let layer = WebhookLayer::new(providers::anthropic(), Keyring::from(secret))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn anthropic() -> Scheme {
    branded("anthropic", Brand::Webhook, false)
}
