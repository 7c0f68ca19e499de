use std::borrow::Cow;

use super::one;
use crate::scheme::time::{TimeFormat, Window};
use crate::scheme::{Scheme, SignatureFormat, TimestampSource};

/// Linear: `Linear-Signature: <hex HMAC-SHA256(secret, body)>`
/// ([docs](https://linear.app/developers/webhooks#securing-webhooks)).
///
/// Freshness comes from **inside the signed body**: `webhookTimestamp`, a JSON number of
/// milliseconds, must be within ±60 s (Linear's SDK). It is read once the signature matched; a
/// missing, string or fractional timestamp is refused. (`Linear-Timestamp` is not signed and
/// not used.)
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::linear(), Keyring::from(Secret::new("lin_wh_secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn linear() -> Scheme {
    Scheme::preset("linear", one("linear-signature"), SignatureFormat::bare())
        .stamp(TimestampSource::JsonField(
            Cow::Borrowed("webhookTimestamp"),
            TimeFormat::Millis,
        ))
        .window(Window::both(60))
}
