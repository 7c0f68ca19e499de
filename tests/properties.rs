//! Property tests (proptest, fixed case counts so CI is deterministic in cost):
//!
//! * sign → verify is accepted for any body bytes, id, in-window timestamp and secret, for every
//!   HMAC preset; and for every preset `providers::names()` lists (but the three whose keys only
//!   the provider holds), what its `Signer` sends its `Verifier` accepts, and a changed body is
//!   refused;
//! * flipping any single bit of the body, the timestamp, the id or the signature is rejected;
//! * arbitrary header maps and bodies never panic, and are accepted only when an independent,
//!   deliberately simple reference verifier accepts too.

mod common;
use common::SignExt as _;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use http::{HeaderMap, HeaderName, HeaderValue, Uri};
use proptest::prelude::*;
use sha2::Sha256;
use webhook_guard::{Keyring, Scheme, Secret, Signer, Verifier, providers};

mod vectors_support;

const NOW: u64 = 1_800_000_000;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn uri() -> Uri {
    Uri::from_static("/hook")
}

/// Every preset a `Signer` can sign, with a secret in the form that preset takes.
fn presets(raw_secret: &[u8]) -> Vec<(Scheme, Secret)> {
    let text = format!("whsec_{}", STANDARD.encode(raw_secret));
    let mut out = vec![
        (providers::stripe(), Secret::new(text.clone()).unwrap()),
        (
            providers::github(),
            Secret::from_bytes(raw_secret.to_vec()).unwrap(),
        ),
    ];
    if (24..=64).contains(&raw_secret.len()) {
        out.push((
            providers::standard_webhooks(),
            Secret::new(text.clone()).unwrap(),
        ));
        out.push((
            providers::svix(),
            Secret::from_bytes(raw_secret.to_vec()).unwrap(),
        ));
    }
    out
}

fn id_strategy() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_:-]{1,64}"
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn sign_then_verify_accepts_any_body_id_timestamp_and_secret(
        body in proptest::collection::vec(any::<u8>(), 0..2048),
        id in id_strategy(),
        skew in -300i64..=300,
        raw_secret in proptest::collection::vec(any::<u8>(), 24..=64),
    ) {
        let ts = NOW.checked_add_signed(skew).unwrap();
        for ((scheme, sign_secret), (_, verify_secret)) in presets(&raw_secret).into_iter().zip(presets(&raw_secret)) {
            let name = scheme.name().to_owned();
            let headers = Signer::new(scheme.clone(), sign_secret).unwrap().sign_headers(&body, at(ts), Some(&id)).unwrap();
            let verifier = Verifier::new(scheme, Keyring::from(verify_secret)).unwrap();
            let verified = verifier.verify(&common::req(&headers, &uri(), &body), at(NOW));
            prop_assert!(verified.is_ok(), "{name}: {verified:?}");
        }
    }

    #[test]
    fn any_single_bit_flip_is_rejected(
        body in proptest::collection::vec(any::<u8>(), 1..256),
        id in id_strategy(),
        raw_secret in proptest::collection::vec(any::<u8>(), 24..=32),
        target in 0usize..4,
        bit in any::<prop::sample::Index>(),
    ) {
        for ((scheme, sign_secret), (_, verify_secret)) in presets(&raw_secret).into_iter().zip(presets(&raw_secret)) {
            let name = scheme.name().to_owned();
            let headers = Signer::new(scheme.clone(), sign_secret).unwrap().sign_headers(&body, at(NOW), Some(&id)).unwrap();
            let verifier = Verifier::new(scheme.clone(), Keyring::from(verify_secret)).unwrap();
            let (mut headers, mut body) = (headers, body.clone());
            let flip = |bytes: &mut Vec<u8>| {
                let i = bit.index(bytes.len() * 8);
                bytes[i / 8] ^= 1 << (i % 8);
            };
            // Which header holds what differs per scheme; flip inside the right one.
            let sig_name = scheme.signature_header().expect("HMAC presets sign a header").clone();
            let ts_name = HeaderName::from_static("webhook-timestamp");
            let id_name = HeaderName::from_static("webhook-id");
            let flip_header = |name: &HeaderName, headers: &mut HeaderMap| -> bool {
                let Some(value) = headers.get(name) else { return false };
                let mut bytes = value.as_bytes().to_vec();
                flip(&mut bytes);
                match HeaderValue::from_bytes(&bytes) {
                    Ok(v) => { headers.insert(name.clone(), v); }
                    Err(_) => { headers.remove(name); }
                }
                true
            };
            let flipped = match target {
                0 => { flip(&mut body); true }
                1 => flip_header(&sig_name, &mut headers),
                2 if name == "stripe" => {
                    // The timestamp is the `t=` item of the signature header.
                    let v = headers[&sig_name].to_str().unwrap().to_owned();
                    let (t, rest) = v.split_once(',').unwrap();
                    let mut t = t.as_bytes().to_vec();
                    let i = 2 + bit.index((t.len() - 2) * 8) / 8;
                    t[i] ^= 1 << (bit.index(8));
                    match HeaderValue::from_bytes(&[&t[..], b",", rest.as_bytes()].concat()) {
                        Ok(v) => { headers.insert(sig_name.clone(), v); }
                        Err(_) => { headers.remove(&sig_name); }
                    }
                    true
                }
                2 => flip_header(&ts_name, &mut headers),
                _ => flip_header(&id_name, &mut headers),
            };
            if flipped {
                let result = verifier.verify(&common::req(&headers, &uri(), &body), at(NOW));
                prop_assert!(result.is_err(), "{name} target {target}: accepted after a bit flip");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Every preset (asymmetric ones with the `ed25519`/`ecdsa` features), fixed keys

proptest! {
    #![proptest_config(config(32))]

    #[test]
    fn every_preset_accepts_its_own_signature_over_any_body(
        random in proptest::collection::vec(any::<u8>(), 0..1024),
        id in id_strategy(),
        skew in -5i64..=5,
    ) {
        let ts = vectors_support::NOW.checked_add_signed(skew).unwrap();
        for preset in vectors_support::presets() {
            let body = shaped_body(&preset, &random, ts);
            let headers = preset.sign_bytes(&body, ts, &id);
            let result = preset.check_bytes(&headers, &body);
            prop_assert!(result.is_ok(), "{}: {result:?}", preset.scheme.name());
        }
    }

    #[test]
    fn every_preset_rejects_any_single_bit_flip(
        random in proptest::collection::vec(any::<u8>(), 1..512),
        bit in any::<prop::sample::Index>(),
        in_signature in any::<bool>(),
    ) {
        for preset in vectors_support::presets() {
            let name = preset.scheme.name().to_owned();
            let mut body = shaped_body(&preset, &random, vectors_support::NOW);
            let mut headers = preset.sign_bytes(&body, vectors_support::NOW, "msg_1");
            if in_signature {
                let header = preset.sig_header();
                let original = headers[&header].as_bytes().to_vec();
                let mut flipped = original.clone();
                let i = bit.index(flipped.len() * 8);
                flipped[i / 8] ^= 1 << (i % 8);
                // Discord decodes hex in either case: a case-only change is the same signature.
                if name == "discord" && flipped.eq_ignore_ascii_case(&original) {
                    continue;
                }
                match HeaderValue::from_bytes(&flipped) {
                    Ok(v) => { headers.insert(header, v); }
                    Err(_) => { headers.remove(header); }
                }
            } else {
                // GitLab's token does not cover the body; Twilio signs decoded form parameters,
                // where two invalid UTF-8 bytes decode alike.
                if !preset.signs_body || name == "twilio" {
                    continue;
                }
                let i = bit.index(body.len() * 8);
                body[i / 8] ^= 1 << (i % 8);
            }
            let result = preset.check_bytes(&headers, &body);
            prop_assert!(result.is_err(), "{name}: accepted after a flip (signature: {in_signature})");
        }
    }
}

/// The random bytes as `preset` can sign them: Linear reads its timestamp from the JSON body
/// (the body that carries it), Twilio signs form parameters (the bytes as one value, escaped
/// as Twilio escapes them); every other preset, the bytes themselves.
fn shaped_body(preset: &vectors_support::Preset, random: &[u8], ts: u64) -> Vec<u8> {
    match preset.scheme.name() {
        "linear" => (preset.body)(ts).into_bytes(),
        "twilio" => form_urlencoded::Serializer::new(String::new())
            .append_pair("Body", &String::from_utf8_lossy(random))
            .finish()
            .into_bytes(),
        _ => random.to_vec(),
    }
}

// ---------------------------------------------------------------------------------------------
// Random headers against an independent reference

const SW_KEY: &[u8] = b"0123456789abcdef01234567"; // 24 bytes

/// A deliberately simple Standard Webhooks verifier, written from the spec, sharing no code
/// with the crate: exactly one of each header, ASCII, id `[A-Za-z0-9_:-]{1,256}`, timestamp
/// `[1-9][0-9]{0,11}` within ±300 s, ≤ 10 space-separated entries in ≤ 4096 bytes, accepted when
/// some `v1,` entry is exactly the padded base64 of the expected MAC.
fn reference_standard_webhooks(headers: &HeaderMap, body: &[u8], now: u64) -> bool {
    let one = |name: &str| -> Option<String> {
        let mut all = headers.get_all(name).iter();
        let v = all.next()?;
        if all.next().is_some() {
            return None;
        }
        let s = v.to_str().ok()?;
        (!s.is_empty()).then(|| s.to_owned())
    };
    let (Some(id), Some(ts), Some(sig)) = (
        one("webhook-id"),
        one("webhook-timestamp"),
        one("webhook-signature"),
    ) else {
        return false;
    };
    let id_ok = id.len() <= 256
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_:-".contains(c));
    let ts_ok = ts.len() <= 12 && !ts.starts_with('0') && ts.chars().all(|c| c.is_ascii_digit());
    if !id_ok || !ts_ok || sig.len() > 4096 || sig.split(' ').count() > 10 {
        return false;
    }
    let t: u64 = ts.parse().unwrap();
    if t.abs_diff(now) > 300 {
        return false;
    }
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(SW_KEY).unwrap();
    mac.update(format!("{id}.{ts}.").as_bytes());
    mac.update(body);
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    sig.split(' ').any(|entry| entry == expected)
}

/// A signature header value: the valid one, or one of the usual ways to get it wrong.
fn signature_variant(valid: &str, pick: usize, raw: &[u8]) -> Vec<u8> {
    match pick {
        0..=2 => valid.as_bytes().to_vec(),
        3 => Vec::new(),
        4 => raw.to_vec(),
        5 => format!("{valid} {valid}").into_bytes(),
        6 => format!("v1, {valid}").into_bytes(),
        7 => format!("{} {valid}", "v2,x ".repeat(9).trim_end()).into_bytes(),
        8 => format!("{} {valid}", "v2,x ".repeat(10).trim_end()).into_bytes(),
        9 => valid.to_uppercase().into_bytes(),
        10 => valid.trim_end_matches('=').as_bytes().to_vec(),
        11 => format!("{valid}\t").into_bytes(),
        _ => String::from_utf8_lossy(raw)
            .replace(['\r', '\n'], "")
            .into_bytes(),
    }
}

proptest! {
    #![proptest_config(config(2048))]

    #[test]
    fn random_headers_never_panic_and_agree_with_the_reference(
        body in prop_oneof![Just(b"{\"ok\":true}".to_vec()), proptest::collection::vec(any::<u8>(), 0..64)],
        id in prop_oneof![
            6 => Just("msg_1".to_owned()),
            2 => "[A-Za-z0-9_:-]{1,30}",
            1 => "[ -~]{0,20}",
            1 => Just("msg.1".to_owned()),
        ],
        ts in prop_oneof![
            4 => Just(NOW.to_string()),
            2 => Just((NOW - 300).to_string()),
            2 => Just((NOW + 300).to_string()),
            1 => Just((NOW + 301).to_string()),
            1 => Just((NOW - 301).to_string()),
            1 => Just(format!("+{NOW}")),
            1 => Just(format!("0{NOW}")),
            1 => Just("-1".to_owned()),
            1 => Just("99999999999999999999".to_owned()),
            1 => "[0-9]{0,14}",
        ],
        sig_pick in prop_oneof![6 => 0usize..3, 10 => 3usize..13],
        duplicate in proptest::option::weighted(0.1, 0usize..3),
        drop in proptest::option::weighted(0.1, 0usize..3),
        raw in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        // The valid signature for this id/timestamp/body (when they are printable at all).
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(SW_KEY).unwrap();
        mac.update(format!("{id}.{ts}.").as_bytes());
        mac.update(&body);
        let valid = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
        let sig = signature_variant(&valid, sig_pick, &raw);

        let mut headers = HeaderMap::new();
        let fields: [(&str, Vec<u8>); 3] = [
            ("webhook-id", id.clone().into_bytes()),
            ("webhook-timestamp", ts.clone().into_bytes()),
            ("webhook-signature", sig),
        ];
        for (i, (name, value)) in fields.iter().enumerate() {
            if drop == Some(i) { continue; }
            let Ok(value) = HeaderValue::from_bytes(value) else { continue };
            let name = HeaderName::from_static(name);
            headers.append(name.clone(), value.clone());
            if duplicate == Some(i) { headers.append(name, value); }
        }
        let verifier = Verifier::new(
            providers::standard_webhooks(),
            Keyring::from(Secret::from_bytes(SW_KEY.to_vec()).unwrap()),
        ).unwrap();
        let ours = verifier.verify(&common::req(&headers, &uri(), &body), at(NOW)).is_ok();
        let reference = reference_standard_webhooks(&headers, &body, NOW);
        prop_assert_eq!(ours, reference, "headers {:?}", headers);
    }
}

// ---------------------------------------------------------------------------------------------
// Every preset in the registry, by name

/// Presets whose body must have a shape of its own before anything can be signed or verified:
/// a timestamp inside JSON (Linear, Pusher), fields of a JSON notification (Adyen), form
/// parameters (Plivo; Twilio, which refuses what it never sends: bytes outside ASCII, a `%`
/// that is not an escape, escapes that are not UTF-8), the signature fields in a JSON or form body (Mailgun), a non-empty UTF-8
/// body inside a signed JSON envelope (Hygraph). Every other preset signs and verifies any bytes
/// at all.
const SHAPED: &[&str] = &[
    "linear", "pusher", "adyen", "plivo", "twilio", "mailgun", "hygraph",
];

/// Presets that sign the decoded form parameters, not the bytes (Twilio's SDKs decode and sort).
const CANONICAL_FORM: &[&str] = &["twilio", "plivo"];

/// Presets whose signature does not cover the body: Mailgun signs a timestamp and a token; token
/// schemes send the secret itself.
fn signs_body(name: &str, scheme: &Scheme) -> bool {
    name != "mailgun" && scheme.algorithm() != webhook_guard::Algorithm::Token
}

/// The secret a preset signs with and the one its verifier takes (the public key, for
/// asymmetric schemes), or `None` for presets only the provider can sign (keys fetched at run
/// time: AWS SNS, PayPal, Plaid — their SDK fixtures verify in `tests/providers.rs`).
fn registry_keys(name: &str, scheme: &Scheme) -> Option<(String, String)> {
    use webhook_guard::KeyFormat;
    if scheme.fetches_keys() {
        return None;
    }
    let format = scheme.key_format();
    if format.is_public_key() {
        let private = vectors_support::fixture_signing_key(name);
        return Some(
            match Signer::new(scheme.clone(), Secret::new(private.clone()).unwrap()) {
                Ok(signer) => (private, signer.public_key().unwrap()),
                // Without the scheme's cargo feature the verifier is refused too (checked by
                // the caller).
                Err(webhook_guard::ConfigError::FeatureDisabled(_)) => (private.clone(), private),
                Err(e) => panic!("{name}: {e}"),
            },
        );
    }
    let secret = match format {
        KeyFormat::Base64 => STANDARD.encode([0x5a; 32]),
        KeyFormat::Hex => hex::encode([0x5a; 32]),
        KeyFormat::StandardWebhooks => "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD".to_owned(),
        _ => format!("{name} property secret 7c1d"),
    };
    Some((secret.clone(), secret))
}

/// Bodies to try, in order: the random bytes, then a JSON object and a form carrying them, then
/// the preset's own SDK-signed body (for the shapes above).
fn candidate_bodies(name: &str, random: &[u8], text: &str, ts: u64) -> Vec<Vec<u8>> {
    let json = serde_json::json!({
        "text": text,
        "webhookTimestamp": ts * 1000,
        "time_ms": ts * 1000,
        "events": [{"name": "channel_occupied", "channel": text}],
    })
    .to_string()
    .into_bytes();
    let form = form_urlencoded::Serializer::new(String::new())
        .append_pair("Text", text)
        .append_pair("From", "+14155551234")
        .finish()
        .into_bytes();
    let mut bodies = Vec::new();
    if !SHAPED.contains(&name) {
        bodies.push(random.to_vec());
    }
    bodies.extend([json, form]);
    if let Some(case) = vectors_support::fixture(name)
        .cases
        .into_iter()
        .find(|c| c.sdk_verdict == "valid")
    {
        bodies.push(case.body.into_bytes());
    }
    bodies
}

/// `scheme` signs `body` as its sender would: headers, or (signature in the body) the body.
fn sign_delivery(
    scheme: &Scheme,
    secret: &str,
    body: &[u8],
    id: &str,
    ts: u64,
) -> Option<http::Request<Vec<u8>>> {
    let signer = Signer::new(scheme.clone(), Secret::new(secret).unwrap()).unwrap();
    let build = |body: Vec<u8>| {
        let mut request = http::Request::post("/hooks/property?x=1")
            .header("content-type", "application/json")
            .body(body)
            .unwrap();
        if let Some(name) = scheme.id_header() {
            request
                .headers_mut()
                .insert(name.clone(), HeaderValue::from_str(id).unwrap());
        }
        request
    };
    let mut request = build(body.to_vec());
    if signer.sign(&mut request, at(ts)).is_ok() {
        return Some(request);
    }
    let signed = signer.sign_body(body, at(ts)).ok()?;
    let mut request = build(signed.clone());
    // A body-carried signature may still need headers (none today); sign what is there.
    let _ = signer.sign(&mut request, at(ts));
    Some(build(signed))
}

proptest! {
    #![proptest_config(config(16))]

    /// Every preset `providers::names()` lists: what its signer sends, its verifier accepts — for
    /// any body bytes (or, for the shapes in `SHAPED`, any text in that shape), any delivery id
    /// and any timestamp inside the window — and refuses once a byte of a signed body changes.
    #[test]
    fn every_registered_preset_verifies_what_its_signer_sends(
        random in proptest::collection::vec(any::<u8>(), 0..512),
        text in "\\PC{0,32}",
        id in id_strategy(),
        skew in -5i64..=5,
    ) {
        let mut exercised = 0;
        for name in providers::names() {
            let mut scheme = providers::by_name(name).unwrap();
            // A timestamp inside the preset's window (Box allows 1 s of future skew).
            let (past, future) = scheme
                .timestamp_window()
                .map_or((5, 5), |(p, f)| (p.as_secs().min(5), f.as_secs().min(5)));
            let ts = NOW.checked_add_signed(skew.clamp(-(past as i64), future as i64)).unwrap();
            if scheme.signs_url() {
                scheme = scheme.public_url(
                    webhook_guard::PublicUrl::exact("https://hooks.example.com/hooks/property?x=1").unwrap(),
                );
            }
            let Some((sign_secret, verify_secret)) = registry_keys(name, &scheme) else {
                continue;
            };
            let verifier = match Verifier::new(scheme.clone(), Keyring::from(Secret::new(verify_secret).unwrap())) {
                Ok(verifier) => verifier,
                // Asymmetric presets without their cargo feature.
                Err(webhook_guard::ConfigError::FeatureDisabled(_)) => {
                    exercised += 1;
                    continue;
                }
                Err(e) => panic!("{name}: {e}"),
            };
            let mut signed_any = false;
            for (n, body) in candidate_bodies(name, &random, &text, ts).into_iter().enumerate() {
                let Some(request) = sign_delivery(&scheme, &sign_secret, &body, &id, ts) else {
                    continue;
                };
                // Any bytes, unless the preset needs a shape.
                prop_assert!(n == 0 || SHAPED.contains(&name), "{name}: did not sign the random bytes");
                let result = verifier.verify(&request, at(NOW));
                prop_assert!(result.is_ok(), "{name} (body {n}): {result:?}");
                signed_any = true;
                if signs_body(name, &scheme) && !request.body().is_empty() {
                    let mut tampered = request.clone();
                    if CANONICAL_FORM.contains(&name) {
                        // Decoded parameters are signed: bytes that decode alike (two invalid
                        // UTF-8 sequences) are the same message, so add a parameter instead.
                        tampered.body_mut().extend_from_slice(b"&tampered=1");
                    } else if name == "adyen" {
                        // Only the item's listed fields are signed; the rest of the body is
                        // skipped unparsed: change a signed one.
                        let text = String::from_utf8(tampered.body().clone()).unwrap();
                        let changed = text.replacen(r#""pspReference":""#, r#""pspReference":"X"#, 1);
                        prop_assert_ne!(&changed, &text);
                        *tampered.body_mut() = changed.into_bytes();
                    } else {
                        let i = tampered.body().len() / 2;
                        tampered.body_mut()[i] ^= 0x20;
                    }
                    prop_assert!(verifier.verify(&tampered, at(NOW)).is_err(), "{name}: a changed body verified");
                }
                break;
            }
            prop_assert!(signed_any, "{name}: signed none of the bodies");
            exercised += 1;
        }
        // Every preset but the three whose keys only the provider holds.
        prop_assert_eq!(exercised, providers::names().count() - 3);
    }
}
