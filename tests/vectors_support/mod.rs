//! The SDK-generated fixtures in `tests/vectors`, shared by the test binaries that replay them.
#![allow(dead_code, unreachable_pub)]

use http::{HeaderMap, HeaderName, HeaderValue, Uri};
use serde::Deserialize;
use webhook_guard::{PublicUrl, Scheme, providers};

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
    pub now: u64,
    pub sdk_verdict: String,
    #[serde(default)]
    pub expected_response: Option<serde_json::Value>,
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
        other => providers::by_name(other).unwrap_or_else(|| panic!("no preset {other}")),
    }
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
    match algorithm {
        webhook_guard::Algorithm::Ed25519 => cfg!(feature = "ed25519"),
        webhook_guard::Algorithm::EcdsaP256Sha256 => cfg!(feature = "ecdsa"),
        _ => true,
    }
}
