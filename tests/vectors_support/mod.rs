//! The SDK-generated fixtures in `tests/vectors`, shared by the test binaries that replay them.
#![allow(dead_code, unreachable_pub)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderName, HeaderValue, Uri};

use crate::common::SignExt as _;
use serde::Deserialize;
use webhook_guard::{
    Keyring, PublicUrl, Rejection, Scheme, Secret, Signer, Verified, Verifier, providers,
};

pub const NOW: u64 = 1_700_000_000;

pub fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

// ---------------------------------------------------------------------------------------------
// The SDK-generated fixtures.

#[derive(Deserialize)]
pub struct Fixture {
    pub provider: String,
    pub cases: Vec<Case>,
}

#[derive(Deserialize, Clone)]
pub struct Case {
    pub name: String,
    pub secret: String,
    #[serde(default)]
    pub signing_key: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: String,
    #[serde(default)]
    pub url: Option<String>,
    /// `POST` unless said otherwise (set-up GET challenges).
    #[serde(default)]
    pub method: Option<String>,
    pub now: u64,
    pub sdk_verdict: String,
    #[serde(default)]
    pub expected_response: Option<serde_json::Value>,
    /// A second key the receiver configures (Box's secondary signature key).
    #[serde(default)]
    pub secondary_secret: Option<String>,
    /// Fetched-key schemes: the certificate `certificate_url` serves (pinned by the tests).
    #[serde(default)]
    pub certificate: Option<String>,
    #[serde(default)]
    pub certificate_url: Option<String>,
    /// PayPal: the receiving webhook's id (configured, not sent).
    #[serde(default)]
    pub webhook_id: Option<String>,
    /// Okta: the header the hook's secret is sent in (configured).
    #[serde(default)]
    pub auth_header: Option<String>,
}

impl Case {
    /// The request method.
    pub fn method(&self) -> http::Method {
        http::Method::from_bytes(self.method.as_deref().unwrap_or("POST").as_bytes()).unwrap()
    }

    /// The request the case describes: its method, target, headers and body.
    pub fn request(&self) -> http::Request<Vec<u8>> {
        let (headers, uri) = request_parts(self);
        let mut request = http::Request::new(self.body.as_bytes().to_vec());
        *request.method_mut() = self.method();
        *request.uri_mut() = uri;
        *request.headers_mut() = headers;
        request
    }
}

/// The key a receiver pins for this case: the certificate the delivery names (AWS SNS,
/// PayPal), else the secret (or public key, or JWK).
pub fn verifying_key(case: &Case) -> String {
    case.certificate
        .clone()
        .unwrap_or_else(|| case.secret.clone())
}

pub fn fixture(provider: &str) -> Fixture {
    let path = format!(
        "{}/tests/vectors/{provider}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn case(provider: &str, name: &str) -> Case {
    fixture(provider)
        .cases
        .into_iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("{provider}/{name} not found"))
}

/// Splits a public URL into its origin and the request target the server sees.
pub fn split_url(url: &str) -> (&str, &str) {
    let after = url.find("://").map_or(0, |i| i + 3);
    let end = url[after..]
        .find(['/', '?'])
        .map_or(url.len(), |i| after + i);
    (
        &url[..end],
        if end == url.len() { "/" } else { &url[end..] },
    )
}

/// The preset a receiver of this case would configure. The choice depends only on the
/// configuration side of the case (provider, the form of the key), never on the request.
pub fn scheme_for(provider: &str, case: &Case) -> Scheme {
    let origin = || PublicUrl::parse(split_url(case.url.as_deref().unwrap_or("https://x")).0);
    match provider {
        "twilio" if case.secret.starts_with("sk_") => {
            providers::twilio_shared_key(origin().unwrap())
        }
        "twilio" => providers::twilio(origin().unwrap()),
        "square" => providers::square(PublicUrl::exact(case.url.as_deref().unwrap()).unwrap()),
        "standard-webhooks" if case.secret.starts_with("whpk_") => {
            providers::standard_webhooks_ed25519()
        }
        "svix" if case.secret.starts_with("whpk_") => providers::svix_ed25519(),
        "paypal" => providers::paypal(case.webhook_id.as_deref().unwrap_or(&case.secret)),
        "hubspot" => providers::hubspot(origin().unwrap()),
        "hubspot-v2" => providers::hubspot_v2(origin().unwrap()),
        "plivo" => providers::plivo(origin().unwrap()),
        "trello" => providers::trello(PublicUrl::exact(case.url.as_deref().unwrap()).unwrap()),
        "okta" => {
            providers::okta_with_header(case.auth_header.as_deref().unwrap_or("authorization"))
                .unwrap()
        }
        other => providers::by_name(other).unwrap_or_else(|| panic!("no preset {other}")),
    }
}

/// The keyring a receiver of this case configures: its secret, and its secondary key if any.
pub fn keyring_for(case: &Case) -> Result<Keyring, webhook_guard::ConfigError> {
    let primary = Secret::new(verifying_key(case))?;
    Ok(match &case.secondary_secret {
        None => Keyring::from(primary),
        Some(secondary) => Keyring::new()
            .key("primary", primary)
            .key("secondary", Secret::new(secondary.clone())?),
    })
}

pub fn request_parts(case: &Case) -> (HeaderMap, Uri) {
    let mut headers = HeaderMap::new();
    for (name, value) in &case.headers {
        headers.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_bytes(value.as_bytes()).unwrap(),
        );
    }
    let target = case.url.as_deref().map_or("/webhooks", |u| split_url(u).1);
    (headers, target.parse().unwrap())
}

/// Whether this build can verify the case (the asymmetric schemes need cargo features).
pub fn supported(provider: &str, case: &Case) -> bool {
    let algorithm = scheme_for(provider, case).algorithm();
    use webhook_guard::Algorithm::{EcdsaP256Sha256, Ed25519, RsaPkcs1Sha1, RsaPkcs1Sha256};
    let missing = (matches!(algorithm, Ed25519) && !cfg!(feature = "ed25519"))
        || (matches!(algorithm, EcdsaP256Sha256) && !cfg!(feature = "ecdsa"))
        || (matches!(algorithm, RsaPkcs1Sha1 | RsaPkcs1Sha256) && !cfg!(feature = "rsa"));
    !missing
}

// -------------------------------------------------------------------------------------------
// Every preset with keys to sign and verify it.

pub struct Preset {
    pub scheme: Scheme,
    pub signing_key: String,
    pub verifying_key: String,
    /// The text after which the signature starts (its last occurrence in the header).
    pub marker: &'static str,
    /// The signature's encoding in the header, for the wrong-encoding and uppercase cases.
    pub hex: bool,
    /// The body is signed (false for GitLab's token).
    pub signs_body: bool,
    /// Whether the scheme checks a timestamp it takes from a header.
    pub header_timestamp: bool,
    pub uri: &'static str,
    pub body: fn(u64) -> String,
}

pub fn json_body(_: u64) -> String {
    r#"{"id":1,"note":"hello","items":[1,2]}"#.to_owned()
}

pub fn linear_body(ts: u64) -> String {
    format!(r#"{{"action":"create","webhookTimestamp":{}}}"#, ts * 1000)
}

pub fn form_body(_: u64) -> String {
    "Body=Hello+World&From=%2B14155551234&To=%2B15005550006".to_owned()
}

pub fn fixture_signing_key(provider: &str) -> String {
    fixture(provider)
        .cases
        .into_iter()
        .find_map(|c| c.signing_key)
        .unwrap()
}

pub fn fixture_public_key(provider: &str, case_name: &str) -> String {
    case(provider, case_name).secret
}

pub fn hmac(scheme: Scheme, secret: &str, marker: &'static str, hex: bool) -> Preset {
    let header_timestamp = scheme.checks_timestamp()
        && !matches!(scheme.name(), "stripe" | "calendly" | "paddle" | "linear");
    Preset {
        scheme,
        signing_key: secret.to_owned(),
        verifying_key: secret.to_owned(),
        marker,
        hex,
        signs_body: true,
        header_timestamp,
        uri: "/webhooks",
        body: json_body,
    }
}

pub fn presets() -> Vec<Preset> {
    let url = || PublicUrl::parse("https://hooks.example.com").unwrap();
    let mut list = vec![
        hmac(providers::stripe(), "whsec_test_secret", "v1=", true),
        hmac(providers::github(), "gh secret", "sha256=", true),
        hmac(providers::github_sha1(), "gh secret", "sha1=", true),
        hmac(providers::shopify(), "shpss_secret", "", false),
        hmac(providers::slack(), "slack secret", "v0=", true),
        hmac(providers::woocommerce(), "woo&amp;secret", "", false),
        hmac(
            providers::standard_webhooks(),
            "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            "v1,",
            false,
        ),
        hmac(
            providers::svix(),
            "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            "v1,",
            false,
        ),
        hmac(providers::calendly(), "calendly key", "v1=", true),
        hmac(providers::easytools(), "easytools key", "", true),
        hmac(providers::paddle(), "pdl_ntfset_secret", "h1=", true),
        hmac(providers::zoom(), "zoom secret", "v0=", true),
        hmac(providers::intercom(), "client secret", "sha1=", true),
        hmac(providers::bitbucket(), "bb secret", "sha256=", true),
    ];
    let mut linear = hmac(providers::linear(), "lin_wh_secret", "", true);
    linear.body = linear_body;
    list.push(linear);
    let mut square = hmac(
        providers::square(PublicUrl::exact("https://hooks.example.com/square?x=1").unwrap()),
        "square key",
        "",
        false,
    );
    square.uri = "/square?x=1";
    list.push(square);
    for (scheme, key) in [
        (providers::twilio(url()), "twilio auth token"),
        (providers::twilio_shared_key(url()), "sk_shared_key"),
    ] {
        let mut twilio = hmac(scheme, key, "", false);
        twilio.uri = "/twilio/sms?tenant=7";
        twilio.body = form_body;
        list.push(twilio);
    }
    let mut gitlab = hmac(providers::gitlab(), "gitlab-token-value", "", false);
    gitlab.signs_body = false;
    list.push(gitlab);
    if cfg!(feature = "ed25519") {
        list.push(Preset {
            scheme: providers::discord(),
            signing_key: fixture_signing_key("discord"),
            verifying_key: fixture_public_key("discord", "ping_interaction"),
            marker: "",
            hex: true,
            signs_body: true,
            header_timestamp: true,
            uri: "/discord",
            body: json_body,
        });
        for scheme in [
            providers::standard_webhooks_ed25519(),
            providers::svix_ed25519(),
        ] {
            list.push(Preset {
                scheme,
                signing_key: "whsk_zrMVNUYrYA8izsm2Bfjn1tvcF/RaLr2yVqbdtUXT3ec=".into(),
                verifying_key: "whpk_/UbiBBm9TojNMJC6OVLccNtUu19ynws80F45y++06jE=".into(),
                marker: "v1a,",
                hex: false,
                signs_body: true,
                header_timestamp: true,
                uri: "/",
                body: json_body,
            });
        }
    }
    if cfg!(feature = "ecdsa") {
        list.push(Preset {
            scheme: providers::sendgrid().tolerance(Duration::from_secs(600)),
            signing_key: fixture_signing_key("sendgrid"),
            verifying_key: fixture_public_key("sendgrid", "signed_multi_event_crlf"),
            marker: "",
            hex: false,
            signs_body: true,
            header_timestamp: true,
            uri: "/sendgrid",
            body: json_body,
        });
    }
    list
}

impl Preset {
    pub fn signer(&self) -> Signer {
        Signer::new(
            self.scheme.clone(),
            Secret::new(self.signing_key.clone()).unwrap(),
        )
        .unwrap()
    }

    pub fn verifier(&self) -> Verifier {
        Verifier::new(
            self.scheme.clone(),
            Keyring::from(Secret::new(self.verifying_key.clone()).unwrap()),
        )
        .unwrap()
    }

    pub fn sign(&self, body: &str, ts: u64) -> HeaderMap {
        self.signer()
            .sign_request_headers(
                &self.uri.parse().unwrap(),
                body.as_bytes(),
                at(ts),
                Some("msg_1"),
            )
            .unwrap()
    }

    pub fn sign_bytes(&self, body: &[u8], ts: u64, id: &str) -> HeaderMap {
        self.signer()
            .sign_request_headers(&self.uri.parse().unwrap(), body, at(ts), Some(id))
            .unwrap()
    }

    pub fn check_bytes(&self, headers: &HeaderMap, body: &[u8]) -> Result<Verified, Rejection> {
        self.verifier().verify(
            &crate::common::req(headers, &self.uri.parse().unwrap(), body),
            at(NOW),
        )
    }

    pub fn check(&self, headers: &HeaderMap, body: &str) -> Result<Verified, Rejection> {
        self.verifier().verify(
            &crate::common::req(headers, &self.uri.parse().unwrap(), body.as_bytes()),
            at(NOW),
        )
    }

    pub fn sig_header(&self) -> HeaderName {
        self.scheme.signature_header().unwrap().clone()
    }

    /// The signed headers with the signature text replaced by `f(signature)`.
    pub fn with_signature(&self, headers: &HeaderMap, f: impl Fn(&str) -> String) -> HeaderMap {
        let name = self.sig_header();
        let value = headers[&name].to_str().unwrap().to_owned();
        let at = if self.marker.is_empty() {
            0
        } else {
            value.rfind(self.marker).unwrap() + self.marker.len()
        };
        let mut out = headers.clone();
        let new = format!("{}{}", &value[..at], f(&value[at..]));
        out.insert(name, HeaderValue::from_str(&new).unwrap());
        out
    }
}
