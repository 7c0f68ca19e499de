use std::borrow::Cow;

use super::one;
use crate::scheme::message::{Part, lit};
use crate::scheme::time::{TimeFormat, Window};
use crate::scheme::{Scheme, SignatureFormat, TimestampSource};

/// What is signed.
const SIGNED: &[Part] = &[Part::Timestamp, lit("."), Part::Body];

/// Calendly: `Calendly-Webhook-Signature: t=<unix>,v1=<hex HMAC-SHA256(key, "{t}.{body}")>`
/// ([docs](https://developer.calendly.com/api-docs/overview/webhooks/webhook-signatures)).
///
/// The key is the signing key as text. Window 180 s, as the docs' sample (which checks only
/// the past); this preset also refuses timestamps more than 180 s in the future.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::calendly(), Keyring::from(Secret::new("calendly signing key")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn calendly() -> Scheme {
    Scheme::preset(
        "calendly",
        one("calendly-webhook-signature"),
        SignatureFormat::key_value(',', "v1"),
    )
    .signing(SIGNED)
    .stamp(TimestampSource::Param(
        Cow::Borrowed("t"),
        TimeFormat::Seconds,
    ))
    .window(Window::both(180))
}
