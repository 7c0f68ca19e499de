use super::standard_webhooks::{Brand, branded};
use crate::scheme::Scheme;

/// Resend: Svix-delivered webhooks with the `svix-*` headers
/// ([docs](https://resend.com/docs/webhooks/verify-webhooks-requests)): `svix-id`,
/// `svix-timestamp` and `svix-signature: v1,<base64> [v1,<base64> …]`.
///
/// - Signed bytes: `{id}.{t}.{body}`; the `msg_…` id is kept on retries.
/// - Algorithm and encoding: HMAC-SHA256, standard padded base64. Any `v1` entry may match:
///   while a signing secret rotates (`POST /webhooks/{id}/signing-secret/rotate`), Resend sends
///   one per active secret.
/// - Key: the webhook's "Signing Secret", `whsec_<base64>`; the key is the base64-decoded part.
/// - Window: ±300 s, as Resend's SDKs. Body limit: 1 MiB (undocumented). No handshake. The
///   `webhook-*` spellings are read too when the `svix-*` ones are absent.
///
/// Differences from Resend's SDKs (`Webhooks.verify`), all deliberate: only `v1` entries are
/// checked (the Python SDK ignores the version tag); the timestamp must be plain digits (the
/// Node SDK's `parseInt` takes `1699999995.0` and re-signs the integer); an empty body is
/// bytes like any other (the Python SDK refuses it; Resend never sends one).
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let secret = Secret::new("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")?;
/// let layer = WebhookLayer::new(providers::resend(), Keyring::from(secret))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn resend() -> Scheme {
    branded("resend", Brand::Svix, false)
}
