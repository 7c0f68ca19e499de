use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderName, Method};

use super::challenge::echoable;
use super::one;
use crate::scheme::headers;
use crate::scheme::hooks::{Handshake, KeyedMac, Reply};
use crate::scheme::message::RequestView;
use crate::scheme::{Answer, Scheme, SignatureFormat};

/// The handshake header.
const HOOK_SECRET: HeaderName = HeaderName::from_static("x-hook-secret");

/// The most body bytes read from a handshake POST (Asana sends none; whatever it sends is not
/// used).
const HANDSHAKE_BODY_LIMIT: usize = 1024;

/// Asana: `X-Hook-Signature: <hex HMAC-SHA256(hook secret, body)>`
/// ([docs](https://developers.asana.com/docs/webhooks-guide)).
///
/// - **Signed:** the raw body (`{"events":[…]}`, heartbeats included). No timestamp, no delivery
///   id: Asana delivers at most once, but pair this preset with a replay guard if it matters.
/// - **Key:** the webhook's **hook secret**, the 64 hexadecimal characters Asana generates when
///   the webhook is created, used as text (not hex-decoded). You get it from the response to
///   your own `POST /api/1.0/webhooks` call, whose body carries it as `X-Hook-Secret`.
/// - **Encoding:** lowercase hex, compared in constant time, as Asana's official example
///   server does (`hmac.compare_digest`). No SDK verifier; the fixture transcribes the docs.
/// - **Window:** none. **Body limit:** 1 MiB (undocumented).
/// - **Handshake:** while your `POST /api/1.0/webhooks` is in flight, Asana posts to the target
///   with `X-Hook-Secret: <secret>` and no signature, and the webhook is created only if the
///   answer is `200` (or `204`) with the same `X-Hook-Secret` header. With
///   [`Scheme::answer_handshakes`] the layer answers it itself: `200`, an empty body and the
///   header echoed, when `X-Hook-Secret` appears once with 1 to 256 ASCII letters, digits or
///   `-._~+/=` and no `X-Hook-Signature`. The handler is **not** called: anyone can send such a
///   POST, so its secret proves nothing and must never become your key. Take the secret from
///   the authenticated API response instead, and configure it (the layer answers the handshake
///   whatever keys it holds, so it can run with a placeholder secret until then). The echo
///   tells the sender nothing it did not send, and a signed delivery is never treated as a
///   handshake. Without the option the handshake POST is refused (401).
///
/// ```
/// use std::time::SystemTime;
/// use webhook_guard::{providers, Keyring, Secret, Verifier};
///
/// let asana = providers::asana().answer_handshakes();
/// let verifier = Verifier::new(asana, Keyring::from(Secret::new("placeholder until created")?))?;
/// let secret = "b537207f20cbfa02357cf448134da559e8bd39d61597dcd5631b8012eae53e81";
/// let handshake = http::Request::post("/webhooks/asana").header("X-Hook-Secret", secret).body(Vec::new())?;
/// let answer = verifier.handshake(&handshake, SystemTime::now()).expect("answered");
/// assert_eq!(answer.headers()[0].1, secret);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn asana() -> Scheme {
    Scheme::preset("asana", one("x-hook-signature"), SignatureFormat::bare())
        .handshake(Arc::new(HookSecretEcho))
}

/// Answers Asana's `X-Hook-Secret` handshake POST by echoing the header.
struct HookSecretEcho;

impl Handshake for HookSecretEcho {
    fn recognise(&self, request: &RequestView<'_>) -> Option<usize> {
        (request.method == Method::POST && request.headers.contains_key(HOOK_SECRET))
            .then_some(HANDSHAKE_BODY_LIMIT)
    }

    fn unsigned(&self, request: &RequestView<'_>, _: &[u8], _: KeyedMac<'_>) -> Option<Reply> {
        let (value, text) = headers::once(request.headers, &HOOK_SECRET).ok()??;
        if !echoable(text) {
            return None;
        }
        let mut answer = Answer::ok("text/plain", Bytes::new());
        answer.headers.push((HOOK_SECRET, value.clone()));
        Some(Reply::Answer(answer))
    }
}
