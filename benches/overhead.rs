//! Target 1 of the performance issue as one interleaved measurement: the time of
//! `Verifier::verify` divided by the time of a bare, pre-keyed HMAC over the same bytes.
//!
//! Criterion measures the two one after the other; on a shared machine the load can change in
//! between. Here every round times a block of bare MACs and a block of verifications back to
//! back (reversing the order every other round) with the thread's CPU clock, so time spent descheduled
//! while other processes run does not count, and the table reports the median per-round ratio
//! with its spread. `cargo bench --bench overhead` (`-- --rounds 31` for more rounds,
//! `-- --sizes 64,1024` for some body sizes only).
//!
//! A third side runs in the same rounds: the minimal hand-written check of the same delivery
//! (see `hand_written`), the floor of "parsing, decoding and comparing included" with these
//! primitives. Its columns (`hand`, and its ratio to the bare MAC) show it next to ours.
//!
//! A fourth side writes out, straight-line with the same crates, every check `Verifier` makes
//! for the delivery (see `direct`): what the same checks cost without the generality, done with
//! the usual crates (not a floor: webhook-guard's word-wise hex decoding and comparison beat the
//! `hex` crate's and `subtle`'s byte loops). Its columns are `direct` and its ratio.
//!
//! Last, two threads verify GitHub deliveries with the same `Verifier` at once, and each one's
//! CPU time per call is compared with one thread alone: what requests on two cores cost each
//! other through shared state (reference counts bumped by every call would show here). It needs
//! two idle cores to mean anything; the load average is printed with it.

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use cpu_time::ThreadTime;

use hmac::{Hmac, KeyInit, Mac};
use http::{HeaderName, Uri};
use webhook_guard::{Keyring, Scheme, Secret, Signer, Verifier, providers};

const SECRET: &str = "It's a Secret to Everybody";
const WHSEC: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const SIZES: [usize; 5] = [64, 1 << 10, 16 << 10, 64 << 10, 1 << 20];

fn main() {
    let mut rounds = 21usize;
    let mut sizes = SIZES.to_vec();
    let mut args = std::env::args().skip(1);
    // `cargo bench` also passes `--bench`, ignored like anything else unknown.
    while let Some(arg) = args.next() {
        if arg == "--rounds" {
            rounds = args.next().and_then(|r| r.parse().ok()).unwrap_or(rounds);
        } else if arg == "--sizes" {
            // `--sizes 64,1024`: only these body sizes, in bytes.
            let list = args.next().unwrap_or_default();
            sizes = list.split(',').filter_map(|s| s.parse().ok()).collect();
        }
    }
    let whsec_key = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(WHSEC.trim_start_matches("whsec_"))
            .expect("base64")
    };
    /// Name, scheme, secret, HMAC key, delivery id.
    type Case<'a> = (&'a str, Scheme, &'a str, Vec<u8>, Option<&'a str>);
    let cases: [Case<'_>; 2] = [
        (
            "github (sha256, hex)",
            providers::github(),
            SECRET,
            SECRET.as_bytes().to_vec(),
            None,
        ),
        (
            "standard-webhooks (sha256, base64, id.t.body)",
            providers::standard_webhooks(),
            WHSEC,
            whsec_key,
            Some("msg_27UH4WbU6Z5A5EzD8u03UvzRbpk"),
        ),
    ];
    println!("load average before: {}", load_average());
    println!(
        "{:<46} {:>7} {:>11} {:>11} {:>8} {:>17} {:>11} {:>8} {:>11} {:>8}",
        "scheme",
        "body",
        "bare",
        "verify",
        "ratio",
        "ratio min–max",
        "hand",
        "ratio",
        "direct",
        "ratio"
    );
    let uri = Uri::from_static("/webhooks");
    for (name, scheme, secret, key, id) in cases {
        let verifier = Verifier::new(scheme.clone(), Keyring::from(Secret::new(secret).unwrap()))
            .expect("verifier");
        let signer = Signer::new(scheme, Secret::new(secret).unwrap()).expect("signer");
        let keyed = Hmac::<sha2::Sha256>::new_from_slice(&key).expect("key");
        for &len in &sizes {
            let body: Vec<u8> = (0..len).map(|i| b"{\"event\":\"push\"} "[i % 17]).collect();
            let now = SystemTime::now();
            let headers = signed(&signer, &body, now, id);
            let request = request(&headers, &uri, &body);
            let prefix = match id {
                Some(id) => {
                    format!("{id}.{}.", headers["webhook-timestamp"].to_str().unwrap()).into_bytes()
                }
                None => Vec::new(),
            };
            assert!(verifier.verify(&request, now).is_ok());
            let bare = || {
                let mut mac = keyed.clone();
                mac.update(black_box(&prefix));
                mac.update(black_box(&body));
                black_box(mac.finalize().into_bytes());
            };
            let verify = || black_box(verifier.verify(black_box(&request), now)).is_ok();
            // The minimal hand-written check: the floor of "parse, decode and compare included"
            // with these primitives.
            let delivery = Delivery {
                standard_webhooks: id.is_some(),
                keyed: &keyed,
                headers: &headers,
                body: &body,
                now,
            };
            let hand = hand_written(delivery);
            assert!(hand(), "hand-written check");
            let direct = direct(delivery);
            assert!(direct().is_some(), "direct check");
            // Blocks of about 20 ms each.
            let per_op = (time(1000, bare) / 1000).max(Duration::from_nanos(50));
            let iters = (Duration::from_millis(20).as_nanos() / per_op.as_nanos()).max(1) as u32;
            let mut bare_ns = Vec::new();
            let (mut ratios, mut verify_ns) = (Vec::new(), Vec::new());
            let (mut hand_ratios, mut hand_ns) = (Vec::new(), Vec::new());
            let (mut direct_ratios, mut direct_ns) = (Vec::new(), Vec::new());
            let per_iter = |d: Duration| d.as_secs_f64() * 1e9 / f64::from(iters);
            for round in 0..rounds {
                // Every side in turn, the order reversed every other round.
                let mut b = Duration::ZERO;
                let mut v = Duration::ZERO;
                let mut h = Duration::ZERO;
                let mut d = Duration::ZERO;
                for step in 0..4 {
                    match if round % 2 == 0 { step } else { 3 - step } {
                        0 => b = time(iters, bare),
                        1 => {
                            v = time(iters, || {
                                verify();
                            })
                        }
                        2 => {
                            h = time(iters, || {
                                black_box(hand());
                            })
                        }
                        _ => {
                            d = time(iters, || {
                                black_box(direct());
                            })
                        }
                    }
                }
                bare_ns.push(per_iter(b));
                verify_ns.push(per_iter(v));
                ratios.push(v.as_secs_f64() / b.as_secs_f64());
                hand_ns.push(per_iter(h));
                hand_ratios.push(h.as_secs_f64() / b.as_secs_f64());
                direct_ns.push(per_iter(d));
                direct_ratios.push(d.as_secs_f64() / b.as_secs_f64());
            }
            println!(
                "{:<46} {:>7} {:>11} {:>11} {:>8.3} {:>8.3}–{:<8.3} {:>11} {:>8.3} {:>11} {:>8.3}",
                name,
                size_label(len),
                ns_label(median(&mut bare_ns)),
                ns_label(median(&mut verify_ns)),
                median(&mut ratios),
                ratios.iter().copied().fold(f64::INFINITY, f64::min),
                ratios.iter().copied().fold(0.0, f64::max),
                ns_label(median(&mut hand_ns)),
                median(&mut hand_ratios),
                ns_label(median(&mut direct_ns)),
                median(&mut direct_ratios),
            );
        }
    }
    contention(rounds);
    println!("load average after: {}", load_average());
}

/// Two threads verifying 1 KiB GitHub deliveries with one shared `Verifier` at the same time,
/// against one thread alone: the median per-round ratio of CPU time per call.
fn contention(rounds: usize) {
    let verifier = Verifier::new(
        providers::github(),
        Keyring::from(Secret::new(SECRET).unwrap()),
    )
    .expect("verifier");
    let signer = Signer::new(providers::github(), Secret::new(SECRET).unwrap()).expect("signer");
    let body = vec![b'x'; 1 << 10];
    let now = SystemTime::now();
    let headers = signed(&signer, &body, now, None);
    let uri = Uri::from_static("/webhooks");
    let request = request(&headers, &uri, &body);
    let iters = 20_000u32;
    let verify = || {
        time(iters, || {
            black_box(verifier.verify(black_box(&request), now).is_ok());
        })
    };
    let mut ratios = Vec::new();
    for _ in 0..rounds {
        let alone = verify();
        let together = std::thread::scope(|scope| {
            let other = scope.spawn(verify);
            let mine = verify();
            mine + other.join().expect("thread")
        });
        ratios.push(together.as_secs_f64() / 2.0 / alone.as_secs_f64());
    }
    println!(
        "github 1KiB, two threads at once / one alone (CPU time per call): {:.3} ({:.3}–{:.3}), load {}",
        median(&mut ratios),
        ratios.iter().copied().fold(f64::INFINITY, f64::min),
        ratios.iter().copied().fold(0.0, f64::max),
        load_average(),
    );
}

/// The minimal hand-written check of a delivery, as a closure returning whether it verifies:
/// for GitHub `HeaderMap::get`, `to_str`, `strip_prefix`, `hex::decode_to_slice`, keyed-state
/// clone, `verify_slice`; for Standard Webhooks the three headers, the timestamp parsed with
/// `str::parse` and checked against a five-minute window, the first `v1,` signature decoded
/// with `base64::decode_slice`, and the MAC over `id.timestamp.body`. No duplicate-header
/// refusal, no id check, no key rotation, nothing learned for the handler.
fn hand_written<'a>(delivery: Delivery<'a>) -> impl Fn() -> bool + 'a {
    use base64::Engine as _;
    let (standard_webhooks, keyed, headers, body) = (
        delivery.standard_webhooks,
        delivery.keyed,
        delivery.headers,
        delivery.body,
    );
    let names = signature_headers(standard_webhooks);
    let now = delivery
        .now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    move || {
        // `black_box` on the names too: a real handler looks them up per request; without it
        // the compiler hashes them once, outside the benchmark loop.
        let get = |name: &Option<HeaderName>| {
            black_box(headers)
                .get(black_box(name).as_ref()?)?
                .to_str()
                .ok()
        };
        let ok = (|| {
            let value = get(&names[0])?;
            let mut sig = [0u8; 33];
            let mut mac = keyed.clone();
            if standard_webhooks {
                let ts = get(&names[1])?;
                let id = get(&names[2])?;
                let t: u64 = ts.parse().ok()?;
                (t.abs_diff(now) <= 300).then_some(())?;
                let b64 = value.split(' ').next()?.strip_prefix("v1,")?;
                let n = base64::engine::general_purpose::STANDARD
                    .decode_slice(b64, &mut sig)
                    .ok()?;
                for part in [id.as_bytes(), b".", ts.as_bytes(), b"."] {
                    mac.update(part);
                }
                mac.update(black_box(body));
                mac.verify_slice(sig.get(..n)?).ok()
            } else {
                let hex = value.strip_prefix("sha256=")?;
                hex::decode_to_slice(hex, &mut sig[..32]).ok()?;
                mac.update(black_box(body));
                mac.verify_slice(&sig[..32]).ok()
            }
        })();
        ok.is_some()
    }
}

/// What [`direct`] hands on, as `Verified` does: the scheme's name, the delivery id and
/// timestamp, the label of the key that matched, and the MAC that identifies the message.
#[allow(dead_code)] // Only built to be handed on (and black-boxed).
struct Learned {
    provider: smol_str::SmolStr,
    id: Option<Box<str>>,
    timestamp: Option<u64>,
    key_label: smol_str::SmolStr,
    fingerprint: [u8; 32],
}

/// Every check `Verifier` makes for this delivery, written straight-line with the same crates:
/// each header present exactly once (a plain look-up when no name repeats, as `Verifier`
/// does), visible ASCII and not empty; for Standard Webhooks the strict timestamp (1–12
/// digits, no leading zero) inside the five-minute window both ways, the delivery id's
/// alphabet and length, and every `v1,` entry of the list (at most ten) decoded and compared;
/// GitHub's hex lowercase only; the key's expiry; the comparison in constant time
/// (`subtle`); and the same things learned for the handler. What it leaves out is
/// generality: no scheme read at run time, one key, no streaming.
fn direct<'a>(delivery: Delivery<'a>) -> impl Fn() -> Option<Learned> + 'a {
    use base64::Engine as _;
    use subtle::ConstantTimeEq as _;
    let Delivery {
        standard_webhooks,
        keyed,
        headers,
        body,
        now,
    } = delivery;
    let names = signature_headers(standard_webhooks);
    let provider = smol_str::SmolStr::new(if standard_webhooks {
        "standard-webhooks"
    } else {
        "github"
    });
    let key_label = smol_str::SmolStr::new("default");
    let expires_at: Option<SystemTime> = None;
    move || {
        let headers = black_box(headers);
        let no_repeats = headers.len() == headers.keys_len();
        let get = |name: &Option<HeaderName>| -> Option<&str> {
            let name = black_box(name).as_ref()?;
            let value = if no_repeats {
                headers.get(name)?
            } else {
                let mut values = headers.get_all(name).iter();
                let first = values.next()?;
                values.next().is_none().then_some(first)?
            };
            value.to_str().ok().filter(|text| !text.is_empty())
        };
        let value = get(&names[0])?;
        if expires_at.is_some_and(|at| at <= now) {
            return None;
        }
        let mut mac = keyed.clone();
        let (id, timestamp) = if standard_webhooks {
            let ts = get(&names[1])?;
            let id = get(&names[2])?;
            let digits = ts.as_bytes();
            if digits.len() > 12 || digits.first() == Some(&b'0') {
                return None;
            }
            let t = digits.iter().try_fold(0u64, |t, &b| {
                b.is_ascii_digit().then(|| t * 10 + u64::from(b - b'0'))
            })?;
            let now = now.duration_since(SystemTime::UNIX_EPOCH).ok()?.as_secs();
            if t.abs_diff(now) > 300 {
                return None;
            }
            let id_ok = id.len() <= 256
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'-'));
            if !id_ok {
                return None;
            }
            for part in [id.as_bytes(), b".", ts.as_bytes(), b"."] {
                mac.update(part);
            }
            (Some(id), Some(t))
        } else {
            (None, None)
        };
        mac.update(black_box(body));
        let expected = mac.finalize().into_bytes();
        let mut matched = subtle::Choice::from(0);
        if standard_webhooks {
            for (n, entry) in value.split(' ').enumerate() {
                if n >= 10 {
                    return None;
                }
                if let Some(("v1", b64)) = entry.split_once(',') {
                    let mut sig = [0u8; 33];
                    if let Ok(32) =
                        base64::engine::general_purpose::STANDARD.decode_slice(b64, &mut sig)
                    {
                        matched |= expected.as_slice().ct_eq(&sig[..32]);
                    }
                }
            }
        } else {
            let hex = value.strip_prefix("sha256=")?;
            if hex.bytes().any(|b| b.is_ascii_uppercase()) {
                return None;
            }
            let mut sig = [0u8; 32];
            hex::decode_to_slice(hex, &mut sig).ok()?;
            matched = expected.as_slice().ct_eq(&sig);
        }
        bool::from(matched).then(|| Learned {
            provider: provider.clone(),
            id: id.map(Into::into),
            timestamp,
            key_label: key_label.clone(),
            fingerprint: expected.into(),
        })
    }
}

/// One delivery as the reference checks see it: which scheme, the keyed HMAC state, and the
/// request.
#[derive(Clone, Copy)]
struct Delivery<'a> {
    standard_webhooks: bool,
    keyed: &'a Hmac<sha2::Sha256>,
    headers: &'a http::HeaderMap,
    body: &'a [u8],
    now: SystemTime,
}

/// The headers the checks read: signature, then timestamp and id for Standard Webhooks.
fn signature_headers(standard_webhooks: bool) -> [Option<HeaderName>; 3] {
    if standard_webhooks {
        ["webhook-signature", "webhook-timestamp", "webhook-id"]
    } else {
        ["x-hub-signature-256", "", ""]
    }
    .map(|n| (!n.is_empty()).then(|| HeaderName::from_static(n)))
}

/// Thread CPU time of `iters` calls.
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

fn ns_label(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.3} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.3} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

fn size_label(len: usize) -> String {
    match len {
        l if l >= 1 << 20 => format!("{}MiB", l >> 20),
        l if l >= 1 << 10 => format!("{}KiB", l >> 10),
        l => format!("{l}B"),
    }
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

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
