use super::one;
use crate::scheme::message::Part;
use crate::scheme::{Encoding, PublicUrl, Scheme, SignatureFormat};

/// What is signed.
const SIGNED: &[Part] = &[Part::Url, Part::Body];

/// Square: `x-square-hmacsha256-signature: <base64 HMAC-SHA256(signature key, url + body)>`
/// ([docs](https://developer.squareup.com/docs/webhooks/step3validate)).
///
/// `url` is the notification URL **exactly** as configured in the subscription (scheme, host,
/// path, trailing slash, query), usually given with [`PublicUrl::exact`]. The legacy SHA-1
/// `x-square-signature` is ignored. No timestamp.
///
/// ```
/// use webhook_guard::{providers, Keyring, PublicUrl, Secret, WebhookLayer};
///
/// let square = providers::square(PublicUrl::exact("https://example.com/webhooks/square")?);
/// let layer = WebhookLayer::new(square, Keyring::from(Secret::new("square signature key")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn square(notification_url: PublicUrl) -> Scheme {
    unconfigured().public_url(notification_url)
}

/// The preset without its notification URL (for [`by_name`](super::by_name)).
pub(super) fn unconfigured() -> Scheme {
    Scheme::preset(
        "square",
        one("x-square-hmacsha256-signature"),
        SignatureFormat::bare(),
    )
    .signing(SIGNED)
    .enc(Encoding::Base64)
}
