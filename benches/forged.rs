//! What a forged request costs, by scheme: the time and the memory `Verifier::verify` spends on a
//! 1 MiB request signed with the wrong key, next to a forged 1 MiB Stripe request (an HMAC over
//! the raw body, the cheapest possible check of a body that size) measured in the same rounds.
//!
//! Schemes that sign a canonical form of the body (Twilio's sorted form parameters, Mailgun's
//! fields) must parse the body before they can compare anything; the claim under test is that
//! they do it without building a tree: at most 3× the Stripe time and at most 2× the body in
//! extra memory. Public-key schemes hash the body once per (candidate, key) pair: Ed25519 is
//! measured with a header of ten candidates and four keys, against one genuine verification.
//!
//! `cargo bench --bench forged` (`-- --rounds 31` for more rounds). Time is the thread's CPU
//! time; rounds interleave the schemes and alternate their order; the table reports the median
//! per-round ratio to Stripe and its spread. Memory is every byte allocated during one
//! verification (an upper bound on what it holds at once), counted by `stats_alloc`.

use std::alloc::System;
use std::hint::black_box;
use std::time::{Duration, SystemTime};

use cpu_time::ThreadTime;
use http::{HeaderMap, HeaderValue, Request};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use webhook_guard::{Keyring, PublicUrl, Scheme, Secret, Signer, Verifier, providers};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const MIB: usize = 1 << 20;

/// One forged request and the verifier it is sent to.
struct Case {
    name: &'static str,
    verifier: Verifier,
    request: Request<Vec<u8>>,
}

fn signed(scheme: Scheme, key: &str, uri: &str, body: Vec<u8>) -> Request<Vec<u8>> {
    let mut request = Request::post(uri).body(body).expect("request");
    let signer = Signer::new(scheme, Secret::new(key).expect("key")).expect("signer");
    match signer.sign(&mut request, SystemTime::now()) {
        Ok(()) => request,
        // Signatures in the body: sign the body itself.
        Err(_) => match signer.sign_body(request.body(), SystemTime::now()) {
            Ok(body) => Request::post(uri).body(body).expect("request"),
            // A body the scheme refuses to sign (what the provider never sends): the headers of
            // another body, as a forger would send them.
            Err(_) => {
                let body = std::mem::take(request.body_mut());
                let mut other = Request::post(uri).body(b"a=1".to_vec()).expect("request");
                signer.sign(&mut other, SystemTime::now()).expect("sign");
                *other.body_mut() = body;
                other
            }
        },
    }
}

fn case(name: &'static str, scheme: Scheme, uri: &str, body: Vec<u8>) -> Case {
    case_with_keys(
        name,
        scheme,
        uri,
        body,
        ["the sender's real key", "another key"],
    )
}

/// [`case`] with the sender's key and the verifier's, for schemes whose keys have a format.
fn case_with_keys(
    name: &'static str,
    scheme: Scheme,
    uri: &str,
    body: Vec<u8>,
    [sender, receiver]: [&str; 2],
) -> Case {
    // Signed with one key, verified with another: a forgery of the right shape.
    let request = signed(scheme.clone(), sender, uri, body);
    let verifier = Verifier::new(scheme, Keyring::from(Secret::new(receiver).expect("key")))
        .expect("verifier");
    assert!(
        verifier.verify(&request, SystemTime::now()).is_err(),
        "{name}: a forgery verified"
    );
    Case {
        name,
        verifier,
        request,
    }
}

/// An Adyen notification of about `len` bytes: one item, and an array of small numbers beside
/// it or inside it (what a forger can add to a notification).
fn adyen_padded(len: usize, inside: bool) -> Vec<u8> {
    let fields = r#""additionalData":{"hmacSignature":"coqCmt/IZ4E3CzPvMY8zTjQVL5hYJUiBRg8UU+iCWo0="},"amount":{"value":1130,"currency":"EUR"},"pspReference":"7914073381342284","eventCode":"AUTHORISATION","eventDate":"2019-05-06T17:15:34.121+02:00","merchantAccountCode":"TestMerchant","merchantReference":"TestPayment-1407325143704","paymentMethod":"visa","success":"true""#;
    let mut pad = Vec::with_capacity(len);
    while pad.len() + 128 + fields.len() < len {
        pad.extend_from_slice(b"1,");
    }
    pad.push(b'1');
    let pad = String::from_utf8(pad).expect("ascii");
    if inside {
        format!(r#"{{"live":"false","notificationItems":[{{"NotificationRequestItem":{{{fields},"pad":[{pad}]}}}}]}}"#)
    } else {
        format!(r#"{{"live":"false","notificationItems":[{{"NotificationRequestItem":{{{fields}}}}}],"pad":[{pad}]}}"#)
    }
    .into_bytes()
}

/// A form body of about `len` bytes: `params` parameters with long values.
fn form(len: usize, params: usize) -> Vec<u8> {
    let value = len / params - 8;
    let mut out = Vec::with_capacity(len);
    for i in 0..params {
        if i > 0 {
            out.push(b'&');
        }
        out.extend_from_slice(format!("p{i:04}=").as_bytes());
        out.extend((0..value).map(|j| b"abcdefghijklmnopqrstuvwxyz+%41"[j % 30]));
    }
    out
}

/// A Mailgun JSON body of about `len` bytes, its event data an array of small numbers (many
/// tokens: the slowest shape to skip).
fn mailgun_json(len: usize) -> Vec<u8> {
    let mut data = String::from("[");
    while data.len() < len - 64 {
        data.push_str("1,22,333,");
    }
    data.push_str("0]");
    format!("{{\"event-data\":{data}}}").into_bytes()
}

/// A Mailgun JSON body of about `len` bytes, its event data an object of 1 KiB strings (the
/// shape of real event data: headers, addresses, text).
fn mailgun_strings(len: usize) -> Vec<u8> {
    let value = "x".repeat(1024);
    let mut data = String::from("{");
    let mut i = 0;
    while data.len() < len - 2048 {
        data.push_str(&format!("\"k{i}\":\"{value}\","));
        i += 1;
    }
    data.push_str("\"end\":0}");
    format!("{{\"event-data\":{data}}}").into_bytes()
}

/// A Mailgun JSON body of about `len` bytes whose event data is all structure: short strings,
/// escapes, arrays and objects.
fn mailgun_nested(len: usize) -> Vec<u8> {
    let mut data = String::from("[");
    while data.len() < len - 64 {
        data.push_str(r#"["a",{"b":"\""}],[],"#);
    }
    data.push_str("0]");
    format!("{{\"event-data\":{data}}}").into_bytes()
}

fn main() {
    let mut rounds = 15usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--rounds" {
            rounds = args.next().and_then(|r| r.parse().ok()).unwrap_or(rounds);
        }
    }
    let twilio = || providers::twilio(PublicUrl::parse("https://hooks.example.com").expect("url"));
    let plivo = || providers::plivo(PublicUrl::parse("https://hooks.example.com").expect("url"));
    let json = format!("{{\"pad\":\"{}\"}}", "x".repeat(MIB - 16)).into_bytes();
    let cases = [
        case(
            "stripe (HMAC over the raw body)",
            providers::stripe(),
            "/",
            json.clone(),
        ),
        case(
            "twilio, 1 000 parameters of 1 KiB",
            twilio(),
            "/sms",
            form(MIB, 1000),
        ),
        case(
            "twilio, 4 parameters of 256 KiB",
            twilio(),
            "/sms",
            form(MIB, 4),
        ),
        case(
            "twilio, escapes between single bytes",
            twilio(),
            "/sms",
            format!("a={}", "b%41".repeat(MIB / 4 - 1)).into_bytes(),
        ),
        case(
            "twilio, escapes between 2-byte runs",
            twilio(),
            "/sms",
            format!("a={}", "bb%41".repeat(MIB / 5 - 1)).into_bytes(),
        ),
        case(
            "twilio, escapes between 3-byte runs",
            twilio(),
            "/sms",
            format!("a={}", "bbb%41".repeat(MIB / 6 - 1)).into_bytes(),
        ),
        case(
            "twilio, escapes between 5-byte runs",
            twilio(),
            "/sms",
            format!("a={}", "bbbbb+".repeat(MIB / 6 - 1)).into_bytes(),
        ),
        case(
            "twilio, every byte %-escaped",
            twilio(),
            "/sms",
            format!("a={}", "%41".repeat(MIB / 3 - 1)).into_bytes(),
        ),
        case(
            "twilio, 40-byte runs between +",
            twilio(),
            "/sms",
            format!(
                "a={}",
                "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb+".repeat(MIB / 40 - 1)
            )
            .into_bytes(),
        ),
        case(
            "twilio, 40-byte runs between escapes",
            twilio(),
            "/sms",
            format!(
                "a={}",
                "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb%41".repeat(MIB / 40 - 1)
            )
            .into_bytes(),
        ),
        case(
            "twilio, every byte a lone %",
            twilio(),
            "/sms",
            format!("a={}", "%".repeat(MIB - 2)).into_bytes(),
        ),
        case(
            "twilio, %zz (malformed escapes)",
            twilio(),
            "/sms",
            format!("a={}", "%zz".repeat(MIB / 3 - 1)).into_bytes(),
        ),
        case(
            "twilio, é (2-byte UTF-8)",
            twilio(),
            "/sms",
            format!("a={}", "\u{e9}".repeat(MIB / 2 - 1)).into_bytes(),
        ),
        case(
            "twilio, %C3%A9 (escaped 2-byte UTF-8)",
            twilio(),
            "/sms",
            format!("a={}", "%C3%A9".repeat(MIB / 6 - 1)).into_bytes(),
        ),
        case(
            "twilio, %FF (invalid UTF-8)",
            twilio(),
            "/sms",
            format!("a={}", "%FF".repeat(MIB / 3 - 1)).into_bytes(),
        ),
        case(
            "plivo, 1 000 parameters of 1 KiB",
            plivo(),
            "/sms",
            form(MIB, 1000),
        ),
        case(
            "plivo, escapes between single bytes",
            plivo(),
            "/sms",
            format!("a={}", "b%41".repeat(MIB / 4 - 1)).into_bytes(),
        ),
        case(
            "plivo, %FF (invalid UTF-8)",
            plivo(),
            "/sms",
            format!("a={}", "%FF".repeat(MIB / 3 - 1)).into_bytes(),
        ),
        case(
            "plivo, every byte a lone %",
            plivo(),
            "/sms",
            format!("a={}", "%".repeat(MIB - 2)).into_bytes(),
        ),
        case_with_keys(
            "adyen, small numbers inside the item",
            providers::adyen(),
            "/",
            adyen_padded(MIB, true),
            [
                "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056",
                "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF",
            ],
        ),
        case_with_keys(
            "adyen, small numbers beside the item",
            providers::adyen(),
            "/",
            adyen_padded(MIB, false),
            [
                "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056",
                "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF",
            ],
        ),
        case(
            "hygraph, JSON without escapes (HMAC-SHA512)",
            providers::hygraph(),
            "/",
            json.clone(),
        ),
        case(
            "hygraph, JSON of quotes (escaped in the envelope)",
            providers::hygraph(),
            "/",
            format!("{{\"a\":\"{}\"}}", "\\\"".repeat(MIB / 2 - 8)).into_bytes(),
        ),
        case(
            "hygraph, control characters (escaped in the envelope)",
            providers::hygraph(),
            "/",
            vec![1u8; MIB],
        ),
        case(
            "mailgun, JSON of small numbers",
            providers::mailgun(),
            "/",
            mailgun_json(MIB),
        ),
        case(
            "mailgun, JSON of 1 KiB strings",
            providers::mailgun(),
            "/",
            mailgun_strings(MIB),
        ),
        case(
            "mailgun, JSON of short strings, nested",
            providers::mailgun(),
            "/",
            mailgun_nested(MIB),
        ),
        case("mailgun, form", providers::mailgun(), "/", form(MIB, 16)),
    ];

    println!("forged 1 MiB requests, {rounds} rounds (median CPU time, ratio to Stripe [min–max])");
    let mut ratios: Vec<Vec<f64>> = vec![Vec::new(); cases.len()];
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); cases.len()];
    for round in 0..rounds {
        let mut order: Vec<usize> = (0..cases.len()).collect();
        if round % 2 == 1 {
            order.reverse();
        }
        let mut t = vec![0f64; cases.len()];
        for &i in &order {
            let c = &cases[i];
            let now = SystemTime::now();
            let elapsed = time(8, || {
                black_box(c.verifier.verify(black_box(&c.request), now)).ok();
            });
            t[i] = elapsed.as_secs_f64() / 8.0;
        }
        for i in 0..cases.len() {
            ratios[i].push(t[i] / t[0]);
            times[i].push(t[i]);
        }
    }
    for (i, c) in cases.iter().enumerate() {
        let (min, max) = spread(&ratios[i]);
        let extra = memory(c);
        println!(
            "{:<36} {:>9.3} ms  ×{:.2} [{:.2}–{:.2}]  extra memory {:.2}× the body",
            c.name,
            median(&mut times[i]) * 1e3,
            median(&mut ratios[i]),
            min,
            max,
            extra as f64 / c.request.body().len() as f64,
        );
    }

    // Ed25519: a header of ten candidates against four keys costs at most eight verifications.
    ed25519(rounds);
}

/// Every byte allocated during one verification: an upper bound on the extra memory it holds
/// at once.
fn memory(c: &Case) -> usize {
    let now = SystemTime::now();
    let region = Region::new(GLOBAL);
    black_box(c.verifier.verify(&c.request, now)).ok();
    let change = region.change();
    change.bytes_allocated + change.bytes_reallocated.max(0) as usize
}

#[cfg(feature = "ed25519")]
fn ed25519(rounds: usize) {
    use base64::Engine as _;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let seed = |n: u8| format!("whsk_{}", b64(&[n; 32]));
    let public = |n: u8| {
        Signer::new(
            providers::standard_webhooks_ed25519(),
            Secret::new(seed(n)).expect("seed"),
        )
        .expect("signer")
        .public_key()
        .expect("public key")
    };
    let body = vec![b'x'; MIB];
    let genuine = {
        let mut r = Request::post("/")
            .header("webhook-id", "msg_1")
            .body(body.clone())
            .expect("r");
        Signer::new(
            providers::standard_webhooks_ed25519(),
            Secret::new(seed(1)).expect("seed"),
        )
        .expect("signer")
        .sign(&mut r, SystemTime::now())
        .expect("sign");
        r
    };
    let one = Verifier::new(
        providers::standard_webhooks_ed25519(),
        Keyring::from(Secret::new(public(1)).expect("key")),
    )
    .expect("verifier");
    let mut keys = Keyring::new();
    for n in 2..6u8 {
        keys = keys.key(n.to_string(), Secret::new(public(n)).expect("key"));
    }
    let four = Verifier::new(providers::standard_webhooks_ed25519(), keys).expect("verifier");
    // Ten well-formed signatures that match none of the four keys.
    let mut forged = genuine.clone();
    let sig = forged.headers()["webhook-signature"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let many = [sig.as_str(); 10].join(" ");
    let mut headers: HeaderMap = forged.headers().clone();
    headers.insert(
        "webhook-signature",
        HeaderValue::from_str(&many).expect("value"),
    );
    *forged.headers_mut() = headers;
    let mut ratios = Vec::new();
    for _ in 0..rounds {
        let now = SystemTime::now();
        let g = time(4, || {
            black_box(one.verify(&genuine, now)).ok();
        });
        let f = time(4, || {
            black_box(four.verify(&forged, now)).ok();
        });
        ratios.push(f.as_secs_f64() / g.as_secs_f64());
    }
    let (min, max) = spread(&ratios);
    println!(
        "ed25519: 10 candidates × 4 keys, forged, vs one genuine verification: ×{:.2} [{:.2}–{:.2}] (bound: 8)",
        median(&mut ratios),
        min,
        max
    );
}

#[cfg(not(feature = "ed25519"))]
fn ed25519(_rounds: usize) {
    println!("ed25519: needs the `ed25519` feature (cargo bench --all-features --bench forged)");
}

fn time(iters: u32, mut f: impl FnMut()) -> Duration {
    let start = ThreadTime::now();
    for _ in 0..iters {
        f();
    }
    start.elapsed()
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn spread(values: &[f64]) -> (f64, f64) {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (min, max)
}
