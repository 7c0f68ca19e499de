use std::sync::Arc;

use http::Method;

use super::one;
use crate::scheme::hooks::{Handshake, KeyedMac, Reply};
use crate::scheme::message::{Part, RequestView};
use crate::scheme::{Algorithm, Answer, Encoding, PublicUrl, Scheme, SignatureFormat};

/// What is signed: the body, then the callback URL, with nothing between.
const SIGNED: &[Part] = &[Part::Body, Part::Url];

/// Trello: `X-Trello-Webhook: <base64 HMAC-SHA1(application secret, body + callbackURL)>`
/// ([docs](https://developer.atlassian.com/cloud/trello/guides/rest-api/webhooks/)).
///
/// The key is the application's **OAuth secret** (the "Secret" of your API key or Power-Up),
/// as text: not the API key and not a token. The raw body is signed, then the `callbackURL`
/// **exactly as given when the webhook was created** (scheme, host, path, trailing slash,
/// query in its order): give it with [`PublicUrl::exact`]. Trello's documented sample hashes
/// `JSON.stringify(request.body)`; the raw bytes are verified here. HMAC-SHA1, standard padded
/// base64. No timestamp: pair it with a replay guard. Body limit 1 MiB (none documented).
/// Trello publishes no SDK verifier.
///
/// When a webhook is created Trello sends an unsigned `HEAD` to the callback URL and requires
/// 200. With [`Scheme::answer_handshakes`] the layer answers a `HEAD` without a signature
/// itself (200, empty; the handler is not called). It carries nothing secret; without the
/// option it is refused like any unsigned request.
///
/// ```
/// use webhook_guard::{providers, Keyring, PublicUrl, Secret, WebhookLayer};
///
/// let trello = providers::trello(PublicUrl::exact("https://hooks.example.com/trello?board=1")?)
///     .answer_handshakes();
/// let layer = WebhookLayer::new(trello, Keyring::from(Secret::new("trello oauth secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn trello(callback_url: PublicUrl) -> Scheme {
    unconfigured().public_url(callback_url)
}

/// The preset without its callback URL (for [`by_name`](super::by_name)).
pub(super) fn unconfigured() -> Scheme {
    Scheme::preset("trello", one("x-trello-webhook"), SignatureFormat::bare())
        .signing(SIGNED)
        .algo(Algorithm::HmacSha1)
        .enc(Encoding::Base64)
        .handshake(Arc::new(HeadCheck))
}

/// Answers the unsigned `HEAD` Trello sends when a webhook is created.
struct HeadCheck;

impl Handshake for HeadCheck {
    fn recognise(&self, request: &RequestView<'_>) -> Option<usize> {
        (*request.method == Method::HEAD).then_some(0)
    }

    fn unsigned(&self, _: &RequestView<'_>, body: &[u8], _: KeyedMac<'_>) -> Option<Reply> {
        body.is_empty()
            .then(|| Reply::Answer(Answer::ok("text/plain", bytes::Bytes::new())))
    }
}
