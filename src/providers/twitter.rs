use std::sync::Arc;

use http::Method;

use super::one;
use crate::rejection::RejectionKind;
use crate::scheme::format;
use crate::scheme::hooks::{Handshake, KeyedMac, Reply};
use crate::scheme::message::{Alternative, Payload, RequestView, Signed, Tail};
use crate::scheme::{Answer, Encoding, Scheme, SignatureFormat};

/// Longest `crc_token` answered.
const MAX_TOKEN_LEN: usize = 256;

/// X (Twitter) webhooks (Account Activity API, X API v2 webhooks):
/// `x-twitter-webhooks-signature: sha256=<base64 HMAC-SHA256(consumer secret, body)>`
/// ([docs](https://docs.x.com/x-api/webhooks/quickstart)), as X's own webhook library
/// (`twitter-autohook` `validateSignature`, from X's developer relations) checks it.
///
/// The key is the app's **consumer secret** ("API secret key") as text, not a bearer or
/// access token. The raw body of a `POST` is signed; for a `GET` (X's challenge-response
/// checks may carry the header too) the raw query string is, as `twitter-autohook` checks it,
/// and the body must be empty. Standard, padded base64 after `sha256=`. No timestamp: pair it
/// with a replay guard. Body limit 1 MiB (none documented).
///
/// X validates the webhook URL with a challenge-response check (CRC): `GET
/// <url>?crc_token=<token>`, to be answered within three seconds with 200 and
/// `{"response_token":"sha256=<base64 HMAC-SHA256(consumer secret, token)>"}`, at registration
/// and then periodically; a failed check stops the deliveries. With
/// [`Scheme::answer_handshakes`] the layer answers it itself (`application/json`; the handler
/// is not called):
///
/// * a `GET` carrying a valid `x-twitter-webhooks-signature` over its query is answered for any
///   `crc_token` of at most 256 bytes;
/// * a `GET` without the header is answered only when its `crc_token` is 1 to 256 characters of
///   `A–Z a–z 0–9 - _ = + / . ~ :` and it has no body. **Why:** the answer is the HMAC of the
///   token under the same key and in the same form as a delivery's signature, so answering any
///   token would sign any body an attacker chooses (a JSON event as a token). Tokens of this
///   alphabet cannot be a JSON object or array, so the answers sign nothing a handler would
///   take for an event. A `GET` with a bad signature, a missing or repeated `crc_token`, or
///   another token is refused (401).
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let x = providers::twitter().answer_handshakes();
/// let layer = WebhookLayer::new(x, Keyring::from(Secret::new("consumer secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn twitter() -> Scheme {
    Scheme::preset(
        "twitter",
        one("x-twitter-webhooks-signature"),
        SignatureFormat::prefixed("sha256="),
    )
    .reading(BodyOrQuery)
    .enc(Encoding::Base64)
    .handshake(Arc::new(Crc))
}

/// The body of a `POST`, the raw query of a `GET`.
struct BodyOrQuery;

impl Payload for BodyOrQuery {
    fn describe(&self) -> &'static str {
        "{body} ({raw query} for a GET)"
    }

    fn read(&self, request: &RequestView<'_>, body: &[u8]) -> Result<Signed, RejectionKind> {
        if *request.method == Method::GET {
            if !body.is_empty() {
                return Err(RejectionKind::MalformedBody);
            }
            return Ok(Signed {
                alternatives: vec![Alternative::head(
                    request.uri.query().unwrap_or_default().as_bytes(),
                )],
                ..Signed::default()
            });
        }
        Ok(Signed {
            alternatives: vec![Alternative::default()],
            tail: Tail::Body,
            identity: None,
        })
    }
}

/// Answers X's challenge-response check.
struct Crc;

impl Crc {
    /// The answer for the request's one `crc_token`, when it has exactly one of at most
    /// [`MAX_TOKEN_LEN`] bytes whose characters pass `allowed`.
    fn answer(
        request: &RequestView<'_>,
        mac: KeyedMac<'_>,
        allowed: fn(u8) -> bool,
    ) -> Option<Answer> {
        if *request.method != Method::GET {
            return None;
        }
        let query = request.uri.query()?;
        let mut tokens = form_urlencoded::parse(query.as_bytes()).filter(|(k, _)| k == "crc_token");
        let (_, token) = tokens.next()?;
        if tokens.next().is_some()
            || token.is_empty()
            || token.len() > MAX_TOKEN_LEN
            || !token.bytes().all(allowed)
        {
            return None;
        }
        let digest = mac(token.as_bytes())?;
        let json = serde_json::to_vec(&serde_json::json!({
            "response_token": format!("sha256={}", format::encode(&digest, Encoding::Base64)),
        }))
        .ok()?;
        Some(Answer::ok("application/json", json))
    }
}

/// The characters of an unsigned `crc_token` answered: none can start a JSON object or array.
fn plain_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'=' | b'+' | b'/' | b'.' | b'~' | b':')
}

impl Handshake for Crc {
    fn recognise(&self, request: &RequestView<'_>) -> Option<usize> {
        let crc = *request.method == Method::GET
            && request.uri.query().is_some_and(|q| {
                form_urlencoded::parse(q.as_bytes()).any(|(k, _)| k == "crc_token")
            });
        crc.then_some(0)
    }

    fn unsigned(&self, request: &RequestView<'_>, body: &[u8], mac: KeyedMac<'_>) -> Option<Reply> {
        if !body.is_empty() {
            return None;
        }
        Self::answer(request, mac, plain_token_char).map(Reply::Answer)
    }

    /// A verified `GET` with a `crc_token` is answered, or refused (400) when the token is
    /// missing, repeated or too long.
    fn verified(&self, request: &RequestView<'_>, _: &[u8], mac: KeyedMac<'_>) -> Option<Answer> {
        self.recognise(request)?;
        Some(Self::answer(request, mac, |_| true).unwrap_or_else(super::refused_handshake))
    }
}
