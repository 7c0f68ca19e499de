use super::one;
use crate::scheme::{Scheme, SignatureFormat};

/// Razorpay: `X-Razorpay-Signature: <hex HMAC-SHA256(webhook secret, body)>`
/// ([docs](https://razorpay.com/docs/webhooks/validate-test/)).
///
/// - **Signed:** the raw body. No timestamp; `x-razorpay-event-id` (unique per event, for
///   de-duplication) is not signed: key a replay guard on it or on the body's event.
/// - **Key:** the **webhook secret** typed when setting up the webhook in the Dashboard, as text —
///   not the API key secret.
/// - **Encoding:** lowercase hex, as both SDKs (`razorpay` Python
///   `Utility.verify_webhook_signature`, Node `validateWebhookSignature`) compare the hex text;
///   uppercase is refused. Compared in constant time (the Node SDK uses `===`).
/// - **Rotation:** after the secret is changed, Razorpay's retries of older events still carry
///   the **old** secret's signature: keep the previous secret in the [`Keyring`](crate::Keyring)
///   until those retries stop (Razorpay retries for 24 hours after an event), e.g. with
///   [`Keyring::key_until`](crate::Keyring::key_until), as in the second example.
/// - **Window:** none. **Body limit:** 1 MiB (undocumented). No handshake.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::razorpay(), Keyring::from(Secret::new("whk_Sup3rS3cr3t-2023")?))?;
///
/// // While changing the secret: the old one keeps verifying retries for another day.
/// use std::time::{Duration, SystemTime};
/// let keys = Keyring::new()
///     .key("new", Secret::new("whk_N3wS3cr3t-2024")?)
///     .key_until("old", Secret::new("whk_Sup3rS3cr3t-2023")?, SystemTime::now() + Duration::from_secs(24 * 3600));
/// let layer = WebhookLayer::new(providers::razorpay(), keys)?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn razorpay() -> Scheme {
    Scheme::preset(
        "razorpay",
        one("x-razorpay-signature"),
        SignatureFormat::bare(),
    )
}
