//! The verification core against its lower bound: `Verifier::verify` (parse the header, decode
//! the signature, check the timestamp, MAC the signed bytes, compare in constant time) beside a
//! bare HMAC over the same bytes with a pre-keyed state, by body size, for each algorithm. The
//! peers' core functions are measured beside them for HMAC-SHA256.
//!
//! `cargo bench --bench verify` (add `-- verify/sha256` to filter). Sizes run from 64 B to
//! 16 MiB; sampling is kept short so the whole file finishes in about two minutes.

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit, Mac};
use http::{HeaderMap, Uri};
use webhook_guard::{Algorithm, Encoding, Keyring, Scheme, Secret, SignatureFormat, Signer};
use webhook_guard::{Verifier, providers};

const SIZES: [usize; 6] = [64, 1 << 10, 16 << 10, 64 << 10, 1 << 20, 16 << 20];
const SECRET: &str = "It's a Secret to Everybody";
const WHSEC: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

/// One algorithm: the scheme, its secret, and the bare MAC over the bytes it signs.
struct Case {
    name: &'static str,
    scheme: Scheme,
    secret: &'static str,
    id: Option<&'static str>,
}

fn sha512_scheme() -> Scheme {
    Scheme::builder("sha512-hex")
        .signature_header("x-signature", SignatureFormat::prefixed("sha512="))
        .algorithm(Algorithm::HmacSha512)
        .encoding(Encoding::Hex)
        .signed_payload("{body}")
        .build()
        .expect("valid scheme")
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "sha256",
            scheme: providers::github(),
            secret: SECRET,
            id: None,
        },
        Case {
            name: "sha1",
            scheme: providers::github_sha1(),
            secret: SECRET,
            id: None,
        },
        Case {
            name: "sha512",
            scheme: sha512_scheme(),
            secret: SECRET,
            id: None,
        },
        Case {
            name: "standard-webhooks",
            scheme: providers::standard_webhooks(),
            secret: WHSEC,
            id: Some("msg_27UH4WbU6Z5A5EzD8u03UvzRbpk"),
        },
    ]
}

/// A bare HMAC with the key schedule done once, cloned per message: the fastest way to MAC.
#[derive(Clone)]
enum Bare {
    Sha256(Hmac<sha2::Sha256>),
    Sha1(Hmac<sha1::Sha1>),
    Sha512(Hmac<sha2::Sha512>),
}

impl Bare {
    fn new(case: &Case) -> Self {
        let key: Vec<u8> = match case.id {
            // Standard Webhooks keys the MAC with the base64-decoded rest of `whsec_…`.
            Some(_) => {
                use base64::Engine as _;
                base64::engine::general_purpose::STANDARD
                    .decode(case.secret.trim_start_matches("whsec_"))
                    .expect("base64")
            }
            None => case.secret.as_bytes().to_vec(),
        };
        match case.scheme.algorithm() {
            Algorithm::HmacSha1 => Self::Sha1(Hmac::new_from_slice(&key).expect("key")),
            Algorithm::HmacSha512 => Self::Sha512(Hmac::new_from_slice(&key).expect("key")),
            _ => Self::Sha256(Hmac::new_from_slice(&key).expect("key")),
        }
    }

    /// MAC of `prefix ‖ body`, fed in two updates, as a hand-written verifier would.
    fn mac(&self, prefix: &[u8], body: &[u8]) -> usize {
        match self.clone() {
            Self::Sha256(mut m) => {
                m.update(prefix);
                m.update(body);
                m.finalize().into_bytes().len()
            }
            Self::Sha1(mut m) => {
                m.update(prefix);
                m.update(body);
                m.finalize().into_bytes().len()
            }
            Self::Sha512(mut m) => {
                m.update(prefix);
                m.update(body);
                m.finalize().into_bytes().len()
            }
        }
    }
}

fn body(len: usize) -> Vec<u8> {
    (0..len).map(|i| b"{\"event\":\"push\"} "[i % 17]).collect()
}

fn label(len: usize) -> String {
    match len {
        l if l >= 1 << 20 => format!("{}MiB", l >> 20),
        l if l >= 1 << 10 => format!("{}KiB", l >> 10),
        l => format!("{l}B"),
    }
}

fn core(c: &mut Criterion) {
    let now = SystemTime::now();
    let uri = Uri::from_static("/webhooks");
    for case in cases() {
        let verifier = Verifier::new(
            case.scheme.clone(),
            Keyring::from(Secret::new(case.secret).expect("secret")),
        )
        .expect("verifier");
        let signer = Signer::new(
            case.scheme.clone(),
            Secret::new(case.secret).expect("secret"),
        )
        .expect("signer");
        let bare = Bare::new(&case);
        let mut group = c.benchmark_group(format!("verify/{}", case.name));
        group.warm_up_time(Duration::from_millis(300));
        group.measurement_time(Duration::from_secs(1));
        group.sample_size(20);
        for len in SIZES {
            let payload = body(len);
            let headers = signed(&signer, &payload, now, case.id);
            let request = request(&headers, &uri, &payload);
            let prefix = match case.id {
                Some(id) => {
                    let t = headers["webhook-timestamp"].to_str().expect("ascii");
                    format!("{id}.{t}.").into_bytes()
                }
                None => Vec::new(),
            };
            assert!(verifier.verify(&request, now).is_ok());
            group.throughput(Throughput::Bytes(len as u64));
            group.bench_with_input(
                BenchmarkId::new("bare_hmac", label(len)),
                &payload,
                |b, p| {
                    b.iter(|| bare.mac(black_box(&prefix), black_box(p)));
                },
            );
            group.bench_with_input(
                BenchmarkId::new("webhook_guard", label(len)),
                &payload,
                |b, _| {
                    b.iter(|| verifier.verify(black_box(&request), now).is_ok());
                },
            );
            if case.name == "sha256" {
                peer_webhook_verify_github(&mut group, len, &payload, &headers);
            }
            if case.name == "standard-webhooks" {
                peer_standardwebhooks(&mut group, len, &payload, &headers);
            }
        }
        group.finish();
    }
}

fn peer_webhook_verify_github(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    len: usize,
    payload: &[u8],
    headers: &HeaderMap,
) {
    let secret = webhook_verify::Secret::new(SECRET);
    assert!(
        webhook_verify::verify(
            webhook_verify::Provider::GitHub,
            headers,
            payload,
            &secret,
            Default::default()
        )
        .is_ok()
    );
    group.bench_with_input(
        BenchmarkId::new("webhook_verify", label(len)),
        &payload,
        |b, p| {
            b.iter(|| {
                webhook_verify::verify(
                    webhook_verify::Provider::GitHub,
                    black_box(headers),
                    black_box(p),
                    &secret,
                    Default::default(),
                )
                .is_ok()
            });
        },
    );
}

fn peer_standardwebhooks(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    len: usize,
    payload: &[u8],
    headers: &HeaderMap,
) {
    let webhook = axum_standardwebhooks::Webhook::new(WHSEC).expect("whsec");
    assert!(webhook.verify(payload, headers).is_ok());
    group.bench_with_input(
        BenchmarkId::new("standardwebhooks", label(len)),
        &payload,
        |b, p| b.iter(|| webhook.verify(black_box(p), black_box(headers)).is_ok()),
    );
    let secret = webhook_verify::Secret::new(WHSEC);
    let ok = webhook_verify::verify(
        webhook_verify::Provider::StandardWebhooks,
        headers,
        payload,
        &secret,
        Default::default(),
    );
    assert!(ok.is_ok(), "{ok:?}");
    group.bench_with_input(
        BenchmarkId::new("webhook_verify", label(len)),
        &payload,
        |b, p| {
            b.iter(|| {
                webhook_verify::verify(
                    webhook_verify::Provider::StandardWebhooks,
                    black_box(headers),
                    black_box(p),
                    &secret,
                    Default::default(),
                )
                .is_ok()
            });
        },
    );
}

criterion_group!(benches, core);
criterion_main!(benches);

/// The headers `signer` gives `body` at `at`, with delivery id `id` where the scheme signs one.
fn signed(signer: &Signer, body: &[u8], at: SystemTime, id: Option<&str>) -> http::HeaderMap {
    let mut request = http::Request::post("/webhooks")
        .body(body)
        .expect("request");
    if let (Some(name), Some(id)) = (signer.scheme().id_header(), id) {
        request
            .headers_mut()
            .insert(name.clone(), http::HeaderValue::from_str(id).expect("id"));
    }
    signer.sign(&mut request, at).expect("sign");
    request.headers().clone()
}

/// The request the core verifies.
fn request<'b>(headers: &http::HeaderMap, uri: &Uri, body: &'b [u8]) -> http::Request<&'b [u8]> {
    let mut request = http::Request::post(uri.clone())
        .body(body)
        .expect("request");
    *request.headers_mut() = headers.clone();
    request
}
