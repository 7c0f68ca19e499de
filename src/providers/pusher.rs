use std::borrow::Cow;

use super::one;
use crate::scheme::time::TimeFormat;
use crate::scheme::{Scheme, SignatureFormat, TimestampSource};

/// Pusher Channels: `X-Pusher-Signature: <hex HMAC-SHA256(app secret, body)>`, with
/// `X-Pusher-Key` naming the app ([docs](https://pusher.com/docs/webhooks/)).
///
/// - **Signed:** the raw body, `{"time_ms":…,"events":[…]}`.
/// - **Window:** `time_ms`, a JSON number of **milliseconds inside the signed body**, must be
///   within ±300 s, as Pusher's Python SDK (`validate_webhook`) checks it; read once the
///   signature matched. A body without a numeric `time_ms` (or not JSON) is refused. Pusher's
///   Node SDK checks no time.
/// - **Key:** the app's **secret** (App Keys: `app_id`, `key`, `secret`), as text.
/// - **App key:** `X-Pusher-Key` is not read. Pusher's SDKs refuse a delivery whose
///   `X-Pusher-Key` is missing or names another app; here the app is identified by the secret
///   that verifies it (with several apps' secrets in one keyring,
///   [`Verified::key_label`](crate::Verified::key_label) says which app sent it). The app key
///   is public and authenticates nothing.
/// - **Encoding:** lowercase hex, compared in constant time (both SDKs compare the hex text).
/// - **Body limit:** 1 MiB (undocumented). No handshake.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::pusher(), Keyring::from(Secret::new("7ad3773142a6692b25b8")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn pusher() -> Scheme {
    Scheme::preset("pusher", one("x-pusher-signature"), SignatureFormat::bare()).stamp(
        TimestampSource::JsonField(Cow::Borrowed("time_ms"), TimeFormat::Millis),
    )
}
