use std::ops::Range;

use http::HeaderName;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

use super::{form, one};
use crate::rejection::RejectionKind;
use crate::scheme::headers::HeaderNames;
use crate::scheme::message::{Alternative, Payload, RequestView, Signed, Tail};
use crate::scheme::url::default_port_variants;
use crate::scheme::{
    Algorithm, Declared, DeclaredValue, Encoding, PublicUrl, Scheme, SignatureFormat,
};

/// Twilio: `X-Twilio-Signature: <base64 HMAC-SHA1(Auth Token, url + params)>`
/// ([docs](https://www.twilio.com/docs/usage/security)).
///
/// The signed string is the **public URL** Twilio requested (scheme, host, path and query),
/// followed, for form POSTs, by every decoded parameter name and value, sorted by name and then
/// value, each distinct pair once. A JSON body is not in the string: Twilio puts
/// `bodySHA256=<hex SHA-256 of the body>` in the URL, and the body must hash to it. Like
/// Twilio's SDKs, the URL is accepted with and without the default port (`:443`, `:80`).
///
/// A form body may hold at most 1 000 parameters (Twilio sends a few dozen); more are refused
/// before anything is sorted, so a forged request costs about what a genuine one does.
///
/// Behind a proxy the application sees another host and scheme, so the public URL is
/// configuration: give the origin Twilio calls, and the request's path and query are appended
/// (see [`PublicUrl`] for the other forms). `X-Forwarded-*` headers are ignored unless named in
/// [`PublicUrl::trusted_headers`]. No timestamp: pair with a replay guard
/// (`I-Twilio-Idempotency-Token` is not signed).
///
/// ```
/// use webhook_guard::{providers, Keyring, PublicUrl, Secret, WebhookLayer};
///
/// let twilio = providers::twilio(PublicUrl::parse("https://hooks.example.com")?);
/// let layer = WebhookLayer::new(twilio, Keyring::from(Secret::new("twilio auth token")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn twilio(public_url: PublicUrl) -> Scheme {
    unconfigured().public_url(public_url)
}

/// Twilio with a SharedKey: the [`twilio`] construction with HMAC-SHA256 and the SharedKey
/// secret, for requests carrying
/// `X-Twilio-Webhooks-Signature-Settings: key=<id>,algorithm=HMAC_SHA256`. That header must
/// declare `HMAC_SHA256`; it never selects the algorithm (a request declaring anything else is
/// refused, and the Auth Token preset never switches to SHA-256).
///
/// ```
/// use webhook_guard::{providers, Keyring, PublicUrl, Secret, Verifier};
///
/// let twilio = providers::twilio_shared_key(PublicUrl::parse("https://hooks.example.com")?);
/// let verifier = Verifier::new(twilio, Keyring::from(Secret::new("shared key secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn twilio_shared_key(public_url: PublicUrl) -> Scheme {
    unconfigured()
        .algo(Algorithm::HmacSha256)
        .declares(Declared {
            header: HeaderNames::one(HeaderName::from_static(
                "x-twilio-webhooks-signature-settings",
            )),
            value: DeclaredValue::Item {
                separator: ',',
                key: "algorithm",
                value: "HMAC_SHA256",
            },
        })
        .public_url(public_url)
}

/// The Auth Token preset without its public URL (for [`by_name`](super::by_name)).
pub(super) fn unconfigured() -> Scheme {
    Scheme::preset("twilio", one("x-twilio-signature"), SignatureFormat::bare())
        .reading(UrlAndParams)
        .algo(Algorithm::HmacSha1)
        .enc(Encoding::Base64)
}

/// Most parameters a form body may hold.
const MAX_PARAMS: usize = 1000;

/// The public URL followed by the canonical parameter string.
struct UrlAndParams;

impl Payload for UrlAndParams {
    fn describe(&self) -> &'static str {
        "{url} + sorted form parameters (or {url} alone when it carries bodySHA256)"
    }

    fn signs_url(&self) -> bool {
        true
    }

    fn read(&self, request: &RequestView<'_>, body: &[u8]) -> Result<Signed, RejectionKind> {
        let url = request.url.unwrap_or_default();
        Ok(Signed {
            alternatives: default_port_variants(url)
                .into_iter()
                .map(Alternative::head)
                .collect(),
            tail: params(url, body)?,
            identity: None,
        })
    }
}

/// Twilio's parameter string for `url` and `body`: for a form body, each decoded parameter name
/// followed by its value, sorted by name and then value, each distinct pair once (the
/// `sorted(set(…))` per sorted name of twilio-python's `compute_signature`). When the URL's
/// query carries `bodySHA256` (JSON bodies), the body must hash to it (lowercase hex SHA-256)
/// and the parameter string is empty: the URL alone is signed.
///
/// No tree is built: the decoded names and values go into one buffer, and the pairs, at most
/// [`MAX_PARAMS`], are sorted as ranges of it.
pub(super) fn params(url: &str, body: &[u8]) -> Result<Tail, RejectionKind> {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let declared = form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "bodySHA256")
        .map(|(_, v)| v);
    if let Some(declared) = declared {
        let actual = hex::encode(Sha256::digest(body));
        return if bool::from(actual.as_bytes().ct_eq(declared.as_bytes())) {
            Ok(Tail::Empty)
        } else {
            Err(RejectionKind::SignatureMismatch)
        };
    }
    let (decoded, mut pairs) = form::pairs(body, MAX_PARAMS)?;
    let text = |r: &Range<usize>| decoded.get(r.clone()).unwrap_or_default();
    pairs.sort_unstable_by(|a, b| (text(&a.0), text(&a.1)).cmp(&(text(&b.0), text(&b.1))));
    pairs.dedup_by(|a, b| text(&a.0) == text(&b.0) && text(&a.1) == text(&b.1));
    let pieces = pairs
        .into_iter()
        .flat_map(|(name, value)| [name, value])
        .collect();
    Ok(Tail::Pieces {
        bytes: decoded,
        pieces,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parameter string as one message.
    fn joined(url: &str, body: &[u8]) -> Result<Vec<u8>, RejectionKind> {
        params(url, body).map(|tail| tail.parts(body).concat())
    }

    #[test]
    fn params_sort_and_deduplicate_decoded_values() {
        let p = joined("https://x/y", b"b=2&a=1&b=1&b=2&c=&d=%2B1+2").unwrap();
        assert_eq!(p, b"a1b1b2cd+1 2");
        assert_eq!(joined("https://x/y", b"").unwrap(), b"");
        assert_eq!(joined("https://x/y", b"&&a&=b").unwrap(), b"ba");
        assert_eq!(
            joined("https://x/y", "a=%C3%A9&b=%E2%82%AC".as_bytes()).unwrap(),
            "a\u{e9}b\u{20ac}".as_bytes()
        );
    }

    #[test]
    fn what_twilio_never_sends_is_refused_before_hashing() {
        for body in [
            &b"a=%FF"[..],
            b"a=%C3",
            b"a=%",
            b"a=%4",
            b"a=%zz",
            b"a%=1",
            b"a=1&b=%%41",
            "a=\u{e9}".as_bytes(),
            b"a=\xff",
        ] {
            assert_eq!(
                joined("https://x/y", body),
                Err(RejectionKind::MalformedBody),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        // The same bytes escaped as Twilio escapes them are read.
        assert_eq!(joined("https://x/y", b"a=%25&b=%2525").unwrap(), b"a%b%25");
    }

    #[test]
    fn params_are_bounded() {
        let many = "a=1&".repeat(MAX_PARAMS);
        assert!(joined("https://x/y", many.as_bytes()).is_ok());
        let too_many = "a=1&".repeat(MAX_PARAMS + 1);
        assert_eq!(
            joined("https://x/y", too_many.as_bytes()),
            Err(RejectionKind::MalformedBody)
        );
    }

    #[test]
    fn body_hash_replaces_params() {
        let body = b"{}";
        let hash = hex::encode(Sha256::digest(body));
        let url = format!("https://x/y?bodySHA256={hash}");
        assert_eq!(joined(&url, body).unwrap(), b"");
        assert_eq!(joined(&url, b"{ }"), Err(RejectionKind::SignatureMismatch));
        let upper = format!("https://x/y?bodySHA256={}", hash.to_uppercase());
        assert!(joined(&upper, body).is_err());
    }
}
