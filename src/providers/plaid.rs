use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::HeaderName;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

use super::one;
use crate::scheme::format::MAX_HEADER_LEN;
use crate::scheme::headers;
use crate::scheme::message::{Alternative, Payload, RequestView, Signed};
use crate::scheme::remote::{KeyLocation, RemoteKey};
use crate::scheme::time::TimeFormat;
use crate::scheme::{
    Algorithm, Encoding, KeyFormat, Scheme, Signature, SignatureFormat, TimestampSource,
};
use crate::verify::{Rejection, RejectionKind};

const HEADER: HeaderName = HeaderName::from_static("plaid-verification");

/// Plaid: a JWT in `Plaid-Verification` (ES256, ECDSA P-256 with SHA-256), whose claims bind
/// the body: `request_body_sha256` is the lowercase hex SHA-256 of the raw body, `iat` when it
/// was issued ([docs](https://plaid.com/docs/api/webhooks/webhook-verification/)).
///
/// * The JWT header must say `"alg":"ES256"` (anything else, `none` and `HS256` included, is
///   refused before any key is looked at) and name its key with `kid`.
/// * **Key**: a P-256 JSON Web Key ([`KeyFormat::JwkP256`]) that Plaid's
///   `/webhook_verification_key/get` returns for the `kid`, with your client id and secret:
///   fetched at run time by a layer built with
///   [`WebhookLayer::with_key_fetcher`](crate::WebhookLayer::with_key_fetcher) and a fetcher
///   that calls that endpoint (with the `fetch` feature,
///   [`PlaidKeyFetcher`](crate::providers::PlaidKeyFetcher)), or pinned: give the JWKs as keys;
///   a delivery is checked only with the pinned key its `kid` names. A key whose `expired_at`
///   has passed no longer verifies.
/// * **Window**: `iat` ±300 s. Plaid's steps reject tokens older than 5 minutes; a token from
///   more than 300 s in the future is refused here too.
/// * Hash the **raw** body: Plaid sends pretty-printed JSON, and a re-serialised body does not
///   match. The hash claim is compared in constant time; the signature is the JWS form (raw
///   `r‖s`, 64 bytes); high-S signatures are accepted, as PyJWT accepts them. Body limit 1 MiB.
///
/// ```
/// # #[cfg(feature = "ecdsa")] {
/// use std::time::{Duration, UNIX_EPOCH};
/// use webhook_guard::{providers, Keyring, Secret, Verifier};
/// # let fixture: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/plaid.json"))?)?;
/// # let case = &fixture["cases"][0];
/// # let jwk = case["secret"].as_str().unwrap();
/// # let (jwt, body) = (case["headers"][0][1].as_str().unwrap(), case["body"].as_str().unwrap());
///
/// // A key pinned instead of fetched: the JWK as `/webhook_verification_key/get` returns it.
/// let verifier = Verifier::new(providers::plaid(), Keyring::from(Secret::new(jwk)?))?;
/// let delivery = http::Request::post("/plaid").header("plaid-verification", jwt).body(body)?;
/// let verified = verifier.verify(&delivery, UNIX_EPOCH + Duration::from_secs(1_700_000_000))?;
/// assert_eq!(verified.provider(), "plaid");
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn plaid() -> Scheme {
    Scheme::preset("plaid", one("plaid-verification"), SignatureFormat::bare())
        .signature(Signature::Payload {
            header: Some(one("plaid-verification")),
        })
        .reading(Jwt)
        .algo(Algorithm::EcdsaP256Sha256)
        .enc(Encoding::Base64)
        .key(KeyFormat::JwkP256)
        .stamp(TimestampSource::Body(TimeFormat::Seconds))
        .fetches(KeyId)
}

/// The JWS signing input `header.claims`, its `iat`, and its signature.
struct Jwt;

/// A `Plaid-Verification` token, parsed.
struct Token<'a> {
    signing_input: &'a str,
    kid: String,
    iat: u64,
    body_sha256: String,
    signature: Vec<u8>,
}

/// Longest `kid` accepted (Plaid's are UUIDs).
const MAX_KID_LEN: usize = 128;

/// Parses the header's token strictly: three base64url segments; a header with `alg` `ES256`
/// and a `kid` of `[A-Za-z0-9_-]`; claims with an integer `iat` and a 64-character
/// `request_body_sha256`; a 64-byte signature.
fn token<'a>(request: &RequestView<'a>) -> Result<Token<'a>, Rejection> {
    let malformed = || Rejection::header_error(RejectionKind::MalformedHeader, &HEADER);
    let Some((_, value)) = headers::once(request.headers, &HEADER)? else {
        return Err(Rejection::header_error(
            RejectionKind::MissingHeader,
            &HEADER,
        ));
    };
    if value.len() > MAX_HEADER_LEN {
        return Err(malformed());
    }
    let mut segments = value.split('.');
    let (Some(header), Some(claims), Some(signature), None) = (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
    ) else {
        return Err(malformed());
    };
    let signing_input = value
        .get(..header.len().saturating_add(1).saturating_add(claims.len()))
        .ok_or_else(malformed)?;

    #[derive(serde::Deserialize)]
    struct Header {
        alg: String,
        kid: String,
        #[serde(default)]
        typ: Option<String>,
        #[serde(default)]
        crit: Option<serde_json::Value>,
    }
    #[derive(serde::Deserialize)]
    struct Claims {
        iat: u64,
        request_body_sha256: String,
    }
    let decode = |text: &str| URL_SAFE_NO_PAD.decode(text).map_err(|_| malformed());
    let header: Header = serde_json::from_slice(&decode(header)?).map_err(|_| malformed())?;
    let kid_ok = !header.kid.is_empty()
        && header.kid.len() <= MAX_KID_LEN
        && header
            .kid
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'));
    if header.alg != "ES256"
        || !kid_ok
        || header.typ.as_deref().is_some_and(|t| t != "JWT")
        || header.crit.is_some()
    {
        return Err(malformed());
    }
    let claims: Claims = serde_json::from_slice(&decode(claims)?).map_err(|_| malformed())?;
    if claims.request_body_sha256.len() != 64 {
        return Err(malformed());
    }
    let signature = decode(signature)?;
    if signature.len() != 64 {
        return Err(malformed());
    }
    Ok(Token {
        signing_input,
        kid: header.kid,
        iat: claims.iat,
        body_sha256: claims.request_body_sha256,
        signature,
    })
}

impl Payload for Jwt {
    fn describe(&self) -> &'static str {
        "the Plaid-Verification JWT (ES256), whose request_body_sha256 claim is the body's SHA-256"
    }

    fn check_head(&self, request: &RequestView<'_>) -> Result<(), Rejection> {
        token(request).map(|_| ())
    }

    fn read(&self, request: &RequestView<'_>, body: &[u8]) -> Result<Signed, RejectionKind> {
        let token = token(request).map_err(|r| r.kind())?;
        let digest = hex::encode(Sha256::digest(body));
        if !bool::from(digest.as_bytes().ct_eq(token.body_sha256.as_bytes())) {
            return Err(RejectionKind::SignatureMismatch);
        }
        Ok(Signed {
            alternatives: vec![Alternative {
                head: token.signing_input.as_bytes().to_vec(),
                timestamp: Some(token.iat.to_string()),
                candidates: der(&token.signature).into_iter().collect(),
                ..Alternative::default()
            }],
            ..Signed::default()
        })
    }
}

/// The DER form the core verifies of a JWS ES256 signature (raw `r‖s`).
#[cfg(feature = "ecdsa")]
fn der(raw: &[u8]) -> Option<Vec<u8>> {
    let signature = p256::ecdsa::Signature::from_slice(raw).ok()?;
    Some(signature.to_der().as_bytes().to_vec())
}

/// Without the `ecdsa` feature no verifier can be built for this scheme.
#[cfg(not(feature = "ecdsa"))]
fn der(_: &[u8]) -> Option<Vec<u8>> {
    None
}

/// The key named by the JWT's `kid`, resolved by Plaid's `/webhook_verification_key/get`.
struct KeyId;

impl RemoteKey for KeyId {
    fn describe(&self) -> &'static str {
        "the JWT's kid, resolved by Plaid's /webhook_verification_key/get"
    }

    fn locate(&self, request: &RequestView<'_>, _: &[u8]) -> Result<KeyLocation, RejectionKind> {
        token(request)
            .map(|t| KeyLocation::KeyId(t.kid))
            .map_err(|r| r.kind())
    }

    /// `/webhook_verification_key/get`'s answer (`{"key": {…}, "request_id": …}`) or a bare
    /// JWK, whose `kid` must be the one asked for.
    fn parse(&self, location: &KeyLocation, fetched: &[u8]) -> Option<String> {
        let value: serde_json::Value = serde_json::from_slice(fetched).ok()?;
        let key = match value.get("key") {
            Some(key) => key,
            None => &value,
        };
        (key.get("kid")?.as_str()? == location.as_str()).then(|| key.to_string())
    }
}

/// Fetches Plaid's webhook verification keys: `POST /webhook_verification_key/get` with your
/// client id and secret and the `kid` a delivery names (feature `fetch`). Give it to
/// [`WebhookLayer::with_key_fetcher`](crate::WebhookLayer::with_key_fetcher) with
/// [`plaid`]; the layer caches each key by its `kid`.
///
/// Any answer but a 200 is a failed fetch (503, so Plaid retries the delivery): a delivery
/// naming an unknown `kid` costs one call to Plaid per minute at most while the layer's
/// in-flight bound holds, and is never accepted.
///
/// ```no_run
/// # #[cfg(feature = "ecdsa")] {
/// use webhook_guard::providers::{self, PlaidKeyFetcher};
/// use webhook_guard::{Secret, WebhookLayer};
///
/// let fetcher = PlaidKeyFetcher::production(
///     std::env::var("PLAID_CLIENT_ID")?,
///     Secret::new(std::env::var("PLAID_SECRET")?)?,
/// )?;
/// let layer = WebhookLayer::with_key_fetcher(providers::plaid(), fetcher)?;
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "fetch")]
#[derive(Clone)]
pub struct PlaidKeyFetcher {
    client: reqwest::Client,
    url: &'static str,
    client_id: String,
    secret: std::sync::Arc<crate::Secret>,
}

#[cfg(feature = "fetch")]
impl PlaidKeyFetcher {
    /// A fetcher calling `https://production.plaid.com`.
    ///
    /// # Errors
    ///
    /// The HTTPS client could not be built.
    pub fn production(
        client_id: impl Into<String>,
        secret: crate::Secret,
    ) -> Result<Self, crate::keys::FetchError> {
        Self::new(
            "https://production.plaid.com/webhook_verification_key/get",
            client_id.into(),
            secret,
        )
    }

    /// A fetcher calling `https://sandbox.plaid.com`.
    ///
    /// # Errors
    ///
    /// The HTTPS client could not be built.
    pub fn sandbox(
        client_id: impl Into<String>,
        secret: crate::Secret,
    ) -> Result<Self, crate::keys::FetchError> {
        Self::new(
            "https://sandbox.plaid.com/webhook_verification_key/get",
            client_id.into(),
            secret,
        )
    }

    fn new(
        url: &'static str,
        client_id: String,
        secret: crate::Secret,
    ) -> Result<Self, crate::keys::FetchError> {
        Ok(Self {
            client: crate::keys::https::client()?,
            url,
            client_id,
            secret: std::sync::Arc::new(secret),
        })
    }
}

#[cfg(feature = "fetch")]
impl crate::keys::KeyFetcher for PlaidKeyFetcher {
    fn fetch<'a>(
        &'a self,
        location: &'a KeyLocation,
        max_bytes: usize,
    ) -> crate::keys::FetchFuture<'a> {
        use crate::keys::FetchError;
        Box::pin(async move {
            let KeyLocation::KeyId(kid) = location else {
                return Err(FetchError::new("Plaid keys are named by a key id"));
            };
            let secret = String::from_utf8_lossy(self.secret.expose());
            let body = serde_json::json!({
                "client_id": self.client_id,
                "secret": secret,
                "key_id": kid,
            });
            let response = self
                .client
                .post(self.url)
                .header(http::header::CONTENT_TYPE, "application/json")
                .body(body.to_string())
                .send()
                .await
                .map_err(|e| FetchError::new(format!("POST {}: {e}", self.url)))?;
            crate::keys::https::read_limited(response, max_bytes).await
        })
    }
}

#[cfg(feature = "fetch")]
impl std::fmt::Debug for PlaidKeyFetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlaidKeyFetcher")
            .field("url", &self.url)
            .field("client_id", &self.client_id)
            .field("secret", &"[REDACTED]")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fetched_keys_must_carry_the_kid_asked_for() {
        let kid = KeyLocation::KeyId("k1".into());
        let jwk = r#"{"kty":"EC","crv":"P-256","kid":"k1","x":"a","y":"b"}"#;
        let answer = format!(r#"{{"key":{jwk},"request_id":"r"}}"#);
        assert!(KeyId.parse(&kid, answer.as_bytes()).is_some());
        assert!(KeyId.parse(&kid, jwk.as_bytes()).is_some());
        let other = KeyLocation::KeyId("k2".into());
        assert!(KeyId.parse(&other, answer.as_bytes()).is_none());
        assert!(KeyId.parse(&kid, b"not json").is_none());
    }
}
