//! Secret hygiene over every preset: drive a genuine delivery and a battery of broken ones
//! through the layer, capture every tracing event and every response, and check that no secret
//! (as given, hex, base64, or the decoded part of a `whsec_`), no expected signature and no body
//! ever appears; that every rejection with the same status has the same body; and that `{:?}` of
//! every public type holding key material shows none of it.

mod common;
mod vectors_support;

use std::convert::Infallible;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use http::{HeaderValue, Request, Response};
use http_body_util::{BodyExt, Full};
use tower::ServiceExt;
use vectors_support::*;
use webhook_guard::keys::{KeyringHandle, StaticResolver};
use webhook_guard::replay::{MemoryStore, ReplayGuard};
use webhook_guard::{
    Clock, Keyring, Secret, Signer, VerifiedBody, Verifier, WebhookLayer, providers,
};

#[derive(Clone)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn logs() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let writer = Capture(buf.clone());
        tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::TRACE)
            .init();
        buf
    })
}

/// Every spelling of a secret that must never be shown.
fn forms(secret: &str) -> Vec<String> {
    let mut out = vec![
        secret.to_owned(),
        hex::encode(secret),
        STANDARD.encode(secret),
    ];
    if let Some(rest) = secret.strip_prefix("whsec_") {
        out.push(rest.to_owned());
        if let Ok(raw) = STANDARD.decode(rest) {
            out.push(hex::encode(&raw));
        }
    }
    out.retain(|f| f.len() >= 6);
    out
}

/// The first genuine fixture case of a provider that this build can verify.
fn genuine(provider: &str) -> Option<Case> {
    fixture(provider).cases.into_iter().find(|c| {
        c.sdk_verdict == "valid" && !c.name.starts_with("sdk_quirk") && supported(provider, c)
    })
}

/// The genuine request, then ways to break it: tampered body, trailing newline, each header
/// removed, emptied, truncated, altered and duplicated.
fn variants(case: &Case) -> Vec<(String, Request<Full<Bytes>>)> {
    let (headers, uri) = request_parts(case);
    let build = |headers: &http::HeaderMap, body: Vec<u8>| {
        let mut req = Request::post(uri.clone())
            .body(Full::new(Bytes::from(body)))
            .unwrap();
        *req.headers_mut() = headers.clone();
        // The case's own content type, which some schemes sign (Contentful), else JSON.
        req.headers_mut()
            .entry("content-type")
            .or_insert(HeaderValue::from_static("application/json"));
        req
    };
    let body = case.body.as_bytes().to_vec();
    let mut out = vec![("genuine".to_owned(), build(&headers, body.clone()))];
    let mut tampered = body.clone();
    if let Some(b) = tampered.last_mut() {
        *b ^= 1;
    }
    out.push(("tampered body".into(), build(&headers, tampered)));
    out.push((
        "trailing newline".into(),
        build(&headers, [&body[..], b"\n"].concat()),
    ));
    for (name, value) in &case.headers {
        let mut h = headers.clone();
        h.remove(name.as_str());
        out.push((format!("{name} removed"), build(&h, body.clone())));
        let mut h = headers.clone();
        h.insert(
            http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_static(""),
        );
        out.push((format!("{name} empty"), build(&h, body.clone())));
        let cut = &value[..value.len().saturating_sub(1)];
        let mut h = headers.clone();
        h.insert(
            http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(cut).unwrap(),
        );
        out.push((format!("{name} truncated"), build(&h, body.clone())));
        let mut altered = value.clone().into_bytes();
        if let Some(b) = altered.get_mut(value.len() / 2) {
            *b = if *b == b'a' { b'b' } else { b'a' };
        }
        let mut h = headers.clone();
        h.insert(
            http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_bytes(&altered).unwrap(),
        );
        out.push((format!("{name} altered"), build(&h, body.clone())));
        let mut h = headers.clone();
        h.append(
            http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
        out.push((format!("{name} duplicated"), build(&h, body.clone())));
    }
    out
}

#[tokio::test]
async fn no_secret_signature_or_body_leaks_from_any_preset() {
    logs();
    let mut bodies_by_status: std::collections::BTreeMap<u16, std::collections::BTreeSet<Vec<u8>>> =
        Default::default();
    let mut forbidden: Vec<(String, String)> = Vec::new();
    let mut checked = 0;
    let mut covered = 0;
    for provider in providers::names() {
        let Some(case) = genuine(provider) else {
            continue;
        };
        covered += 1;
        for form in forms(&case.secret) {
            forbidden.push((format!("{provider} secret"), form));
        }
        for (name, value) in &case.headers {
            // Signatures and tokens; short values (timestamps) are not secret.
            if value.len() >= 20 && !name.ends_with("-id") && !name.ends_with("settings") {
                forbidden.push((format!("{provider} {name}"), value.clone()));
            }
        }
        if case.body.len() >= 16 {
            forbidden.push((format!("{provider} body"), case.body.clone()));
        }
        let layer = WebhookLayer::new(
            scheme_for(provider, &case),
            Keyring::from(Secret::new(verifying_key(&case)).unwrap()),
        )
        .unwrap()
        .clock(Clock::manual_at_unix(case.now))
        .replay_guard(ReplayGuard::new(MemoryStore::new()));
        let inner = tower::service_fn(|_req: Request<VerifiedBody>| async {
            Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"handled"))))
        });
        let svc = tower::Layer::layer(&layer, inner);
        for (what, req) in variants(&case) {
            let res = svc.clone().oneshot(req).await.unwrap();
            let status = res.status().as_u16();
            let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
            if what == "genuine" {
                assert_eq!(status, 200, "{provider}: genuine delivery refused");
                continue;
            }
            checked += 1;
            if status != 200 {
                bodies_by_status
                    .entry(status)
                    .or_default()
                    .insert(body.clone());
            }
            let text = String::from_utf8_lossy(&body);
            for (label, value) in &forbidden {
                assert!(
                    !text.contains(value.as_str()),
                    "{provider} {what}: response shows {label}"
                );
            }
        }
        // Debug of everything holding this provider's key material.
        let scheme = scheme_for(provider, &case);
        let debug = [
            format!("{:?}", Secret::new(case.secret.clone()).unwrap()),
            format!(
                "{:?}",
                Keyring::from(Secret::new(verifying_key(&case)).unwrap())
            ),
            format!(
                "{:?}",
                Verifier::new(
                    scheme.clone(),
                    Keyring::from(Secret::new(verifying_key(&case)).unwrap())
                )
                .unwrap()
            ),
            format!("{layer:?}"),
            format!("{:?}", tower::Layer::layer(&layer, ())),
            format!(
                "{:?}",
                KeyringHandle::new(
                    scheme.clone(),
                    Keyring::from(Secret::new(verifying_key(&case)).unwrap())
                )
                .unwrap()
            ),
            format!(
                "{:?}",
                StaticResolver::new().tenant(
                    "t",
                    Keyring::from(Secret::new(verifying_key(&case)).unwrap())
                )
            ),
            match case.signing_key.as_deref() {
                Some(private) => format!(
                    "{:?}",
                    Signer::new(scheme, Secret::new(private).unwrap()).unwrap()
                ),
                // Schemes whose keys come from the provider are not signed here.
                None if scheme.fetches_keys() => String::new(),
                None => format!(
                    "{:?}",
                    Signer::new(scheme, Secret::new(case.secret.clone()).unwrap()).unwrap()
                ),
            },
        ];
        for text in debug {
            for form in forms(&case.secret).iter().chain(
                case.signing_key
                    .iter()
                    .flat_map(|k| forms(k))
                    .collect::<Vec<_>>()
                    .iter(),
            ) {
                assert!(
                    !text.contains(form.as_str()),
                    "{provider}: Debug shows key material: {text}"
                );
            }
        }
    }
    if cfg!(all(feature = "ed25519", feature = "ecdsa", feature = "rsa")) {
        assert_eq!(covered, providers::names().len(), "every preset is covered");
    }
    assert!(checked > 21 * 5, "only {checked} broken deliveries checked");
    for (status, bodies) in &bodies_by_status {
        assert_eq!(
            bodies.len(),
            1,
            "status {status} has several bodies: {bodies:?}"
        );
    }
    assert!(bodies_by_status.contains_key(&401));

    let log = String::from_utf8(logs().lock().unwrap().clone()).unwrap();
    assert!(
        log.contains("webhook rejected"),
        "no rejection events captured"
    );
    for (label, value) in &forbidden {
        assert!(!log.contains(value.as_str()), "the logs show {label}");
    }
}
