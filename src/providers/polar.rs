use super::standard_webhooks::{Brand, branded};
use crate::scheme::{KeyFormat, Scheme};

/// Polar: [Standard Webhooks](https://www.standardwebhooks.com/) headers and signed bytes, with
/// a key of its own ([docs](https://polar.sh/docs/integrate/webhooks/delivery)): `webhook-id`,
/// `webhook-timestamp` and `webhook-signature: v1,<base64> [v1,<base64> …]`.
///
/// - Signed bytes: `{id}.{t}.{body}`; Polar recommends `webhook-id` as the deduplication key,
///   which is what the replay guard uses.
/// - Algorithm and encoding: HMAC-SHA256, standard padded base64; any `v1` entry may match.
/// - Key: **the secret's text as shown** in Polar's webhook settings (`POLAR_WEBHOOK_SECRET`),
///   as its UTF-8 bytes — not base64-decoded, unlike other Standard Webhooks senders
///   (`@polar-sh/sdk`'s `validateEvent` hands the library `base64(secret)`). A Polar secret of
///   32 letters and digits is also valid base64, so decoding it would give a wrong key without
///   an error.
/// - Window: ±300 s, as Polar's SDKs. Body limit: 1 MiB (undocumented). No handshake. The
///   `svix-*` spellings are read too when the `webhook-*` ones are absent.
///
/// Differences from Polar's SDKs, all deliberate: the key is the text only (the Python SDK also
/// tries the base64-decoded text when it decodes; the Node SDK does not); the timestamp must be
/// plain digits and is signed as sent (both SDKs take `1699999995.0` and re-sign the integer).
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let secret = Secret::new("6t3c8ce2247c493a3ade20uea4484d64")?;
/// let layer = WebhookLayer::new(providers::polar(), Keyring::from(secret))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn polar() -> Scheme {
    branded("polar", Brand::Webhook, false).key(KeyFormat::Raw)
}
