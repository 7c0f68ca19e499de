//! Tier 1: the pure verification core, table-driven, with an injected `now`.
//!
//! Expected MACs come from the providers' documented examples, or from `reference_mac`, a
//! direct HMAC over the concatenated bytes that does not go through the crate's templates.

mod common;
mod vectors_support;
use common::SignExt as _;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use http::{HeaderMap, HeaderName, HeaderValue, Uri};
use sha2::Sha256;
use webhook_guard::{
    ConfigError, Encoding, Keyring, RejectionKind, Scheme, Secret, SignatureFormat, Signer,
    Verifier, providers,
};

const GITHUB_SECRET: &str = "It's a Secret to Everybody";
const GITHUB_SIG: &str = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

const SW_SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const SW_ID: &str = "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk";
const SW_TS: u64 = 1_649_367_553;
const SW_BODY: &str = r#"{"email":"test@example.com","username":"test_user"}"#;
const SW_SIG: &str = "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=";

const STRIPE_SECRET: &str = "whsec_test_secret_for_stripe_vectors";
const T: u64 = 1_700_000_000;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn uri() -> Uri {
    Uri::from_static("/webhooks")
}

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    map
}

fn reference_mac(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap();
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

fn stripe_sig(secret: &str, ts: u64, body: &str) -> String {
    hex::encode(reference_mac(
        secret.as_bytes(),
        format!("{ts}.{body}").as_bytes(),
    ))
}

fn keyring(secret: &str) -> Keyring {
    Keyring::from(Secret::new(secret).unwrap())
}

fn verifier(scheme: Scheme, secret: &str) -> Verifier {
    Verifier::new(scheme, keyring(secret)).unwrap()
}

fn kind_of(
    v: &Verifier,
    h: &HeaderMap,
    body: &[u8],
    now: SystemTime,
) -> Result<String, RejectionKind> {
    v.verify(&common::req(h, &uri(), body), now)
        .map(|ok| ok.key_label().to_owned())
        .map_err(|e| e.kind())
}

// ---------------------------------------------------------------------------------------------
// Known answers

#[test]
fn github_documented_example_verifies() {
    let v = verifier(providers::github(), GITHUB_SECRET);
    let h = headers(&[("x-hub-signature-256", GITHUB_SIG)]);
    let ok = v
        .verify(&common::req(&h, &uri(), b"Hello, World!"), at(T))
        .unwrap();
    assert_eq!(ok.provider(), "github");
    assert_eq!(ok.delivery_id(), None);
    assert_eq!(ok.timestamp(), None);
}

#[test]
fn standard_webhooks_known_answer_verifies_under_both_brands() {
    for (scheme, brand) in [
        (providers::standard_webhooks(), "webhook"),
        (providers::standard_webhooks(), "svix"),
        (providers::svix(), "svix"),
        (providers::svix(), "webhook"),
    ] {
        let name = scheme.name().to_owned();
        let v = verifier(scheme, SW_SECRET);
        let h = headers(&[
            (&format!("{brand}-id"), SW_ID),
            (&format!("{brand}-timestamp"), &SW_TS.to_string()),
            (&format!("{brand}-signature"), SW_SIG),
        ]);
        let ok = v
            .verify(&common::req(&h, &uri(), SW_BODY.as_bytes()), at(SW_TS))
            .unwrap();
        assert_eq!(ok.provider(), name);
        assert_eq!(ok.delivery_id(), Some(SW_ID));
        assert_eq!(ok.timestamp_unix(), Some(SW_TS));
        assert_eq!(ok.timestamp(), Some(at(SW_TS)));
    }
}

#[test]
fn standard_webhooks_second_known_answer_and_its_bit_flip() {
    let v = verifier(
        providers::standard_webhooks(),
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    );
    let good = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    let flipped = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=";
    for (sig, expected) in [(good, true), (flipped, false)] {
        let h = headers(&[
            ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
            ("webhook-timestamp", "1614265330"),
            ("webhook-signature", sig),
        ]);
        let r = v.verify(
            &common::req(&h, &uri(), br#"{"test": 2432232314}"#),
            at(1_614_265_330),
        );
        assert_eq!(r.is_ok(), expected, "{sig}");
    }
}

#[test]
fn signer_reproduces_the_known_answers() {
    let sw = Signer::new(
        providers::standard_webhooks(),
        Secret::new(SW_SECRET).unwrap(),
    )
    .unwrap();
    let h = sw
        .sign_headers(SW_BODY.as_bytes(), at(SW_TS), Some(SW_ID))
        .unwrap();
    assert_eq!(h["webhook-signature"], SW_SIG);
    assert_eq!(h["webhook-id"], SW_ID);
    assert_eq!(h["webhook-timestamp"], "1649367553");
    assert!(h["webhook-signature"].is_sensitive());

    let gh = Signer::new(providers::github(), Secret::new(GITHUB_SECRET).unwrap()).unwrap();
    let h = gh.sign_headers(b"Hello, World!", at(T), None).unwrap();
    assert_eq!(h["x-hub-signature-256"], GITHUB_SIG);

    let st = Signer::new(providers::stripe(), Secret::new(STRIPE_SECRET).unwrap()).unwrap();
    let h = st.sign_headers(b"{}", at(T), None).unwrap();
    assert_eq!(
        h["stripe-signature"].to_str().unwrap(),
        format!("t={T},v1={}", stripe_sig(STRIPE_SECRET, T, "{}"))
    );
}

#[test]
fn signer_refuses_an_invalid_id_and_makes_one_up_when_none_is_given() {
    let sw = Signer::new(
        providers::standard_webhooks(),
        Secret::new(SW_SECRET).unwrap(),
    )
    .unwrap();
    for id in [Some(""), Some("msg.1"), Some("a b")] {
        assert_eq!(
            sw.sign_headers(b"x", at(T), id).unwrap_err(),
            ConfigError::InvalidDeliveryId
        );
    }
    let made_up = sw.sign_headers(b"x", at(T), None).unwrap();
    let first = made_up["webhook-id"].to_str().unwrap().to_owned();
    let again = sw.sign_headers(b"x", at(T), None).unwrap();
    assert!(first.starts_with("msg_"), "{first}");
    assert_ne!(
        first,
        again["webhook-id"].to_str().unwrap(),
        "ids are unique"
    );
    let v = verifier(providers::standard_webhooks(), SW_SECRET);
    assert!(kind_of(&v, &made_up, b"x", at(T)).is_ok());
}

// ---------------------------------------------------------------------------------------------
// Stripe

#[test]
fn stripe_cases() {
    let v = verifier(providers::stripe(), STRIPE_SECRET);
    let body = r#"{"id":"evt_1","object":"event"}"#;
    let good = stripe_sig(STRIPE_SECRET, T, body);
    let other = stripe_sig("whsec_some_other_secret", T, body);
    let upper = good.to_uppercase();
    let cases: Vec<(&str, String, Result<(), RejectionKind>)> = vec![
        ("single v1", format!("t={T},v1={good}"), Ok(())),
        (
            "second v1 matches",
            format!("t={T},v1={other},v1={good}"),
            Ok(()),
        ),
        (
            "v0 decoy ignored",
            format!("t={T},v1={good},v0={other}"),
            Ok(()),
        ),
        ("timestamp last", format!("v1={good},t={T}"), Ok(())),
        (
            "unknown items ignored",
            format!("t={T},x=1,v1={good}"),
            Ok(()),
        ),
        (
            "only v0",
            format!("t={T},v0={good}"),
            Err(RejectionKind::NoSignature),
        ),
        (
            "space after comma is not trimmed",
            format!("t={T}, v1={good}"),
            Err(RejectionKind::NoSignature),
        ),
        (
            "wrong secret",
            format!("t={T},v1={other}"),
            Err(RejectionKind::SignatureMismatch),
        ),
        (
            "uppercase hex",
            format!("t={T},v1={upper}"),
            Err(RejectionKind::SignatureMismatch),
        ),
        (
            "truncated",
            format!("t={T},v1={}", &good[..63]),
            Err(RejectionKind::SignatureMismatch),
        ),
        (
            "over-long",
            format!("t={T},v1={good}0"),
            Err(RejectionKind::SignatureMismatch),
        ),
        (
            "empty v1",
            format!("t={T},v1="),
            Err(RejectionKind::SignatureMismatch),
        ),
        (
            "base64 instead of hex",
            format!("t={T},v1={}", STANDARD.encode(hex::decode(&good).unwrap())),
            Err(RejectionKind::SignatureMismatch),
        ),
        (
            "no timestamp",
            format!("v1={good}"),
            Err(RejectionKind::MalformedHeader),
        ),
        (
            "two timestamps",
            format!("t={T},t={T},v1={good}"),
            Err(RejectionKind::MalformedHeader),
        ),
        (
            "timestamp with sign",
            format!("t=+{T},v1={good}"),
            Err(RejectionKind::InvalidTimestamp),
        ),
        (
            "signed over other timestamp",
            format!("t={},v1={good}", T + 1),
            Err(RejectionKind::SignatureMismatch),
        ),
        (
            "garbage",
            "garbage".to_owned(),
            Err(RejectionKind::MalformedHeader),
        ),
    ];
    for (name, header, expected) in cases {
        let h = headers(&[("stripe-signature", &header)]);
        let got = kind_of(&v, &h, body.as_bytes(), at(T)).map(|_| ());
        assert_eq!(got, expected, "{name}: {header}");
    }
}

#[test]
fn stripe_key_is_the_whole_whsec_text() {
    // Stripe keys HMAC with the UTF-8 of the whole `whsec_…` string, never base64-decoded.
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let body = "{}";
    let v = verifier(providers::stripe(), secret);
    let h = headers(&[(
        "stripe-signature",
        &format!("t={T},v1={}", stripe_sig(secret, T, body)),
    )]);
    assert!(
        v.verify(&common::req(&h, &uri(), body.as_bytes()), at(T))
            .is_ok()
    );
    // The same text as a Standard Webhooks secret means the decoded bytes: cross-use fails.
    let sw = Signer::new(providers::standard_webhooks(), Secret::new(secret).unwrap()).unwrap();
    let raw_key_mac = STANDARD.encode(reference_mac(
        secret.as_bytes(),
        format!("msg_1.{T}.{body}").as_bytes(),
    ));
    let h = sw
        .sign_headers(body.as_bytes(), at(T), Some("msg_1"))
        .unwrap();
    assert_ne!(
        h["webhook-signature"].to_str().unwrap(),
        format!("v1,{raw_key_mac}")
    );
}

// ---------------------------------------------------------------------------------------------
// GitHub

#[test]
fn github_cases() {
    let v = verifier(providers::github(), GITHUB_SECRET);
    let hex = &GITHUB_SIG["sha256=".len()..];
    type Case = (Vec<(&'static str, String)>, Result<(), RejectionKind>);
    let cases: Vec<Case> = vec![
        (vec![("x-hub-signature-256", GITHUB_SIG.to_owned())], Ok(())),
        (vec![], Err(RejectionKind::MissingHeader)),
        (
            vec![("x-hub-signature-256", String::new())],
            Err(RejectionKind::MissingHeader),
        ),
        // Never falls back to the SHA-1 header.
        (
            vec![(
                "x-hub-signature",
                "sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59".into(),
            )],
            Err(RejectionKind::MissingHeader),
        ),
        (
            vec![("x-hub-signature-256", hex.to_owned())],
            Err(RejectionKind::MalformedHeader),
        ),
        (
            vec![("x-hub-signature-256", format!("SHA256={hex}"))],
            Err(RejectionKind::MalformedHeader),
        ),
        (
            vec![("x-hub-signature-256", format!("sha1={hex}"))],
            Err(RejectionKind::MalformedHeader),
        ),
        (
            vec![(
                "x-hub-signature-256",
                format!("sha256={}", hex.to_uppercase()),
            )],
            Err(RejectionKind::SignatureMismatch),
        ),
        (
            vec![("x-hub-signature-256", format!("sha256={}", &hex[..62]))],
            Err(RejectionKind::SignatureMismatch),
        ),
        (
            vec![("x-hub-signature-256", format!("sha256={hex}00"))],
            Err(RejectionKind::SignatureMismatch),
        ),
        (
            vec![("x-hub-signature-256", "sha256=".into())],
            Err(RejectionKind::SignatureMismatch),
        ),
        (
            vec![
                ("x-hub-signature-256", GITHUB_SIG.into()),
                ("x-hub-signature-256", GITHUB_SIG.into()),
            ],
            Err(RejectionKind::DuplicateHeader),
        ),
    ];
    for (pairs, expected) in cases {
        let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let h = headers(&borrowed);
        let got = kind_of(&v, &h, b"Hello, World!", at(T)).map(|_| ());
        assert_eq!(got, expected, "{pairs:?}");
    }
    // Body changes of any kind fail.
    let h = headers(&[("x-hub-signature-256", GITHUB_SIG)]);
    for body in [
        &b"Hello, World!\n"[..],
        b"Hello, World! ",
        b"hello, World!",
        b"",
        b"\xEF\xBB\xBFHello, World!",
    ] {
        assert_eq!(
            kind_of(&v, &h, body, at(T)),
            Err(RejectionKind::SignatureMismatch)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Standard Webhooks headers, lists, ids, timestamps

fn sw_headers(id: &str, ts: &str, sig: &str) -> HeaderMap {
    headers(&[
        ("webhook-id", id),
        ("webhook-timestamp", ts),
        ("webhook-signature", sig),
    ])
}

fn sw_sig(id: &str, ts: &str, body: &str) -> String {
    let key = STANDARD.decode(&SW_SECRET["whsec_".len()..]).unwrap();
    STANDARD.encode(reference_mac(&key, format!("{id}.{ts}.{body}").as_bytes()))
}

#[test]
fn standard_webhooks_signature_lists() {
    let v = verifier(providers::standard_webhooks(), SW_SECRET);
    let good = &SW_SIG[3..];
    let wrong = sw_sig(SW_ID, &SW_TS.to_string(), "other");
    let ts = SW_TS.to_string();
    let cases: Vec<(String, Result<(), RejectionKind>)> = vec![
        (
            format!("v1,{wrong} v1,{wrong} v1,{good} v1,{wrong}"),
            Ok(()),
        ),
        (format!("v2,{good} v1a,{good} garbage v1,{good}"), Ok(())),
        (
            format!("v1,{wrong} v1,{wrong} v1,{wrong}"),
            Err(RejectionKind::SignatureMismatch),
        ),
        (format!("v2,{good}"), Err(RejectionKind::NoSignature)),
        (format!("v1a,{good}"), Err(RejectionKind::NoSignature)),
        (format!("v0,{good}"), Err(RejectionKind::NoSignature)),
        ("v1".into(), Err(RejectionKind::NoSignature)),
        (" ".into(), Err(RejectionKind::NoSignature)),
        ("v1,".into(), Err(RejectionKind::SignatureMismatch)),
        ("v1, ".into(), Err(RejectionKind::SignatureMismatch)),
        ("v1,a,b".into(), Err(RejectionKind::SignatureMismatch)),
        (
            format!("v1,{}", &good[..8]),
            Err(RejectionKind::SignatureMismatch),
        ),
        (
            format!("v1,{}", &good[..good.len() - 1]),
            Err(RejectionKind::SignatureMismatch),
        ),
        (format!("v1,{good}A"), Err(RejectionKind::SignatureMismatch)),
        (
            format!("v1,{}", good.trim_end_matches('=')),
            Err(RejectionKind::SignatureMismatch),
        ),
        (
            format!("v1,{}", hex::encode(STANDARD.decode(good).unwrap())),
            Err(RejectionKind::SignatureMismatch),
        ),
        (format!("v1,{good}").replace(' ', "\t"), Ok(())),
        (
            format!("v1,{wrong}\tv1,{good}"),
            Err(RejectionKind::SignatureMismatch),
        ),
        (
            vec![format!("v1,{good}"); 11].join(" "),
            Err(RejectionKind::MalformedHeader),
        ),
        (
            format!("{} v1,{good}", "v9,x ".repeat(900)),
            Err(RejectionKind::MalformedHeader),
        ),
    ];
    for (sig, expected) in cases {
        let h = sw_headers(SW_ID, &ts, &sig);
        let got = kind_of(&v, &h, SW_BODY.as_bytes(), at(SW_TS)).map(|_| ());
        assert_eq!(got, expected, "{sig:.120}");
    }
}

#[test]
fn standard_webhooks_required_headers() {
    let v = verifier(providers::standard_webhooks(), SW_SECRET);
    let ts = SW_TS.to_string();
    let full = [
        ("webhook-id", SW_ID),
        ("webhook-timestamp", ts.as_str()),
        ("webhook-signature", SW_SIG),
    ];
    for drop in 0..3 {
        for mode in ["missing", "empty", "duplicated"] {
            let mut pairs: Vec<(&str, &str)> = Vec::new();
            for (i, (n, val)) in full.iter().enumerate() {
                match (i == drop, mode) {
                    (false, _) => pairs.push((n, val)),
                    (true, "missing") => {}
                    (true, "empty") => pairs.push((n, "")),
                    (true, _) => {
                        pairs.push((n, val));
                        pairs.push((n, val));
                    }
                }
            }
            let h = headers(&pairs);
            let err = v
                .verify(&common::req(&h, &uri(), SW_BODY.as_bytes()), at(SW_TS))
                .unwrap_err();
            let expected = if mode == "duplicated" {
                RejectionKind::DuplicateHeader
            } else {
                RejectionKind::MissingHeader
            };
            assert_eq!(err.kind(), expected, "{} {mode}", full[drop].0);
            assert_eq!(err.header().unwrap().as_str(), full[drop].0);
            assert_eq!(err.status(), 401);
        }
    }
}

#[test]
fn non_ascii_header_bytes_are_malformed() {
    let v = verifier(providers::standard_webhooks(), SW_SECRET);
    let ts = SW_TS.to_string();
    for name in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
        let mut h = sw_headers(SW_ID, &ts, SW_SIG);
        h.insert(
            HeaderName::from_static(name),
            HeaderValue::from_bytes(b"v1,\xff\xfe\x80abc").unwrap(),
        );
        let err = v
            .verify(&common::req(&h, &uri(), SW_BODY.as_bytes()), at(SW_TS))
            .unwrap_err();
        assert_eq!(err.kind(), RejectionKind::MalformedHeader, "{name}");
    }
}

#[test]
fn ids_that_could_shift_the_concatenation_are_refused() {
    let v = verifier(providers::standard_webhooks(), SW_SECRET);
    let ts = SW_TS.to_string();
    // Even correctly signed over the concatenated string, an id with `.` is refused.
    for id in ["msg.1", "msg 1", "msg/1", &"a".repeat(257)] {
        let sig = format!("v1,{}", sw_sig(id, &ts, SW_BODY));
        let h = sw_headers(id, &ts, &sig);
        assert_eq!(
            kind_of(&v, &h, SW_BODY.as_bytes(), at(SW_TS)),
            Err(RejectionKind::InvalidId),
            "{id:.20}"
        );
    }
}

#[test]
fn tolerance_edges_at_one_second() {
    let v = verifier(providers::standard_webhooks(), SW_SECRET);
    let ts = SW_TS.to_string();
    let h = sw_headers(SW_ID, &ts, SW_SIG);
    let body = SW_BODY.as_bytes();
    assert!(
        v.verify(&common::req(&h, &uri(), body), at(SW_TS + 300))
            .is_ok()
    );
    assert_eq!(
        kind_of(&v, &h, body, at(SW_TS + 301)),
        Err(RejectionKind::TimestampTooOld)
    );
    assert!(
        v.verify(&common::req(&h, &uri(), body), at(SW_TS - 300))
            .is_ok()
    );
    assert_eq!(
        kind_of(&v, &h, body, at(SW_TS - 301)),
        Err(RejectionKind::TimestampInFuture)
    );
    // Sub-second parts of `now` do not widen the window.
    let just_over = at(SW_TS + 301) + Duration::from_millis(999);
    assert_eq!(
        kind_of(&v, &h, body, just_over),
        Err(RejectionKind::TimestampTooOld)
    );
}

#[test]
fn tolerance_is_configurable_per_side() {
    let scheme = providers::standard_webhooks()
        .tolerance_past(Duration::from_secs(10))
        .tolerance_future(Duration::from_secs(2));
    assert_eq!(
        scheme.timestamp_window(),
        Some((Duration::from_secs(10), Duration::from_secs(2)))
    );
    let v = verifier(scheme, SW_SECRET);
    let h = sw_headers(SW_ID, &SW_TS.to_string(), SW_SIG);
    let body = SW_BODY.as_bytes();
    assert!(
        v.verify(&common::req(&h, &uri(), body), at(SW_TS + 10))
            .is_ok()
    );
    assert_eq!(
        kind_of(&v, &h, body, at(SW_TS + 11)),
        Err(RejectionKind::TimestampTooOld)
    );
    assert!(
        v.verify(&common::req(&h, &uri(), body), at(SW_TS - 2))
            .is_ok()
    );
    assert_eq!(
        kind_of(&v, &h, body, at(SW_TS - 3)),
        Err(RejectionKind::TimestampInFuture)
    );
}

#[test]
fn disabling_the_timestamp_check_is_explicit() {
    let scheme = providers::standard_webhooks().disable_timestamp_check();
    assert!(!scheme.checks_timestamp());
    assert_eq!(scheme.timestamp_window(), None);
    let v = verifier(scheme, SW_SECRET);
    let h = sw_headers(SW_ID, &SW_TS.to_string(), SW_SIG);
    assert!(
        v.verify(
            &common::req(&h, &uri(), SW_BODY.as_bytes()),
            at(SW_TS + 86_400 * 365)
        )
        .is_ok()
    );
    // The timestamp is still signed: changing it fails.
    let h = sw_headers(SW_ID, &(SW_TS + 1).to_string(), SW_SIG);
    assert_eq!(
        kind_of(&v, &h, SW_BODY.as_bytes(), at(SW_TS)),
        Err(RejectionKind::SignatureMismatch)
    );
}

#[test]
fn invalid_tolerances_fail_at_construction() {
    for bad in [
        Duration::ZERO,
        Duration::from_millis(999),
        Scheme::MAX_TOLERANCE + Duration::from_secs(1),
    ] {
        for scheme in [
            providers::stripe().tolerance(bad),
            providers::stripe().tolerance_past(bad),
            providers::standard_webhooks().tolerance_future(bad),
        ] {
            assert_eq!(
                Verifier::new(scheme, keyring(SW_SECRET)).unwrap_err(),
                ConfigError::InvalidTolerance
            );
        }
    }
}

#[test]
fn absurd_timestamps_are_rejected_without_panic() {
    let v = verifier(providers::standard_webhooks(), SW_SECRET);
    let t = SW_TS;
    for ts in [
        "-9223372036854775808".to_owned(),
        "9223372036854775807".to_owned(),
        "18446744073709551615".to_owned(),
        "18446744073709551616".to_owned(),
        "99999999999999999999".to_owned(),
        "-1".to_owned(),
        "0".to_owned(),
        format!("+{t}"),
        format!("0{t}"),
        format!("{t}.0"),
        "1e9".to_owned(),
        " ".to_owned(),
        "abc".to_owned(),
        format!("{t}abc"),
    ] {
        // Sign over the exact text so only the timestamp rule can reject it.
        let sig = format!("v1,{}", sw_sig(SW_ID, &ts, SW_BODY));
        let h = sw_headers(SW_ID, &ts, &sig);
        let got = kind_of(&v, &h, SW_BODY.as_bytes(), at(t));
        assert!(
            matches!(
                got,
                Err(RejectionKind::InvalidTimestamp | RejectionKind::MissingHeader)
            ),
            "{ts}: {got:?}"
        );
    }
    // The largest accepted form (12 digits) is far in the future: rejected by the window.
    let ts = "999999999999";
    let sig = format!("v1,{}", sw_sig(SW_ID, ts, SW_BODY));
    let h = sw_headers(SW_ID, ts, &sig);
    assert_eq!(
        kind_of(&v, &h, SW_BODY.as_bytes(), at(t)),
        Err(RejectionKind::TimestampInFuture)
    );
    // A clock before the epoch or at the end of time does not panic either.
    let h = sw_headers(SW_ID, &t.to_string(), SW_SIG);
    for now in [
        UNIX_EPOCH - Duration::from_secs(1),
        UNIX_EPOCH,
        at(u64::MAX / 4),
    ] {
        assert!(
            v.verify(&common::req(&h, &uri(), SW_BODY.as_bytes()), now)
                .is_err()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Keys

#[test]
fn rotation_old_key_stops_matching_at_its_expiry_instant() {
    let old = "whsec_old_stripe_secret";
    let new = "whsec_new_stripe_secret";
    let expiry = at(T + 3600);
    let ring = Keyring::new()
        .key("2026-11", Secret::new(new).unwrap())
        .key_until("2026-05", Secret::new(old).unwrap(), expiry);
    let v = Verifier::new(providers::stripe(), ring).unwrap();
    let body = "{}";
    let signed_with = |secret: &str, ts: u64| {
        headers(&[(
            "stripe-signature",
            &format!("t={ts},v1={}", stripe_sig(secret, ts, body)),
        )])
    };
    let ts = T + 3600;
    let before = expiry - Duration::from_nanos(1);
    assert_eq!(
        kind_of(&v, &signed_with(old, ts), body.as_bytes(), before),
        Ok("2026-05".into())
    );
    assert_eq!(
        kind_of(&v, &signed_with(old, ts), body.as_bytes(), expiry),
        Err(RejectionKind::SignatureMismatch)
    );
    assert_eq!(
        kind_of(&v, &signed_with(new, ts), body.as_bytes(), expiry),
        Ok("2026-11".into())
    );
    // During a Stripe secret roll both signatures arrive; either key reports itself.
    let both = headers(&[(
        "stripe-signature",
        &format!(
            "t={ts},v1={},v1={}",
            stripe_sig(old, ts, body),
            stripe_sig(new, ts, body)
        ),
    )]);
    assert!(kind_of(&v, &both, body.as_bytes(), before).is_ok());
}

#[test]
fn all_keys_expired_is_no_active_key() {
    let ring = Keyring::new().key_until("only", Secret::new(GITHUB_SECRET).unwrap(), at(T));
    let v = Verifier::new(providers::github(), ring).unwrap();
    let h = headers(&[("x-hub-signature-256", GITHUB_SIG)]);
    assert!(
        v.verify(&common::req(&h, &uri(), b"Hello, World!"), at(T - 1))
            .is_ok()
    );
    assert_eq!(
        kind_of(&v, &h, b"Hello, World!", at(T)),
        Err(RejectionKind::NoActiveKey)
    );
}

#[test]
fn keyring_configuration_errors() {
    assert_eq!(
        Verifier::new(providers::github(), Keyring::new()).unwrap_err(),
        ConfigError::NoKeys
    );
    let five = (0..5).fold(Keyring::new(), |k, i| {
        k.key(format!("k{i}"), Secret::new(format!("s{i}")).unwrap())
    });
    assert_eq!(
        Verifier::new(providers::github(), five).unwrap_err(),
        ConfigError::TooManyKeys { count: 5 }
    );
    let dup = Keyring::new()
        .key("a", Secret::new("x").unwrap())
        .key("a", Secret::new("y").unwrap());
    assert_eq!(
        Verifier::new(providers::github(), dup).unwrap_err(),
        ConfigError::DuplicateKeyLabel("a".into())
    );
}

#[test]
fn standard_webhooks_secret_forms() {
    let sw = providers::standard_webhooks;
    // With or without the prefix, padded or not, surrounding newline trimmed.
    for form in [
        SW_SECRET.to_owned(),
        SW_SECRET["whsec_".len()..].to_owned(),
        format!("{SW_SECRET}\n"),
    ] {
        let v = verifier(sw(), &form);
        let h = sw_headers(SW_ID, &SW_TS.to_string(), SW_SIG);
        assert!(
            v.verify(&common::req(&h, &uri(), SW_BODY.as_bytes()), at(SW_TS))
                .is_ok(),
            "{form}"
        );
    }
    // The decoded key as raw bytes works too.
    let raw = STANDARD.decode(&SW_SECRET["whsec_".len()..]).unwrap();
    let v = Verifier::new(sw(), Keyring::from(Secret::from_bytes(raw).unwrap())).unwrap();
    let h = sw_headers(SW_ID, &SW_TS.to_string(), SW_SIG);
    assert!(
        v.verify(&common::req(&h, &uri(), SW_BODY.as_bytes()), at(SW_TS))
            .is_ok()
    );

    assert_eq!(Secret::new("whsec_").unwrap_err(), ConfigError::EmptySecret);
    assert_eq!(Secret::new("").unwrap_err(), ConfigError::EmptySecret);
    for (secret, err) in [
        ("whsec_====", ConfigError::SecretNotBase64),
        ("whsec_not base64!", ConfigError::SecretNotBase64),
        (
            "whsec_AAAAAAAAAAAAAAAAAAAAAA==", // 16 bytes
            ConfigError::KeyLength {
                scheme: "standard-webhooks".into(),
                min: 24,
                max: 64,
                actual: 16,
            },
        ),
    ] {
        let got = Verifier::new(sw(), keyring(secret)).unwrap_err();
        assert_eq!(got, err, "{secret}");
        assert!(!got.to_string().contains(&secret["whsec_".len()..]));
    }
    let long = format!("whsec_{}", STANDARD.encode([7u8; 65]));
    assert!(matches!(
        Verifier::new(sw(), keyring(&long)).unwrap_err(),
        ConfigError::KeyLength { actual: 65, .. }
    ));
}

// ---------------------------------------------------------------------------------------------
// Custom schemes

#[test]
fn custom_relay_scheme_in_a_few_lines() {
    let relay = Scheme::builder("relay")
        .signature_header("x-webhook-signature", SignatureFormat::key_value(',', "v1"))
        .timestamp_param("t")
        .signed_payload("{t}.{body}")
        .build()
        .unwrap();
    let secret = "relay-secret";
    let body = r#"{"event":"ping"}"#;
    let sig = hex::encode(reference_mac(
        secret.as_bytes(),
        format!("{T}.{body}").as_bytes(),
    ));
    let v = verifier(relay.clone(), secret);
    let h = headers(&[("x-webhook-signature", &format!("t={T},v1={sig}"))]);
    let ok = v
        .verify(&common::req(&h, &uri(), body.as_bytes()), at(T))
        .unwrap();
    assert_eq!(ok.provider(), "relay");
    assert_eq!(ok.timestamp_unix(), Some(T));
    assert_eq!(
        kind_of(&v, &h, body.as_bytes(), at(T + 301)),
        Err(RejectionKind::TimestampTooOld)
    );
    // The signer agrees with the reference.
    let signer = Signer::new(relay, Secret::new(secret).unwrap()).unwrap();
    assert_eq!(
        signer.sign_headers(body.as_bytes(), at(T), None).unwrap()["x-webhook-signature"],
        format!("t={T},v1={sig}").as_str()
    );
}

#[test]
fn custom_scheme_with_header_timestamp_id_and_base64() {
    let scheme = Scheme::builder("acme")
        .signature_header("x-acme-signature", SignatureFormat::prefixed("v0="))
        .timestamp_header("x-acme-timestamp")
        .id_header("x-acme-id")
        .encoding(Encoding::Base64)
        .signed_payload("v0:{id}:{t}:{body}")
        .build()
        .unwrap()
        .tolerance(Duration::from_secs(60));
    assert_eq!(scheme.default_body_limit(), Scheme::DEFAULT_BODY_LIMIT);
    let secret = "acme";
    let body = "x=1";
    let mac = STANDARD.encode(reference_mac(
        secret.as_bytes(),
        format!("v0:evt_9:{T}:{body}").as_bytes(),
    ));
    let v = verifier(scheme, secret);
    let h = headers(&[
        ("x-acme-signature", &format!("v0={mac}")),
        ("x-acme-timestamp", &T.to_string()),
        ("x-acme-id", "evt_9"),
    ]);
    let ok = v
        .verify(&common::req(&h, &uri(), body.as_bytes()), at(T + 60))
        .unwrap();
    assert_eq!(ok.delivery_id(), Some("evt_9"));
    assert_eq!(
        kind_of(&v, &h, body.as_bytes(), at(T + 61)),
        Err(RejectionKind::TimestampTooOld)
    );
}

// ---------------------------------------------------------------------------------------------
// Bodies

#[test]
fn any_body_bytes_verify_and_every_single_bit_flip_fails() {
    let secret = "bitflip";
    let v = verifier(providers::github(), secret);
    let signer = Signer::new(providers::github(), Secret::new(secret).unwrap()).unwrap();
    let body: Vec<u8> = (0u8..=255).chain([0xff, 0xfe, 0x00]).collect();
    let h = signer.sign_headers(&body, at(T), None).unwrap();
    assert!(v.verify(&common::req(&h, &uri(), &body), at(T)).is_ok());
    for bit in 0..body.len() * 8 {
        let mut tampered = body.clone();
        tampered[bit / 8] ^= 1 << (bit % 8);
        assert_eq!(
            kind_of(&v, &h, &tampered, at(T)),
            Err(RejectionKind::SignatureMismatch),
            "bit {bit}"
        );
    }
    // Every bit of the signature too.
    let sig = h["x-hub-signature-256"].to_str().unwrap().to_owned();
    let mac = hex::decode(&sig[7..]).unwrap();
    for bit in 0..256 {
        let mut m = mac.clone();
        m[bit / 8] ^= 1 << (bit % 8);
        let h = headers(&[("x-hub-signature-256", &format!("sha256={}", hex::encode(m)))]);
        assert_eq!(
            kind_of(&v, &h, &body, at(T)),
            Err(RejectionKind::SignatureMismatch)
        );
    }
}

#[test]
fn unicode_bodies_verify_and_reserialized_json_does_not() {
    let v = verifier(providers::standard_webhooks(), SW_SECRET);
    let signer = Signer::new(
        providers::standard_webhooks(),
        Secret::new(SW_SECRET).unwrap(),
    )
    .unwrap();
    let body = "{\"name\":\"François 😊\",\"sep\":\"\u{2028}\",\"url\":\"https:\\/\\/x\"}";
    let h = signer
        .sign_headers(body.as_bytes(), at(T), Some("msg_u"))
        .unwrap();
    assert!(
        v.verify(&common::req(&h, &uri(), body.as_bytes()), at(T))
            .is_ok()
    );
    let reserialized =
        serde_json::to_string(&serde_json::from_str::<serde_json::Value>(body).unwrap()).unwrap();
    assert_ne!(reserialized, body);
    let pretty =
        serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(body).unwrap())
            .unwrap();
    for changed in [
        reserialized,
        pretty,
        format!("{body}\n"),
        body.replace(',', ",\r\n"),
    ] {
        assert_eq!(
            kind_of(&v, &h, changed.as_bytes(), at(T)),
            Err(RejectionKind::SignatureMismatch)
        );
    }
}

#[test]
fn debug_output_never_contains_key_material() {
    let v = verifier(providers::stripe(), STRIPE_SECRET);
    let s = Signer::new(providers::stripe(), Secret::new(STRIPE_SECRET).unwrap()).unwrap();
    let layer = webhook_guard::WebhookLayer::from_verifier(v.clone());
    for text in [
        format!("{v:?}"),
        format!("{s:?}"),
        format!("{layer:?}"),
        format!("{:?}", keyring(STRIPE_SECRET)),
    ] {
        assert!(!text.contains("test_secret_for_stripe"), "{text}");
        assert!(!text.contains(&hex::encode(STRIPE_SECRET)), "{text}");
    }
    // What it does show: the scheme and the key labels.
    let labelled = Verifier::new(
        providers::stripe(),
        Keyring::new().key("2026-11", Secret::new(STRIPE_SECRET).unwrap()),
    )
    .unwrap();
    let text = format!("{labelled:?}");
    assert!(
        text.starts_with("Verifier {") && text.contains("2026-11"),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------------
// Separator-less templates

/// SendGrid signs `{timestamp}{body}` with no separator: the last digit of the timestamp can be
/// moved into the body (or the body's first byte into the timestamp) and the signed bytes do not
/// change. The preset's window refuses the shifted timestamp (decades old), and strict digits
/// refuse a body byte in it; with the window turned off the shifted copy would verify.
#[cfg(feature = "ecdsa")]
#[test]
fn sendgrid_timestamp_digits_cannot_move_into_the_body() {
    let genuine = vectors_support::case("sendgrid", "signed_multi_event_crlf");
    let sendgrid = verifier(providers::sendgrid(), &genuine.secret);
    let ts = "X-Twilio-Email-Event-Webhook-Timestamp";
    let now = at(genuine.now);
    let (genuine_headers, _) = vectors_support::request_parts(&genuine);
    let headers_with = |t: &str| {
        let mut h = genuine_headers.clone();
        h.insert(
            HeaderName::from_bytes(ts.as_bytes()).unwrap(),
            t.parse().unwrap(),
        );
        h
    };
    let original = genuine_headers[ts].to_str().unwrap().to_owned();
    assert!(kind_of(&sendgrid, &genuine_headers, genuine.body.as_bytes(), now).is_ok());

    // The last digit moved into the body: the same signed bytes.
    let (shorter, digit) = original.split_at(original.len() - 1);
    let shifted_body = format!("{digit}{}", genuine.body);
    assert_eq!(
        kind_of(
            &sendgrid,
            &headers_with(shorter),
            shifted_body.as_bytes(),
            now
        ),
        Err(RejectionKind::TimestampTooOld)
    );
    // The body's first byte moved into the timestamp: not digits.
    let (first, rest) = genuine.body.split_at(1);
    assert_eq!(
        kind_of(
            &sendgrid,
            &headers_with(&format!("{original}{first}")),
            rest.as_bytes(),
            now
        ),
        Err(RejectionKind::InvalidTimestamp)
    );
    // What the window prevents: without it, the shifted copy verifies.
    let unchecked = verifier(
        providers::sendgrid().disable_timestamp_check(),
        &genuine.secret,
    );
    assert!(
        kind_of(
            &unchecked,
            &headers_with(shorter),
            shifted_body.as_bytes(),
            now
        )
        .is_ok()
    );
}

/// SendGrid retries for up to 24 hours with the original signature: the preset's window admits
/// a day-old delivery and refuses one older than 25 hours.
#[cfg(feature = "ecdsa")]
#[test]
fn sendgrid_window_covers_a_day_of_retries() {
    let genuine = vectors_support::case("sendgrid", "signed_multi_event_crlf");
    let verifier = verifier(providers::sendgrid(), &genuine.secret);
    let (headers, _) = vectors_support::request_parts(&genuine);
    let signed_at: u64 = headers["X-Twilio-Email-Event-Webhook-Timestamp"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let body = genuine.body.as_bytes();
    assert!(kind_of(&verifier, &headers, body, at(signed_at + 24 * 3600)).is_ok());
    assert!(kind_of(&verifier, &headers, body, at(signed_at + 25 * 3600)).is_ok());
    assert_eq!(
        kind_of(&verifier, &headers, body, at(signed_at + 25 * 3600 + 1)),
        Err(RejectionKind::TimestampTooOld)
    );
    assert_eq!(
        kind_of(&verifier, &headers, body, at(signed_at - 301)),
        Err(RejectionKind::TimestampInFuture)
    );
}

/// A public-key request costs at most eight (candidate, key) checks whatever the header holds:
/// keys are tried in keyring order, each against the header's candidates in order, and the
/// ninth pair is never tried — even when it is the one that matches.
#[cfg(feature = "ed25519")]
#[test]
fn ed25519_checks_at_most_eight_candidate_key_pairs() {
    let seed = |n: u8| format!("whsk_{}", STANDARD.encode([n; 32]));
    let signer = |n: u8| {
        Signer::new(
            providers::standard_webhooks_ed25519(),
            Secret::new(seed(n)).unwrap(),
        )
        .unwrap()
    };
    let public = |n: u8| signer(n).public_key().unwrap();
    let body = b"{\"type\":\"invoice.paid\"}";
    let signature = |n: u8| {
        let headers = signer(n).sign_headers(body, at(T), Some("msg_1")).unwrap();
        headers["webhook-signature"].to_str().unwrap().to_owned()
    };
    // Two wrong keys, then the right one (seed 9): 3 candidates × 2 keys = 6 pairs first.
    let keys = Keyring::new()
        .key("a", Secret::new(public(1)).unwrap())
        .key("b", Secret::new(public(2)).unwrap())
        .key("right", Secret::new(public(9)).unwrap());
    let verifier = Verifier::new(providers::standard_webhooks_ed25519(), keys).unwrap();
    let (genuine, forged_a, forged_b) = (signature(9), signature(3), signature(4));
    let request = |list: [&str; 3]| {
        let mut headers = signer(9).sign_headers(body, at(T), Some("msg_1")).unwrap();
        headers.insert(
            "webhook-signature",
            HeaderValue::from_str(&list.join(" ")).unwrap(),
        );
        common::req(&headers, &Uri::from_static("/"), body)
    };
    // The genuine signature first: the 7th pair matches.
    let first = request([&genuine, &forged_a, &forged_b]);
    assert!(verifier.verify(&first, at(T)).is_ok());
    // The genuine signature last: it would be the 9th pair, which is never tried.
    let last = request([&forged_a, &forged_b, &genuine]);
    assert_eq!(
        verifier.verify(&last, at(T)).unwrap_err().kind(),
        RejectionKind::SignatureMismatch
    );
    // With the right key first, the same header verifies at its 3rd pair.
    let keys = Keyring::new()
        .key("right", Secret::new(public(9)).unwrap())
        .key("a", Secret::new(public(1)).unwrap());
    let verifier = Verifier::new(providers::standard_webhooks_ed25519(), keys).unwrap();
    assert!(verifier.verify(&last, at(T)).is_ok());
}

// ---------------------------------------------------------------------------------------------
// Small public surfaces the middleware tests cover only indirectly

#[test]
fn keyring_lists_its_labels_in_the_order_they_were_added() {
    let keys = Keyring::new()
        .key("2026-11", Secret::new("new").unwrap())
        .key_until("2026-05", Secret::new("old").unwrap(), at(T));
    assert_eq!(keys.labels().collect::<Vec<_>>(), ["2026-11", "2026-05"]);
    assert_eq!(Keyring::new().labels().count(), 0);
}

#[test]
fn verifier_handshake_answers_only_the_set_up_request() {
    let dropbox = verifier(
        providers::dropbox().answer_handshakes(),
        "dropbox app secret",
    );
    let get = http::Request::get("/hook?challenge=abc123")
        .body(Vec::new())
        .unwrap();
    let answer = dropbox
        .handshake(&get, at(T))
        .expect("the challenge is answered");
    assert_eq!(answer.status(), http::StatusCode::OK);
    assert_eq!(&answer.body()[..], b"abc123");

    // A delivery, signed or not, is no handshake; nor is the challenge without the opt-in.
    let post = http::Request::post("/hook").body(b"{}".to_vec()).unwrap();
    assert!(dropbox.handshake(&post, at(T)).is_none());
    let off = verifier(providers::dropbox(), "dropbox app secret");
    assert!(off.handshake(&get, at(T)).is_none());
}

#[test]
fn an_unsigned_ping_is_admitted_up_to_its_longest_shape_and_not_a_byte_more() {
    let woo = verifier(providers::woocommerce().answer_handshakes(), "woo secret");
    let post = |body: &str| {
        http::Request::post("/woo")
            .body(body.as_bytes().to_vec())
            .unwrap()
    };
    for body in ["webhook_id=1", "webhook_id=12345678901234567890"] {
        let verified = woo.verify(&post(body), at(T)).expect(body);
        assert!(verified.is_unsigned(), "{body}");
    }
    let longer = "webhook_id=123456789012345678901";
    assert_eq!(
        woo.verify(&post(longer), at(T)).unwrap_err().kind(),
        RejectionKind::MissingHeader
    );
}

#[test]
fn schemes_describe_their_headers_as_the_provider_sends_them() {
    for (scheme, described) in [
        (providers::stripe(), "stripe-signature: t=<ts>,v1=<sig>"),
        (providers::github(), "x-hub-signature-256: sha256=<sig>"),
        (providers::shopify(), "shopify-hmac-sha256: <sig>"),
        (
            providers::svix(),
            "svix-signature: v1,<sig> …, svix-timestamp: <unix seconds>, svix-id: <id>",
        ),
    ] {
        assert_eq!(scheme.describe_headers(), described);
    }
    let custom = Scheme::builder("relay")
        .signature_header("x-sig", SignatureFormat::key_value(';', "sig"))
        .signed_payload("{body}")
        .build()
        .unwrap();
    assert_eq!(custom.describe_headers(), "x-sig: sig=<sig>");
}

#[test]
fn custom_signature_layouts_are_checked_when_the_scheme_is_built() {
    let build = |format: SignatureFormat| {
        Scheme::builder("relay")
            .signature_header("x-sig", format)
            .signed_payload("{body}")
            .build()
    };
    for good in [
        SignatureFormat::bare(),
        SignatureFormat::prefixed("sha256="),
        SignatureFormat::key_value(',', "v1"),
        SignatureFormat::key_value(';', "sig"),
        SignatureFormat::versioned_list("v1"),
    ] {
        assert!(build(good.clone()).is_ok(), "{good:?}");
    }
    for bad in [
        SignatureFormat::prefixed(""),
        SignatureFormat::key_value(',', ""),
        SignatureFormat::key_value(',', "v,1"),
        SignatureFormat::key_value(',', "v=1"),
        SignatureFormat::key_value('=', "v1"),
        SignatureFormat::key_value('é', "v1"),
        SignatureFormat::versioned_list(""),
        SignatureFormat::versioned_list("v,1"),
        SignatureFormat::versioned_list("v 1"),
    ] {
        assert!(
            matches!(build(bad.clone()), Err(ConfigError::InvalidTemplate(_))),
            "{bad:?}"
        );
    }
}

#[test]
fn a_public_url_is_resolved_only_for_schemes_that_sign_the_url() {
    // GitHub signs the body alone: a public URL from forwarded headers is never read, so a
    // malformed forwarded header cannot refuse its deliveries.
    let scheme = providers::github().public_url(
        webhook_guard::PublicUrl::trusted_headers("x-forwarded-proto", "x-forwarded-host").unwrap(),
    );
    let v = verifier(scheme, GITHUB_SECRET);
    let h = headers(&[
        ("x-hub-signature-256", GITHUB_SIG),
        ("x-forwarded-proto", "gopher"),
        ("x-forwarded-host", "bad host"),
    ]);
    assert!(kind_of(&v, &h, b"Hello, World!", at(T)).is_ok());
}

/// Schemes whose messages are read from the request by the preset sign only where the preset
/// writes them; Plaid's JWTs are made by Plaid alone.
#[cfg(feature = "ecdsa")]
#[test]
fn a_scheme_that_cannot_write_its_signature_refuses_to_sign() {
    let key = vectors_support::fixture_signing_key("sendgrid");
    let signer = Signer::new(providers::plaid(), Secret::new(key).unwrap()).unwrap();
    let mut request = http::Request::post("/plaid").body(b"{}".to_vec()).unwrap();
    assert!(signer.sign(&mut request, at(T)).is_err());
    assert!(request.headers().is_empty());
}

#[test]
fn verified_debug_names_the_delivery_and_never_its_identity() {
    let v = verifier(providers::github(), GITHUB_SECRET);
    let h = headers(&[("x-hub-signature-256", GITHUB_SIG)]);
    let verified = v
        .verify(&common::req(&h, &uri(), b"Hello, World!"), at(T))
        .unwrap();
    let text = format!("{verified:?}");
    assert!(text.starts_with("Verified {"), "{text}");
    assert!(
        text.contains("\"github\"") && text.contains("default"),
        "{text}"
    );
}

#[test]
fn scheme_debug_shows_what_is_signed() {
    let text = format!("{:?}", providers::stripe());
    assert!(text.contains("{t}.{body}"), "{text}");
}
