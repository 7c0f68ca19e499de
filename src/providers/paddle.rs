use std::borrow::Cow;

use super::one;
use crate::scheme::message::{Part, lit};
use crate::scheme::time::{TimeFormat, Window};
use crate::scheme::{Scheme, SignatureFormat, TimestampSource};

/// What is signed.
const SIGNED: &[Part] = &[Part::Timestamp, lit(":"), Part::Body];

/// Paddle Billing: `Paddle-Signature: ts=<unix>;h1=<hex HMAC-SHA256(secret, "{ts}:{body}")>`
/// ([docs](https://developer.paddle.com/webhooks/about/signature-verification)).
///
/// The key is the notification destination's `pdl_ntfset_…` secret as text. Several `h1`
/// (during a secret rotation) may each match; other keys are ignored. Window **5 s** both
/// ways, the SDKs' default — tight, so widen it with [`Scheme::tolerance`] if your clock or
/// queue needs it.
///
/// ```
/// use std::time::Duration;
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let paddle = providers::paddle().tolerance(Duration::from_secs(30));
/// let layer = WebhookLayer::new(paddle, Keyring::from(Secret::new("pdl_ntfset_secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn paddle() -> Scheme {
    Scheme::preset(
        "paddle",
        one("paddle-signature"),
        SignatureFormat::key_value(';', "h1"),
    )
    .signing(SIGNED)
    .stamp(TimestampSource::Param(
        Cow::Borrowed("ts"),
        TimeFormat::Seconds,
    ))
    .window(Window::both(5))
}
