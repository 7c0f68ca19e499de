use super::one;
use crate::scheme::{Scheme, SignatureFormat};

/// PagerDuty v3 webhooks: `X-PagerDuty-Signature: v1=<hex>[,v1=<hex>…]`, each the HMAC-SHA256
/// of the body under one active signing secret
/// ([docs](https://developer.pagerduty.com/docs/ZG9jOjExMDI5NTkz-verifying-signatures)).
///
/// While a secret rotates PagerDuty sends one `v1` per active secret, comma-separated without
/// spaces; any may match and other versions are ignored. The key is the secret returned when
/// the webhook subscription was created, as text. No timestamp: the body's
/// `event.occurred_at` is signed but not checked; `X-Webhook-Id` (unsigned) and the body's
/// `event.id` identify the delivery. Body limit 1 MiB (none documented; the official Go library
/// reads at most 2 MiB, raise the layer's limit if your payloads are that large). No
/// handshake.
///
/// Lowercase hex only, as the docs' samples compare text (the official Go library hex-decodes
/// and also accepts uppercase, which PagerDuty does not send).
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::pagerduty(), Keyring::from(Secret::new("pagerduty webhook secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn pagerduty() -> Scheme {
    Scheme::preset(
        "pagerduty",
        one("x-pagerduty-signature"),
        SignatureFormat::key_value(',', "v1"),
    )
}
