use super::standard_webhooks::{Brand, branded};
use crate::scheme::Scheme;

/// Clerk: Svix-delivered webhooks with the `svix-*` headers
/// ([docs](https://clerk.com/docs/webhooks/sync-data)): `svix-id`, `svix-timestamp` and
/// `svix-signature: v1,<base64> [v1,<base64> …]`.
///
/// - Signed bytes: `{id}.{t}.{body}`; the `msg_…` id is kept on retries.
/// - Algorithm and encoding: HMAC-SHA256, standard padded base64; any `v1` entry may match.
/// - Key: the endpoint's "Signing Secret" from the Clerk Dashboard
///   (`CLERK_WEBHOOK_SIGNING_SECRET`), `whsec_<base64>`; the key is the base64-decoded part.
/// - Window: ±300 s, as `@clerk/backend`'s `verifyWebhook`. Body limit: 1 MiB (undocumented).
///   No handshake.
///
/// Differences from `verifyWebhook`, all deliberate: the `webhook-*` spellings are read too
/// when the `svix-*` ones are absent (Clerk's helper reads only `svix-*`; Svix's own libraries
/// read both); the timestamp must be plain digits and is signed as sent (the helper's
/// `parseInt` takes `1699999995.0` and re-signs the integer); header values are not trimmed
/// (HTTP servers strip surrounding whitespace before the layer sees them); an empty body is
/// bytes like any other (the helper fails parsing it after the signature matched).
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let secret = Secret::new("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")?;
/// let layer = WebhookLayer::new(providers::clerk(), Keyring::from(secret))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn clerk() -> Scheme {
    branded("clerk", Brand::Svix, false)
}
