use std::sync::Arc;

use http::Method;
use sha2::{Digest, Sha256};

use super::challenge::{echo, query_param};
use super::one;
use crate::crypto::ct_eq;
use crate::scheme::hooks::{Handshake, KeyedMac, Reply};
use crate::scheme::message::RequestView;
use crate::scheme::{Scheme, SignatureFormat};
use crate::secret::Secret;

/// Meta (Facebook, Instagram, Messenger, WhatsApp Cloud API) Webhooks:
/// `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, body)>`
/// ([docs](https://developers.facebook.com/docs/graph-api/webhooks/getting-started)).
///
/// - **Signed:** the raw body, exactly as received. Meta serialises its JSON with every non-ASCII
///   character escaped as `\uXXXX` (lowercase hex) and signs those bytes: a body parsed and
///   re-encoded never verifies, which is why only the raw bytes are hashed here.
/// - **Key:** the app's **App Secret** (App Dashboard → Settings → Basic), as text. One App
///   Secret covers the Page, Instagram, Messenger and WhatsApp webhooks of that app.
/// - **Layout:** exactly `sha256=` (lowercase) then lowercase hex, compared in constant time.
///   The legacy `X-Hub-Signature: sha1=…` Meta sends alongside is never read: a request carrying
///   only that header is refused.
/// - **Window:** none (nothing signed carries a time; entries' `time` fields are signed, not
///   checked), so pair this preset with a replay guard if redelivery matters. **Body limit:**
///   1 MiB (undocumented). Meta has no SDK verifier; the fixture transcribes the docs.
/// - **Handshake:** the GET verification request Meta sends when you configure the callback URL
///   needs your **Verify Token**: use [`meta_with_verify_token`]. This preset has no handshake,
///   so [`Scheme::answer_handshakes`] on it fails when the verifier or layer is built.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::meta(), Keyring::from(Secret::new("meta app secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn meta() -> Scheme {
    Scheme::preset(
        "meta",
        one("x-hub-signature-256"),
        SignatureFormat::prefixed("sha256="),
    )
}

/// [`meta`] that also knows the **Verify Token** you typed in the App Dashboard, to answer Meta's
/// GET verification request when [`Scheme::answer_handshakes`] is on.
///
/// When you save the callback URL, Meta sends
/// `GET <url>?hub.mode=subscribe&hub.challenge=<int>&hub.verify_token=<your token>`, unsigned,
/// and expects `200` with the `hub.challenge` value as the body. With `answer_handshakes()` the
/// layer answers it itself (`text/plain`, `X-Content-Type-Options: nosniff`; the handler is not
/// called) when, and only when:
///
/// - `hub.mode` is exactly `subscribe`, and each of the three parameters appears once;
/// - `hub.verify_token` (percent-decoded) equals `verify_token` — compared in constant time, as
///   SHA-256 digests, so neither its content nor its length leaks;
/// - `hub.challenge` is 1 to 256 ASCII letters, digits or `-._~+/=` (Meta sends an integer),
///   so the echo can never carry markup.
///
/// Anything else — a wrong or missing token, another mode, an odd challenge, a GET with a body —
/// is refused like any unsigned request (401) and the challenge is never echoed. The verify
/// token only gates this echo: it is not a signing key (POST deliveries are verified with the
/// App Secret in the keyring), and it is kept only as a digest. Without `answer_handshakes()`
/// the GET is refused too.
///
/// The GET must reach the layer: `post(handler).layer(layer)` and `Router::route_layer` both
/// wrap the route's other methods too, while `MethodRouter::route_layer` would leave the GET to
/// axum's `405`.
///
/// ```
/// use axum::{body::Body, routing::post, Router};
/// use tower::ServiceExt as _;
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let meta = providers::meta_with_verify_token(Secret::new("meatyhamhock")?).answer_handshakes();
/// let layer = WebhookLayer::new(meta, Keyring::from(Secret::new("meta app secret")?))?;
/// let app = Router::new().route("/webhooks/meta", post(|| async { "handled" }).layer(layer));
///
/// let get = |token: &str| {
///     let uri = format!("/webhooks/meta?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token={token}");
///     http::Request::get(uri).body(Body::empty())
/// };
/// let runtime = tokio::runtime::Builder::new_current_thread().build()?;
/// let answer = runtime.block_on(app.clone().oneshot(get("meatyhamhock")?))?;
/// assert_eq!(answer.status(), 200);
/// let body = runtime.block_on(axum::body::to_bytes(answer.into_body(), 64))?;
/// assert_eq!(&body[..], b"1158201444");
///
/// let refused = runtime.block_on(app.oneshot(get("guess")?))?;
/// assert_eq!(refused.status(), 401);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn meta_with_verify_token(verify_token: Secret) -> Scheme {
    meta().handshake(Arc::new(Verification {
        token: Sha256::digest(verify_token.expose()).into(),
    }))
}

/// Answers Meta's GET verification request.
struct Verification {
    /// SHA-256 of the Verify Token.
    token: [u8; 32],
}

impl Handshake for Verification {
    fn recognise(&self, request: &RequestView<'_>) -> Option<usize> {
        let query = request.uri.query()?;
        (request.method == Method::GET && query_param(query, "hub.challenge").is_some())
            .then_some(0)
    }

    fn unsigned(&self, request: &RequestView<'_>, _: &[u8], _: KeyedMac<'_>) -> Option<Reply> {
        let query = request.uri.query()?;
        let mode = query_param(query, "hub.mode")?;
        let token = query_param(query, "hub.verify_token")?;
        let challenge = query_param(query, "hub.challenge")?;
        let token_matches: bool = ct_eq(&Sha256::digest(token.as_bytes()), &self.token).into();
        if !token_matches || mode != "subscribe" {
            return None;
        }
        echo(&challenge).map(Reply::Answer)
    }
}
