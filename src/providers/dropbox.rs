use std::sync::Arc;

use http::Method;

use super::challenge::{echo, query_param};
use super::one;
use crate::scheme::hooks::{Handshake, KeyedMac, Reply};
use crate::scheme::message::RequestView;
use crate::scheme::{Scheme, SignatureFormat};

/// Dropbox: `X-Dropbox-Signature: <hex HMAC-SHA256(app secret, body)>`
/// ([docs](https://www.dropbox.com/developers/reference/webhooks)).
///
/// - **Signed:** the entire raw body (the accounts whose files changed). No timestamp, no
///   delivery id: pair this preset with a replay guard if redelivery matters.
/// - **Key:** the app's **App secret** (App Console), as text.
/// - **Encoding:** lowercase hex, compared in constant time. Dropbox has no SDK verifier; the
///   fixture transcribes the docs.
/// - **Window:** none. **Body limit:** 1 MiB (undocumented; notifications are small).
/// - **Handshake:** when you add the webhook URI, Dropbox sends `GET <uri>?challenge=<random>`,
///   unsigned, and expects the challenge back within ten seconds as the body, with
///   `Content-Type: text/plain` and `X-Content-Type-Options: nosniff`. With
///   [`Scheme::answer_handshakes`] the layer answers it exactly so (the handler is not called)
///   when `challenge` appears once and is 1 to 256 ASCII letters, digits or `-._~+/=`, so the
///   echo can never carry markup; any other GET is refused like any unsigned request. The GET
///   proves nothing about the sender (anyone can make the endpoint echo a plain token), so it
///   never reaches the handler. The GET must reach the layer (`post(handler).layer(layer)` or
///   `Router::route_layer`, not `MethodRouter::route_layer`). Without the option the GET is
///   refused (401).
///
/// ```
/// use std::time::SystemTime;
/// use webhook_guard::{providers, Keyring, Secret, Verifier};
///
/// let dropbox = providers::dropbox().answer_handshakes();
/// let verifier = Verifier::new(dropbox, Keyring::from(Secret::new("dropbox app secret")?))?;
/// let get = http::Request::get("/webhooks/dropbox?challenge=abc123").body(Vec::new())?;
/// let answer = verifier.handshake(&get, SystemTime::now()).expect("answered");
/// assert_eq!(&answer.body()[..], b"abc123");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn dropbox() -> Scheme {
    Scheme::preset(
        "dropbox",
        one("x-dropbox-signature"),
        SignatureFormat::bare(),
    )
    .handshake(Arc::new(Challenge))
}

/// Echoes Dropbox's GET verification challenge.
struct Challenge;

impl Handshake for Challenge {
    fn recognise(&self, request: &RequestView<'_>) -> Option<usize> {
        let query = request.uri.query()?;
        (request.method == Method::GET && query_param(query, "challenge").is_some()).then_some(0)
    }

    fn unsigned(&self, request: &RequestView<'_>, _: &[u8], _: KeyedMac<'_>) -> Option<Reply> {
        let challenge = query_param(request.uri.query()?, "challenge")?;
        echo(&challenge).map(Reply::Answer)
    }
}
