use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::HeaderName;

use super::one;
use crate::error::ConfigError;
use crate::rejection::{Rejection, RejectionKind};
use crate::scheme::headers;
use crate::scheme::message::{Alternative, Payload, RequestView, Signed};
use crate::scheme::remote::{KeyLocation, RemoteKey, pem_certificate, strict_https};
use crate::scheme::time::TimeFormat;
use crate::scheme::{
    Algorithm, Declared, DeclaredValue, Encoding, KeyFormat, Scheme, Signature, SignatureFormat,
    TimestampSource,
};

const SIG: HeaderName = HeaderName::from_static("paypal-transmission-sig");
const ID: HeaderName = HeaderName::from_static("paypal-transmission-id");
const TIME: HeaderName = HeaderName::from_static("paypal-transmission-time");
const CERT_URL: HeaderName = HeaderName::from_static("paypal-cert-url");

/// The hosts PayPal serves its webhook certificates from (live and sandbox).
const HOSTS: &[&str] = &[
    "api.paypal.com",
    "api-m.paypal.com",
    "api.sandbox.paypal.com",
    "api-m.sandbox.paypal.com",
];

/// The path under which those hosts serve them.
const CERT_PATH: &str = "/v1/notifications/certs/";

/// PayPal REST webhooks: `PAYPAL-TRANSMISSION-SIG` (base64 RSA PKCS#1 v1.5 with SHA-256) over
/// `{PAYPAL-TRANSMISSION-ID}|{PAYPAL-TRANSMISSION-TIME}|{webhook_id}|{crc32}`, checked with the
/// public key of the certificate at `PAYPAL-CERT-URL`
/// ([docs](https://developer.paypal.com/api/rest/webhooks/rest/)).
///
/// * `webhook_id` is the id of **your** webhook in PayPal's developer dashboard (e.g.
///   `9XL90610J3647323C`): it is signed but never sent, so a delivery made for another webhook
///   does not verify. `crc32` is the CRC-32 (IEEE) of the raw body as an unsigned decimal.
/// * `PAYPAL-AUTH-ALGO` must be exactly `SHA256withRSA`: it is checked, never used to choose
///   the algorithm.
/// * **Key**: the certificate at `PAYPAL-CERT-URL`, fetched at run time by a layer built with
///   [`WebhookLayer::with_key_fetcher`](crate::WebhookLayer::with_key_fetcher), or pinned (the
///   certificate's PEM as the key, [`KeyFormat::CertificatePem`]). Either way the URL must be
///   `https://{api,api-m}[.sandbox].paypal.com/v1/notifications/certs/<name>` (no port, query or
///   fragment), or the delivery is refused (401 `untrusted_key_location`) and nothing is
///   fetched.
/// * **Window**: `PAYPAL-TRANSMISSION-TIME` (RFC 3339, signed), ±300 s; PayPal's SDKs check no
///   age. PayPal retries failed deliveries for up to three days: if retried deliveries are
///   refused as stale, widen the window with [`Scheme::tolerance_past`].
/// * The delivery id is `PAYPAL-TRANSMISSION-ID` (signed); body limit 1 MiB.
/// * Differences with PayPal's SDKs (strict reading): they fetch the certificate from any URL
///   and trust it through a chain check to PayPal's CA; here the certificate is trusted because
///   it was fetched over HTTPS (WebPKI) from PayPal's own API host, or pinned by you — there is
///   no chain check, and a certificate from elsewhere is never fetched. A certificate past its
///   `notAfter` no longer verifies. `SHA1withRSA`, which the Python SDK still accepts, is
///   refused.
///
/// ```
/// # #[cfg(feature = "rsa")] {
/// use std::time::{Duration, UNIX_EPOCH};
/// use webhook_guard::{providers, Keyring, Secret, Verifier};
/// # let fixture: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/paypal.json"))?)?;
/// # let case = &fixture["cases"][0];
/// # let certificate_pem = case["certificate"].as_str().unwrap();
/// # let mut delivery = http::Request::post("/paypal");
/// # for pair in case["headers"].as_array().unwrap() {
/// #     delivery = delivery.header(pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
/// # }
/// # let delivery = delivery.body(case["body"].as_str().unwrap())?;
///
/// let paypal = providers::paypal("9XL90610J3647323C");
/// // A certificate pinned instead of fetched.
/// let verifier = Verifier::new(paypal, Keyring::from(Secret::new(certificate_pem)?))?;
/// let verified = verifier.verify(&delivery, UNIX_EPOCH + Duration::from_secs(1_700_000_000))?;
/// assert_eq!(verified.delivery_id(), Some("d938e770-8046-11e6-8103-6b62a8a99ac4"));
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn paypal(webhook_id: impl Into<String>) -> Scheme {
    Scheme::preset(
        "paypal",
        one("paypal-transmission-sig"),
        SignatureFormat::bare(),
    )
    .signature(Signature::Payload {
        header: Some(one("paypal-transmission-sig")),
    })
    .reading(Transmission {
        webhook_id: webhook_id.into(),
    })
    .algo(Algorithm::RsaPkcs1Sha256)
    .enc(Encoding::Base64)
    .key(KeyFormat::CertificatePem)
    .stamp(TimestampSource::Header(
        one("paypal-transmission-time"),
        TimeFormat::Rfc3339,
    ))
    .with_id(one("paypal-transmission-id"))
    .declares(Declared {
        header: one("paypal-auth-algo"),
        value: DeclaredValue::Exact("SHA256withRSA"),
    })
    .fetches(CertificateUrl)
}

/// The registry's `paypal`, without a webhook id: building a verifier from it fails until one
/// is given with [`paypal`].
pub(super) fn unconfigured() -> Scheme {
    paypal(String::new())
}

/// `{id}|{time}|{webhook_id}|{crc32}`.
struct Transmission {
    webhook_id: String,
}

impl Payload for Transmission {
    fn describe(&self) -> &'static str {
        "{header:paypal-transmission-id}|{t}|<webhook id>|<crc32 of the body, decimal>"
    }

    fn validate(&self, scheme: &str) -> Result<(), ConfigError> {
        let valid = !self.webhook_id.is_empty()
            && self.webhook_id.len() <= 128
            && self
                .webhook_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'));
        if valid {
            Ok(())
        } else {
            Err(ConfigError::MissingSetting {
                scheme: scheme.to_owned(),
                setting: "the webhook id from PayPal's dashboard (providers::paypal(webhook_id))",
            })
        }
    }

    fn check_head(&self, request: &RequestView<'_>) -> Result<(), Rejection> {
        signature(request)?;
        match headers::once(request.headers, &CERT_URL)? {
            Some(_) => Ok(()),
            None => Err(Rejection::header_error(
                RejectionKind::MissingHeader,
                &CERT_URL,
            )),
        }
    }

    fn read(&self, request: &RequestView<'_>, body: &[u8]) -> Result<Signed, RejectionKind> {
        let text = |name| match headers::once(request.headers, name) {
            Ok(Some((_, text))) => Ok(text),
            _ => Err(RejectionKind::MissingHeader),
        };
        let head = format!(
            "{}|{}|{}|{}",
            text(&ID)?,
            text(&TIME)?,
            self.webhook_id,
            crc32fast::hash(body)
        );
        Ok(Signed {
            alternatives: vec![Alternative {
                head: head.into_bytes(),
                candidates: vec![signature(request).map_err(|r| r.kind())?],
                ..Alternative::default()
            }],
            ..Signed::default()
        })
    }
}

/// The transmission signature: present once, strict base64 of 256 to 512 bytes.
fn signature(request: &RequestView<'_>) -> Result<Vec<u8>, Rejection> {
    let Some((_, value)) = headers::once(request.headers, &SIG)? else {
        return Err(Rejection::header_error(RejectionKind::MissingHeader, &SIG));
    };
    STANDARD
        .decode(value.as_bytes())
        .ok()
        .filter(|s| (256..=512).contains(&s.len()))
        .ok_or_else(|| Rejection::header_error(RejectionKind::MalformedHeader, &SIG))
}

/// The certificate named by `PAYPAL-CERT-URL`, on PayPal's API hosts.
struct CertificateUrl;

impl RemoteKey for CertificateUrl {
    fn describe(&self) -> &'static str {
        "certificate at PAYPAL-CERT-URL: https://api[-m][.sandbox].paypal.com/v1/notifications/certs/…"
    }

    fn locate(&self, request: &RequestView<'_>, _: &[u8]) -> Result<KeyLocation, RejectionKind> {
        let (_, url) = headers::once(request.headers, &CERT_URL)
            .map_err(|r| r.kind())?
            .ok_or(RejectionKind::MissingHeader)?;
        allowed(url)
            .map(KeyLocation::Url)
            .ok_or(RejectionKind::UntrustedKeyLocation)
    }

    fn parse(&self, _: &KeyLocation, fetched: &[u8]) -> Option<String> {
        pem_certificate(fetched)
    }
}

/// The certificate URL if it is on the allow-list: one of [`HOSTS`], then [`CERT_PATH`] and
/// one more path segment; nothing else (see [`strict_https`]).
fn allowed(url: &str) -> Option<String> {
    let url = strict_https(url)?;
    let name = url.path.strip_prefix(CERT_PATH)?;
    (HOSTS.contains(&url.host.as_str()) && !name.contains('/')).then(|| url.to_url())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_urls_are_allow_listed() {
        for good in [
            "https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77",
            "https://api-m.sandbox.paypal.com/v1/notifications/certs/CERT-1",
        ] {
            assert_eq!(allowed(good).as_deref(), Some(good));
        }
        for bad in [
            "http://api.paypal.com/v1/notifications/certs/CERT-1",
            "https://api.paypal.com.evil.com/v1/notifications/certs/CERT-1",
            "https://evil.com/v1/notifications/certs/CERT-1",
            "https://paypal.com/v1/notifications/certs/CERT-1",
            "https://www.paypal.com/v1/notifications/certs/CERT-1",
            "https://api.paypal.com:443/v1/notifications/certs/CERT-1",
            "https://user@api.paypal.com/v1/notifications/certs/CERT-1",
            "https://api.paypal.com/v1/notifications/certs/CERT-1?x=1",
            "https://api.paypal.com/v1/notifications/certs/a/b",
            "https://api.paypal.com/v1/notifications/certs/",
            "https://api.paypal.com/v1/oauth2/token",
            "https://api.paypal.com/v1/notifications/certs/../../oauth2/token",
        ] {
            assert!(allowed(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn the_webhook_id_is_required() {
        assert!(matches!(
            unconfigured().validate(),
            Err(ConfigError::MissingSetting { .. })
        ));
        assert!(paypal("bad id").validate().is_err());
        assert!(paypal("9XL90610J3647323C").validate().is_ok() || !cfg!(feature = "rsa"));
    }
}
