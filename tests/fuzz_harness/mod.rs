//! The fuzz harnesses: one function per fuzz target, shared by the cargo-fuzz targets in
//! `fuzz/` (nightly, coverage-guided; `fuzz/src/lib.rs` includes this file) and by
//! `tests/fuzz_regressions.rs` (stable, part of `cargo test`), which replays the committed
//! corpus and every crash through exactly the same code.
//!
//! Each harness decodes its input with `arbitrary::Unstructured`, through hand-written
//! `Arbitrary` impls that have an exact inverse (`to_bytes`), so the seed corpus can be written
//! from genuine, signed requests. It then asserts that nothing panics and that:
//!
//! * **every harness**: verifying the same input twice gives the same verdict, and the pure
//!   core only ever answers with 401-class rejections;
//! * **header formats** (`run_format`): the verifier accepts exactly when an independent,
//!   deliberately simple reference accepts — one that splits the header itself and compares the
//!   candidates as text with signatures computed with the `hmac` crate — and it reports the key,
//!   timestamp and id the reference found;
//! * **every preset** (`run_presets`): whatever a preset accepts, the same preset with another
//!   key refuses (except WooCommerce's flagged unsigned ping, checked on its own), the signed
//!   timestamp lies inside the window, the id has the allowed characters; and the middleware,
//!   fed the same request with the body cut into chunks (for odd chunk sizes, the chunks after
//!   the first arriving only after the middleware was called), agrees with the core.
#![allow(dead_code, unreachable_pub)]

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use arbitrary::{Arbitrary, Unstructured};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use futures_util::FutureExt as _;
use hmac::{Hmac, KeyInit, Mac};
use http::{HeaderMap, HeaderName, HeaderValue, Request, Response, Uri, header};
use http_body::Frame;
use http_body_util::Full;
use webhook_guard::{
    Algorithm, Clock, Encoding, KeyFormat, Keyring, PublicUrl, Rejection, RejectionKind, Scheme,
    Secret, SignatureFormat, Signer, Verified, VerifiedBody, Verifier, WebhookLayer, providers,
};

/// The instant seeds are signed at (and the usual `now`).
pub const NOW: i64 = 1_800_000_000;

/// `secs` since the epoch (negative: before it), saturating at the epoch when out of range.
pub fn time(secs: i64) -> SystemTime {
    let d = Duration::from_secs(secs.unsigned_abs());
    if secs >= 0 {
        UNIX_EPOCH.checked_add(d)
    } else {
        UNIX_EPOCH.checked_sub(d)
    }
    .unwrap_or(UNIX_EPOCH)
}

/// Seconds since the epoch as the crate counts them: times before it count as 0.
fn unix(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

// ---------------------------------------------------------------------------------------------
// Byte encoding: little-endian integers as `arbitrary` reads them, and byte strings with a u16
// length prefix (cut short at the end of the input); the last field takes the rest.

fn field<'a>(u: &mut Unstructured<'a>) -> arbitrary::Result<Vec<u8>> {
    let len = usize::from(u16::arbitrary(u)?).min(u.len());
    Ok(u.bytes(len)?.to_vec())
}

fn put(out: &mut Vec<u8>, bytes: &[u8]) {
    let len = u16::try_from(bytes.len()).expect("fields are at most 65535 bytes");
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(bytes);
}

// ---------------------------------------------------------------------------------------------
// Header-format targets: custom schemes built with `Scheme::builder`, one target per format.

/// The header formats, one fuzz target each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `SignatureFormat::bare()`.
    Bare,
    /// `SignatureFormat::prefixed("sha256=")`.
    Prefixed,
    /// `SignatureFormat::key_value(',', "v1")` with `timestamp_param("t")`.
    KeyValueComma,
    /// `SignatureFormat::key_value(';', "h1")` with `timestamp_param("ts")`.
    KeyValueSemicolon,
    /// `SignatureFormat::versioned_list("v1")` with id and timestamp headers.
    VersionedList,
}

impl Format {
    /// Every format.
    pub const ALL: [Self; 5] = [
        Self::Bare,
        Self::Prefixed,
        Self::KeyValueComma,
        Self::KeyValueSemicolon,
        Self::VersionedList,
    ];

    /// The fuzz target's name (and its corpus directory).
    pub fn target(self) -> &'static str {
        match self {
            Self::Bare => "format_bare",
            Self::Prefixed => "format_prefixed",
            Self::KeyValueComma => "format_key_value_comma",
            Self::KeyValueSemicolon => "format_key_value_semicolon",
            Self::VersionedList => "format_versioned_list",
        }
    }

    fn index(self) -> usize {
        Self::ALL.iter().position(|f| *f == self).unwrap_or(0)
    }

    /// The scheme layouts fuzzed for this format.
    fn layouts(self) -> &'static [Layout] {
        const SIG: &str = "x-fuzz-signature";
        match self {
            Self::Bare => &[
                Layout {
                    sig: SIG,
                    ts: Ts::None,
                    id: None,
                    template: "{body}",
                },
                Layout {
                    sig: SIG,
                    ts: Ts::Header("x-fuzz-timestamp"),
                    id: None,
                    template: "{t}.{body}",
                },
            ],
            Self::Prefixed => &[
                Layout {
                    sig: SIG,
                    ts: Ts::None,
                    id: None,
                    template: "{body}",
                },
                Layout {
                    sig: SIG,
                    ts: Ts::None,
                    id: Some("x-fuzz-id"),
                    template: "{id}:{body}",
                },
            ],
            Self::KeyValueComma => &[Layout {
                sig: SIG,
                ts: Ts::Param("t"),
                id: None,
                template: "{t}.{body}",
            }],
            Self::KeyValueSemicolon => &[Layout {
                sig: SIG,
                ts: Ts::Param("ts"),
                id: None,
                template: "{t}:{body}",
            }],
            Self::VersionedList => &[Layout {
                sig: "webhook-signature",
                ts: Ts::Header("webhook-timestamp"),
                id: Some("webhook-id"),
                template: "{id}.{t}.{body}",
            }],
        }
    }

    fn signature_format(self) -> SignatureFormat {
        match self {
            Self::Bare => SignatureFormat::bare(),
            Self::Prefixed => SignatureFormat::prefixed(PREFIX),
            Self::KeyValueComma => SignatureFormat::key_value(',', "v1"),
            Self::KeyValueSemicolon => SignatureFormat::key_value(';', "h1"),
            Self::VersionedList => SignatureFormat::versioned_list("v1"),
        }
    }

    /// How many configurations (`layout × encoding × algorithm`) the config byte selects from.
    pub fn configs(self) -> u8 {
        u8::try_from(self.layouts().len() * 9).unwrap_or(9)
    }
}

const PREFIX: &str = "sha256=";

#[derive(Debug, Clone, Copy)]
enum Ts {
    None,
    Header(&'static str),
    Param(&'static str),
}

#[derive(Debug)]
struct Layout {
    sig: &'static str,
    ts: Ts,
    id: Option<&'static str>,
    template: &'static str,
}

const ALGORITHMS: [Algorithm; 3] = [
    Algorithm::HmacSha256,
    Algorithm::HmacSha1,
    Algorithm::HmacSha512,
];
const ENCODINGS: [Encoding; 3] = [Encoding::Hex, Encoding::HexAnyCase, Encoding::Base64];

/// The two keys of every custom scheme: `a` never expires, `b` expires at [`KEY_B_EXPIRES`].
pub const KEY_A: &[u8; 32] = b"fuzz key A, thirty-two bytes....";
/// See [`KEY_A`].
pub const KEY_B: &[u8; 32] = b"fuzz key B, thirty-two bytes....";
/// When key `b` stops matching (exclusive).
pub const KEY_B_EXPIRES: i64 = NOW + 600;

/// One configuration of a format target.
struct Config {
    layout: &'static Layout,
    algorithm: Algorithm,
    encoding: Encoding,
}

fn config(format: Format, byte: u8) -> Config {
    let byte = byte % format.configs();
    let layouts = format.layouts();
    Config {
        layout: &layouts[usize::from(byte / 9) % layouts.len()],
        algorithm: ALGORITHMS[usize::from(byte % 3)],
        encoding: ENCODINGS[usize::from(byte / 3 % 3)],
    }
}

fn build_scheme(format: Format, cfg: &Config) -> Scheme {
    let layout = cfg.layout;
    let mut b = Scheme::builder(format.target())
        .signature_header(layout.sig, format.signature_format())
        .algorithm(cfg.algorithm)
        .encoding(cfg.encoding)
        .signed_payload(layout.template);
    b = match layout.ts {
        Ts::None => b,
        Ts::Header(h) => b.timestamp_header(h),
        Ts::Param(p) => b.timestamp_param(p),
    };
    if let Some(id) = layout.id {
        b = b.id_header(id);
    }
    if format == Format::VersionedList {
        b = b.key_format(KeyFormat::StandardWebhooks);
    }
    b.build().expect("fuzz schemes are valid")
}

fn keyring() -> Keyring {
    Keyring::new()
        .key("a", Secret::from_bytes(KEY_A.to_vec()).expect("key a"))
        .key_until(
            "b",
            Secret::from_bytes(KEY_B.to_vec()).expect("key b"),
            time(KEY_B_EXPIRES),
        )
}

thread_local! {
    /// Verifiers per format and configuration, built once per thread.
    static FORMAT_VERIFIERS: Vec<Vec<Verifier>> = Format::ALL
        .iter()
        .map(|&f| {
            (0..f.configs())
                .map(|c| Verifier::new(build_scheme(f, &config(f, c)), keyring()).expect("verifier"))
                .collect()
        })
        .collect();
}

/// A request to a custom scheme.
///
/// In `signature`, the placeholders `$0` and `$1` stand for the correct signature under key `a`
/// and `b`, `$2` for key `a`'s in uppercase and `$3` for key `a`'s without its last character:
/// the fuzzer cannot compute MACs, so this lets it place genuine signatures anywhere in the
/// header's structure. The timestamp and id they sign are the request's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatInput {
    /// Selects the layout, encoding and algorithm (see [`Format::configs`]).
    pub config: u8,
    /// The verifier's clock, in seconds since the epoch.
    pub now: i64,
    /// Bit 0, 1, 2: send the signature, timestamp, id header twice; bit 3, 4, 5: leave the
    /// signature, timestamp, id header out.
    pub flags: u8,
    /// The signature header value, with placeholders.
    pub signature: Vec<u8>,
    /// The timestamp header value (layouts with a timestamp header).
    pub timestamp: Vec<u8>,
    /// The id header value (layouts with an id header).
    pub id: Vec<u8>,
    /// The body.
    pub body: Vec<u8>,
}

impl<'a> Arbitrary<'a> for FormatInput {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Self {
            config: u8::arbitrary(u)?,
            now: i64::arbitrary(u)?,
            flags: u8::arbitrary(u)?,
            signature: field(u)?,
            timestamp: field(u)?,
            id: field(u)?,
            body: u.bytes(u.len())?.to_vec(),
        })
    }
}

impl FormatInput {
    /// The bytes that decode to this input.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = vec![self.config];
        out.extend_from_slice(&self.now.to_le_bytes());
        out.push(self.flags);
        put(&mut out, &self.signature);
        put(&mut out, &self.timestamp);
        put(&mut out, &self.id);
        out.extend_from_slice(&self.body);
        out
    }

    /// The request's headers, with the placeholders replaced.
    fn headers(&self, cfg: &Config) -> HeaderMap {
        let layout = cfg.layout;
        let ts_text: Vec<u8> = match layout.ts {
            Ts::None => Vec::new(),
            Ts::Header(_) => self.timestamp.clone(),
            Ts::Param(key) => param(&self.signature, key).unwrap_or_default(),
        };
        let signed = render(layout.template, &ts_text, &self.id, &self.body);
        let a = encode(&mac(cfg.algorithm, KEY_A, &signed), cfg.encoding);
        let b = encode(&mac(cfg.algorithm, KEY_B, &signed), cfg.encoding);
        let mut truncated = a.clone();
        truncated.pop();
        let signature = substitute(
            &self.signature,
            &[&a, &b, &a.to_ascii_uppercase(), &truncated],
        );

        let mut headers = HeaderMap::new();
        let mut add = |name: &'static str, value: &[u8], bit: u8| {
            if self.flags & (1 << (bit + 3)) != 0 {
                return;
            }
            let Ok(value) = HeaderValue::from_bytes(value) else {
                return;
            };
            let name = HeaderName::from_static(name);
            if self.flags & (1 << bit) != 0 {
                headers.append(name.clone(), value.clone());
            }
            headers.append(name, value);
        };
        add(layout.sig, &signature, 0);
        if let Ts::Header(name) = layout.ts {
            add(name, &self.timestamp, 1);
        }
        if let Some(name) = layout.id {
            add(name, &self.id, 2);
        }
        headers
    }
}

/// The first value of `key` in a key-value header template (for the placeholders' MAC).
fn param(template: &[u8], key: &str) -> Option<Vec<u8>> {
    template
        .split(|&b| b == b',' || b == b';')
        .find_map(|item| item.strip_prefix(key.as_bytes())?.strip_prefix(b"="))
        .map(<[u8]>::to_vec)
}

fn render(template: &str, ts: &[u8], id: &[u8], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.extend_from_slice(&rest.as_bytes()[..open]);
        let close = open + rest[open..].find('}').expect("closed placeholder");
        out.extend_from_slice(match &rest[open + 1..close] {
            "t" => ts,
            "id" => id,
            _ => body,
        });
        rest = &rest[close + 1..];
    }
    out.extend_from_slice(rest.as_bytes());
    out
}

fn substitute(template: &[u8], values: &[&str]) -> Vec<u8> {
    let mut out = Vec::with_capacity(template.len());
    let mut i = 0;
    while i < template.len() {
        if template[i] == b'$'
            && let Some(&d) = template.get(i + 1)
            && let Some(value) = d.checked_sub(b'0').and_then(|n| values.get(usize::from(n)))
        {
            out.extend_from_slice(value.as_bytes());
            i += 2;
            continue;
        }
        out.push(template[i]);
        i += 1;
    }
    out
}

/// The MAC, computed with the `hmac` crate directly.
fn mac(algorithm: Algorithm, key: &[u8], message: &[u8]) -> Vec<u8> {
    fn run<M: Mac + KeyInit>(key: &[u8], message: &[u8]) -> Vec<u8> {
        let mut m = <M as KeyInit>::new_from_slice(key).expect("any key length");
        m.update(message);
        m.finalize().into_bytes().to_vec()
    }
    match algorithm {
        Algorithm::HmacSha256 => run::<Hmac<sha2::Sha256>>(key, message),
        Algorithm::HmacSha1 => run::<Hmac<sha1::Sha1>>(key, message),
        Algorithm::HmacSha512 => run::<Hmac<sha2::Sha512>>(key, message),
        other => unreachable!("custom schemes are HMACs, not {other:?}"),
    }
}

fn encode(bytes: &[u8], encoding: Encoding) -> String {
    match encoding {
        Encoding::Base64 => STANDARD.encode(bytes),
        _ => hex::encode(bytes),
    }
}

/// What the reference verifier accepted: the key index, timestamp and id.
#[derive(Debug, PartialEq, Eq)]
struct Expected {
    key: usize,
    timestamp: Option<u64>,
    id: Option<String>,
}

/// The one value of a header: present once, visible ASCII, not empty.
fn one<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    let mut all = headers.get_all(name).iter();
    let value = all.next()?;
    if all.next().is_some() {
        return None;
    }
    value.to_str().ok().filter(|s| !s.is_empty())
}

/// `[1-9][0-9]{0,11}`.
fn strict_timestamp(text: &str) -> Option<u64> {
    let ok = (1..=12).contains(&text.len())
        && !text.starts_with('0')
        && text.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| text.parse().ok()).flatten()
}

/// `[A-Za-z0-9_:-]{1,256}`.
fn allowed_id(id: &str) -> bool {
    (1..=256).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'-'))
}

/// A deliberately simple verifier for the custom schemes, written from the documented rules and
/// sharing no code with the crate: the header splits as its format says (≤ 4096 bytes, ≤ 10
/// items), the timestamp is strict and within ±300 s, the id is allowed, and some candidate is
/// textually the expected signature under an active key.
fn reference(
    format: Format,
    cfg: &Config,
    headers: &HeaderMap,
    body: &[u8],
    now: SystemTime,
) -> Option<Expected> {
    let layout = cfg.layout;
    let value = one(headers, layout.sig)?;
    if value.len() > 4096 {
        return None;
    }
    let mut candidates: Vec<&str> = Vec::new();
    let mut ts_param: Option<&str> = None;
    match format {
        Format::Bare => candidates.push(value),
        Format::Prefixed => candidates.push(value.strip_prefix(PREFIX)?),
        Format::KeyValueComma | Format::KeyValueSemicolon => {
            let (sep, sig_key) = if format == Format::KeyValueComma {
                (',', "v1")
            } else {
                (';', "h1")
            };
            let items: Vec<&str> = value.split(sep).collect();
            if items.len() > 10 {
                return None;
            }
            for item in items {
                let Some((k, v)) = item.split_once('=') else {
                    continue;
                };
                if matches!(layout.ts, Ts::Param(p) if p == k) {
                    if ts_param.replace(v).is_some() {
                        return None;
                    }
                } else if k == sig_key {
                    candidates.push(v);
                }
            }
        }
        Format::VersionedList => {
            let entries: Vec<&str> = value.split(' ').collect();
            if entries.len() > 10 {
                return None;
            }
            candidates.extend(
                entries
                    .iter()
                    .filter_map(|e| e.split_once(','))
                    .filter(|(v, _)| *v == "v1")
                    .map(|(_, sig)| sig),
            );
        }
    }
    let ts_text = match layout.ts {
        Ts::None => None,
        Ts::Header(name) => Some(one(headers, name)?),
        Ts::Param(_) => Some(ts_param?),
    };
    let timestamp = match ts_text {
        Some(text) => {
            let ts = strict_timestamp(text)?;
            if ts.abs_diff(unix(now)) > 300 {
                return None;
            }
            Some(ts)
        }
        None => None,
    };
    let id = match layout.id {
        Some(name) => {
            let id = one(headers, name)?;
            if !allowed_id(id) {
                return None;
            }
            Some(id)
        }
        None => None,
    };
    let signed = render(
        layout.template,
        ts_text.unwrap_or_default().as_bytes(),
        id.unwrap_or_default().as_bytes(),
        body,
    );
    let keys: [(&[u8], bool); 2] = [(KEY_A, true), (KEY_B, now < time(KEY_B_EXPIRES))];
    let key = keys.iter().position(|&(key, active)| {
        let expected = encode(&mac(cfg.algorithm, key, &signed), cfg.encoding);
        active
            && candidates.iter().any(|c| match cfg.encoding {
                Encoding::HexAnyCase => c.eq_ignore_ascii_case(&expected),
                _ => *c == expected,
            })
    })?;
    Some(Expected {
        key,
        timestamp,
        id: id.map(str::to_owned),
    })
}

/// The verdict, for comparing two runs.
fn verdict(result: &Result<Verified, Rejection>) -> Result<Verified, RejectionKind> {
    result.clone().map_err(|r| r.kind())
}

/// Runs one format-target input. Returns whether it was accepted (`None`: the bytes do not
/// decode to an input).
///
/// # Panics
///
/// When the verifier panics, is not deterministic, or disagrees with the reference.
pub fn run_format(format: Format, data: &[u8]) -> Option<bool> {
    let input = FormatInput::arbitrary_take_rest(Unstructured::new(data)).ok()?;
    Some(check_format(format, &input))
}

/// [`run_format`] on a decoded input.
pub fn check_format(format: Format, input: &FormatInput) -> bool {
    let cfg = config(format, input.config);
    let headers = input.headers(&cfg);
    let now = time(input.now);
    let uri = Uri::from_static("/fuzz");
    let (first, second) = FORMAT_VERIFIERS.with(|all| {
        let verifier = &all[format.index()][usize::from(input.config % format.configs())];
        (
            verifier.verify(&request(&headers, &uri, &input.body), now),
            verifier.verify(&request(&headers, &uri, &input.body), now),
        )
    });
    assert_eq!(verdict(&first), verdict(&second), "not deterministic");
    let expected = reference(format, &cfg, &headers, &input.body, now);
    match (&first, &expected) {
        (Ok(v), Some(e)) => {
            assert_eq!(v.key_label(), ["a", "b"][e.key], "{headers:?}");
            assert_eq!(v.timestamp_unix(), e.timestamp, "{headers:?}");
            assert_eq!(v.delivery_id(), e.id.as_deref(), "{headers:?}");
            assert_eq!(v.provider(), format.target());
            true
        }
        (Err(r), None) => {
            assert_eq!(r.status(), 401, "{r:?}");
            false
        }
        (got, _) => panic!(
            "{format:?} {:?}/{:?}/{:?}: verifier says {:?}, reference says {expected:?}\nheaders: {headers:?}\nbody: {:?}\nnow: {}",
            cfg.layout.template,
            cfg.algorithm,
            cfg.encoding,
            verdict(got),
            String::from_utf8_lossy(&input.body),
            input.now,
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// The full entry point: every preset, arbitrary header maps.

/// Every header name a preset reads (and a few the middleware reads), so the fuzzer can pick
/// them by index; other names are spelled out in the input.
pub const KNOWN_HEADERS: &[&str] = &[
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "svix-id",
    "svix-timestamp",
    "svix-signature",
    "stripe-signature",
    "x-hub-signature-256",
    "x-hub-signature",
    "x-shopify-hmac-sha256",
    "shopify-hmac-sha256",
    "x-slack-signature",
    "x-slack-request-timestamp",
    "x-twilio-signature",
    "x-twilio-webhooks-signature-settings",
    "x-wc-webhook-signature",
    "calendly-webhook-signature",
    "x-webhook-signature",
    "x-twilio-email-event-webhook-signature",
    "x-twilio-email-event-webhook-timestamp",
    "paddle-signature",
    "linear-signature",
    "x-zm-signature",
    "x-zm-request-timestamp",
    "x-square-hmacsha256-signature",
    "x-gitlab-token",
    "x-signature-ed25519",
    "x-signature-timestamp",
    "content-type",
    "content-encoding",
    "content-length",
    "x-forwarded-proto",
    "x-forwarded-host",
    // Append only: committed inputs refer to headers by their index here.
    "persona-signature",
    "x-line-signature",
    "x-razorpay-signature",
    "x-cc-webhook-signature",
    "x-castle-signature",
    "typeform-signature",
    "sentry-hook-signature",
    "x-xero-signature",
    "x-signature",
    "x-airtable-content-mac",
    "x-alchemy-signature",
    "aftership-hmac-sha256",
    "x-pagerduty-signature",
    "circleci-signature",
    "x-tfe-notification-signature",
    "authorization",
    "mux-signature",
    "tiktok-signature",
    "workos-signature",
    "elevenlabs-signature",
    "x-webflow-signature",
    "x-webflow-timestamp",
    "x-orb-signature",
    "x-orb-timestamp",
    "x-frameio-signature",
    "x-frameio-request-timestamp",
    "x-zendesk-webhook-signature",
    "x-zendesk-webhook-signature-timestamp",
    "x-buildkite-signature",
    "x-buildkite-token",
    "x-docusign-signature-1",
    "x-docusign-signature-2",
    "x-docusign-signature-3",
    "x-docusign-signature-4",
    "x-docusign-signature-5",
    "x-docusign-signature-6",
    "x-docusign-signature-7",
    "x-docusign-signature-8",
    "x-docusign-signature-9",
    "x-docusign-signature-10",
    "x-authorization-digest",
    "box-signature-primary",
    "box-signature-secondary",
    "box-delivery-timestamp",
    "box-signature-algorithm",
    "gcms-signature",
    "telnyx-signature-ed25519",
    "telnyx-timestamp",
    "paypal-transmission-id",
    "paypal-transmission-time",
    "paypal-transmission-sig",
    "paypal-cert-url",
    "paypal-auth-algo",
    "plaid-verification",
    "x-mms-signature",
    "x-nexus-webhook-signature",
    "x-nexus-webhook-signature-algorithm",
    "x-request-signature",
    "x-spark-signature",
    "x-bolt-hmac-sha256",
    "x-pusher-signature",
    "x-dropbox-signature",
    "x-hook-signature",
    "x-hook-secret",
    "x-notion-signature",
    "x-gcs-signature",
    "x-gcs-webhooks-endpoint-verification",
    "hmacsignature",
    "x-hubspot-signature-v3",
    "x-hubspot-request-timestamp",
    "x-hubspot-signature",
    "x-hubspot-signature-version",
    "x-plivo-signature-v3",
    "x-plivo-signature-v3-nonce",
    "x-contentful-signature",
    "x-contentful-signed-headers",
    "x-contentful-timestamp",
    "x-contentful-topic",
    "twitch-eventsub-message-signature",
    "twitch-eventsub-message-id",
    "twitch-eventsub-message-timestamp",
    "twitch-eventsub-message-type",
    "x-twitter-webhooks-signature",
    "x-okta-verification-challenge",
    "x-trello-webhook",
];

/// The byte that announces a header name spelled out in the input.
const OTHER_NAME: u8 = 0xFF;

/// A request for every preset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestInput {
    /// The verifier's clock, in seconds since the epoch.
    pub now: i64,
    /// The middleware reads the body in chunks of this many bytes (0: one chunk).
    pub chunk: u8,
    /// The request target (path and query); `/webhooks` when it does not parse.
    pub target: Vec<u8>,
    /// Header names (an index into [`KNOWN_HEADERS`], or spelled out) and values, in order.
    pub headers: Vec<(HeaderChoice, Vec<u8>)>,
    /// The body.
    pub body: Vec<u8>,
}

/// A header name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderChoice {
    /// `KNOWN_HEADERS[i]`.
    Known(u8),
    /// Any bytes (skipped unless a valid header name).
    Other(Vec<u8>),
}

impl<'a> Arbitrary<'a> for RequestInput {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let now = i64::arbitrary(u)?;
        let chunk = u8::arbitrary(u)?;
        let target = field(u)?;
        let count = u8::arbitrary(u)? % 32;
        let mut headers = Vec::new();
        for _ in 0..count {
            let name = match u8::arbitrary(u)? {
                OTHER_NAME => HeaderChoice::Other(field(u)?),
                b => HeaderChoice::Known(b % known_len()),
            };
            headers.push((name, field(u)?));
        }
        Ok(Self {
            now,
            chunk,
            target,
            headers,
            body: u.bytes(u.len())?.to_vec(),
        })
    }
}

fn known_len() -> u8 {
    u8::try_from(KNOWN_HEADERS.len()).unwrap_or(u8::MAX)
}

impl RequestInput {
    /// The bytes that decode to this input.
    ///
    /// # Panics
    ///
    /// With more than 31 headers.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.now.to_le_bytes().to_vec();
        out.push(self.chunk);
        put(&mut out, &self.target);
        out.push(u8::try_from(self.headers.len()).expect("at most 31 headers"));
        assert!(self.headers.len() < 32);
        for (name, value) in &self.headers {
            match name {
                HeaderChoice::Known(i) => out.push(*i),
                HeaderChoice::Other(name) => {
                    out.push(OTHER_NAME);
                    put(&mut out, name);
                }
            }
            put(&mut out, value);
        }
        out.extend_from_slice(&self.body);
        out
    }

    /// An input carrying `headers` (each name must be in [`KNOWN_HEADERS`]).
    ///
    /// # Panics
    ///
    /// When a header name is not known.
    pub fn from_request(now: i64, target: &str, headers: &HeaderMap, body: &[u8]) -> Self {
        let headers = headers
            .iter()
            .map(|(name, value)| {
                let i = KNOWN_HEADERS
                    .iter()
                    .position(|k| *k == name.as_str())
                    .unwrap_or_else(|| panic!("{name} is not in KNOWN_HEADERS"));
                (
                    HeaderChoice::Known(u8::try_from(i).expect("few headers")),
                    value.as_bytes().to_vec(),
                )
            })
            .collect();
        Self {
            now,
            chunk: 0,
            target: target.as_bytes().to_vec(),
            headers,
            body: body.to_vec(),
        }
    }

    fn header_map(&self) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in &self.headers {
            let name = match name {
                HeaderChoice::Known(i) => {
                    HeaderName::from_static(KNOWN_HEADERS[usize::from(*i) % KNOWN_HEADERS.len()])
                }
                HeaderChoice::Other(bytes) => match HeaderName::from_bytes(bytes) {
                    Ok(name) => name,
                    Err(_) => continue,
                },
            };
            if let Ok(value) = HeaderValue::from_bytes(value) {
                map.append(name, value);
            }
        }
        map
    }

    fn uri(&self) -> Uri {
        Uri::try_from(self.target.as_slice()).unwrap_or_else(|_| Uri::from_static("/webhooks"))
    }
}

/// The public URL configured for Twilio (a base: the request's path and query are appended).
pub const TWILIO_BASE: &str = "https://hooks.example.com";
/// Square's notification URL.
pub const SQUARE_URL: &str = "https://hooks.example.com/webhooks/square";

/// A preset as the fuzzer runs it: the scheme, the secret a sender signs with, and a second,
/// unrelated signing secret.
pub struct Preset {
    /// Unique among presets (scheme names repeat across variants).
    pub label: &'static str,
    /// The scheme.
    pub scheme: Scheme,
    /// What a `Signer` takes (the private key for public-key schemes).
    pub signing: String,
    /// Another secret of the same form.
    pub other: String,
}

const P256_A: &str = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgIr/knVdnBZU9FV/IwgDLiEHlMQc9HWDG/PHU1KYYK8mhRANCAAQCBEzehmkuT64iIxGQNxyuBeLbtjDsiRE1tHy4FBbHp7/X2ADDqvqcDEGeme0vvH2ZlXx+45Ne/6XPbqeKt/tX";
const P256_B: &str = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQghumDxQoQ3BdEkrH2bWYGcYiy4qL7xyoZfiPgjw6qenWhRANCAAS6L1q0xxARvTEEn4rQ1QA7gLYbDbzMNNUmC57ymsPGbTT2CTSKYAaBxjUvKRhIhnKa0pUgIfHpbquEn0aDMgVR";

/// A genuine fixture delivery of a preset whose keys come from the provider (it cannot be
/// signed here): the pinned key, an unrelated key of the same form, and the delivery.
struct FetchedKeyCase {
    scheme: Scheme,
    key: String,
    other: String,
    now: i64,
    headers: HeaderMap,
    body: Vec<u8>,
}

/// The fixture cases of the presets whose keys come from the provider (AWS SNS, PayPal,
/// Plaid), or `None` for another preset.
fn fetched_key_case(name: &str) -> Option<FetchedKeyCase> {
    let (text, scheme, genuine, other) = match name {
        "aws-sns" => (
            include_str!("../vectors/aws-sns.json"),
            providers::aws_sns(),
            "notification_sigv1_sha1",
            "attacker_cert_on_foreign_host",
        ),
        "paypal" => (
            include_str!("../vectors/paypal.json"),
            providers::paypal("9XL90610J3647323C"),
            "sdk_signed_basic",
            "attacker_cert_but_paypal_url",
        ),
        "plaid" => (
            include_str!("../vectors/plaid.json"),
            providers::plaid(),
            "sdk_signed_basic",
            "key_rotation_two_keys_known",
        ),
        _ => return None,
    };
    let fixture: serde_json::Value = serde_json::from_str(text).expect("fixture");
    let case = |wanted: &str| {
        fixture["cases"]
            .as_array()
            .and_then(|cases| cases.iter().find(|c| c["name"] == wanted))
            .cloned()
            .expect("fixture case")
    };
    let key = |c: &serde_json::Value| {
        c.get("certificate")
            .or_else(|| c.get("secret"))
            .and_then(serde_json::Value::as_str)
            .expect("key")
            .to_owned()
    };
    let (genuine, other) = (case(genuine), case(other));
    let mut headers = HeaderMap::new();
    for pair in genuine["headers"].as_array().expect("headers") {
        let name = pair[0].as_str().expect("name").to_ascii_lowercase();
        // Headers no preset reads (`x-amz-sns-*`) are left out of the seed.
        if KNOWN_HEADERS.contains(&name.as_str()) {
            headers.insert(
                HeaderName::from_bytes(name.as_bytes()).expect("name"),
                HeaderValue::from_str(pair[1].as_str().expect("value")).expect("value"),
            );
        }
    }
    Some(FetchedKeyCase {
        scheme,
        key: key(&genuine),
        other: key(&other),
        now: genuine["now"].as_i64().expect("now"),
        headers,
        body: genuine["body"].as_str().expect("body").as_bytes().to_vec(),
    })
}

/// Every preset in [`providers::names()`], plus the Ed25519 Standard Webhooks forms, Twilio's
/// SharedKey form and the three opt-in behaviours. The presets whose keys come from the
/// provider are verified with pinned fixture keys (and left out when this build lacks their
/// cargo feature).
pub fn presets() -> Vec<Preset> {
    let whsec = |key: &[u8]| format!("whsec_{}", STANDARD.encode(key));
    let whsk = |seed: u8| format!("whsk_{}", STANDARD.encode([seed; 32]));
    let text = |s: &str| (s.to_owned(), format!("{s} (other)"));
    let twilio_url = || PublicUrl::parse(TWILIO_BASE).expect("url");
    let mut out = Vec::new();
    for name in providers::names() {
        if let Some(fetched) = fetched_key_case(name) {
            let pinned = Secret::new(fetched.key.clone()).expect("key");
            if Verifier::new(fetched.scheme.clone(), Keyring::from(pinned)).is_ok() {
                out.push(Preset {
                    label: name,
                    scheme: fetched.scheme,
                    signing: fetched.key,
                    other: fetched.other,
                });
            }
            continue;
        }
        let scheme = match name {
            "twilio" => providers::twilio(twilio_url()),
            "square" => providers::square(PublicUrl::exact(SQUARE_URL).expect("url")),
            "trello" => providers::trello(PublicUrl::exact(SQUARE_URL).expect("url")),
            // Presets that sign the request's URL: the Twilio base, with the request's target.
            other => {
                let scheme = providers::by_name(other).expect("preset");
                if scheme.signs_url() {
                    scheme.public_url(twilio_url())
                } else {
                    scheme
                }
            }
        };
        let (signing, other) = match name {
            "stripe" => text("whsec_fuzzStripeSecret"),
            // Svix also reads the `webhook-*` headers: a key of its own keeps the presets apart.
            "standard-webhooks" => (whsec(KEY_A), whsec(&[0x5a; 32])),
            "svix" => (whsec(KEY_B), whsec(&[0xa5; 32])),
            "sendgrid" => (P256_A.to_owned(), P256_B.to_owned()),
            "discord" => (hex::encode([7u8; 32]), hex::encode([8u8; 32])),
            "woocommerce" => text("fuzz&amp;woo secret"),
            // Secrets given as base64 of the key (Airtable's macSecretBase64).
            other if scheme.key_format() == webhook_guard::KeyFormat::Base64 => (
                STANDARD.encode(format!("fuzz key for {other}")),
                STANDARD.encode(format!("fuzz key for {other} (other)")),
            ),
            // Secrets given as hex of the key (Adyen's HMAC key).
            other if scheme.key_format() == KeyFormat::Hex => (
                hex::encode(format!("fuzz key for {other}")),
                hex::encode(format!("fuzz key for {other} (other)")),
            ),
            // Other `whsec_` senders and Ed25519 public keys in base64: keys of their own form.
            other if scheme.key_format() == KeyFormat::StandardWebhooks => {
                let key = |salt: &str| {
                    let mut key = format!("{salt} key for {other}").into_bytes();
                    key.resize(32, b'.');
                    whsec(&key)
                };
                (key("fuzz"), key("other"))
            }
            other if scheme.key_format() == KeyFormat::Ed25519Base64 => {
                let seed = |salt: &str| {
                    let mut seed = format!("{salt} seed for {other}").into_bytes();
                    seed.resize(32, b'.');
                    STANDARD.encode(seed)
                };
                (seed("fuzz"), seed("other"))
            }
            other => text(&format!("fuzz secret for {other}")),
        };
        out.push(Preset {
            label: name,
            scheme,
            signing,
            other,
        });
    }
    let twilio = text("fuzz shared key");
    let extra = [
        (
            "standard-webhooks-ed25519",
            providers::standard_webhooks_ed25519(),
            (whsk(1), whsk(2)),
        ),
        (
            "svix-ed25519",
            providers::svix_ed25519(),
            (whsk(3), whsk(4)),
        ),
        (
            "twilio-shared-key",
            providers::twilio_shared_key(twilio_url()),
            twilio,
        ),
        (
            "zoom-url-validation",
            providers::zoom().answer_handshakes(),
            text("fuzz zoom token"),
        ),
        (
            "discord-pings",
            providers::discord().answer_handshakes(),
            (hex::encode([9u8; 32]), hex::encode([10u8; 32])),
        ),
        (
            "woocommerce-ping",
            providers::woocommerce().answer_handshakes(),
            text("fuzz woo ping secret"),
        ),
    ];
    for (label, scheme, (signing, other)) in extra {
        out.push(Preset {
            label,
            scheme,
            signing,
            other,
        });
    }
    out
}

impl Preset {
    /// A signer for this preset.
    pub fn signer(&self) -> Signer {
        Signer::new(
            self.scheme.clone(),
            Secret::new(self.signing.clone()).expect("secret"),
        )
        .expect("signer")
    }

    fn verifier(&self, signing: &str) -> Verifier {
        // Presets whose keys come from the provider hold the pinned key itself.
        let key = if self.scheme.fetches_keys() {
            signing.to_owned()
        } else {
            let signer = Signer::new(
                self.scheme.clone(),
                Secret::new(signing.to_owned()).expect("secret"),
            )
            .expect("signer");
            signer.public_key().unwrap_or_else(|| signing.to_owned())
        };
        Verifier::new(
            self.scheme.clone(),
            Keyring::from(Secret::new(key).expect("key")),
        )
        .expect("verifier")
    }
}

/// A preset, ready to run.
struct Prepared {
    label: &'static str,
    scheme: Scheme,
    verifier: Verifier,
    other: Verifier,
    clock: Clock,
    layer: WebhookLayer,
}

thread_local! {
    static PRESETS: Vec<Prepared> = presets()
        .into_iter()
        .map(|p| {
            let verifier = p.verifier(&p.signing);
            let clock = Clock::manual_at_unix(0);
            Prepared {
                label: p.label,
                scheme: p.scheme.clone(),
                other: p.verifier(&p.other),
                layer: WebhookLayer::from_verifier(verifier.clone())
                    .without_body_timeout()
                    .clock(clock.clone()),
                verifier,
                clock,
            }
        })
        .collect();
}

/// What a run through every preset found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct PresetOutcome {
    /// The labels of the presets that accepted the request.
    pub accepted: Vec<&'static str>,
}

/// Runs one full-entry-point input through every preset (`None`: the bytes do not decode).
///
/// # Panics
///
/// When a verifier panics, is not deterministic, breaks an invariant, or the middleware
/// disagrees with the core.
pub fn run_presets(data: &[u8]) -> Option<PresetOutcome> {
    let input = RequestInput::arbitrary_take_rest(Unstructured::new(data)).ok()?;
    Some(check_presets(&input))
}

/// [`run_presets`] on a decoded input.
pub fn check_presets(input: &RequestInput) -> PresetOutcome {
    let headers = input.header_map();
    let uri = input.uri();
    let now = time(input.now);
    let body = &input.body;
    let mut outcome = PresetOutcome::default();
    PRESETS.with(|presets| {
        for p in presets {
            let first = p.verifier.verify(&request(&headers, &uri, body), now);
            let again = p.verifier.verify(&request(&headers, &uri, body), now);
            assert_eq!(
                verdict(&first),
                verdict(&again),
                "{}: not deterministic",
                p.label
            );
            match &first {
                Ok(v) => {
                    check_accepted(p, v, &headers, &uri, body, now);
                    outcome.accepted.push(p.label);
                }
                Err(r) => assert_eq!(r.status(), 401, "{}: {r:?}", p.label),
            }
            check_layer(p, input, &headers, &uri, &first);
        }
    });
    outcome
}

fn check_accepted(
    p: &Prepared,
    v: &Verified,
    headers: &HeaderMap,
    uri: &Uri,
    body: &[u8],
    now: SystemTime,
) {
    let label = p.label;
    assert_eq!(v.provider(), p.scheme.name(), "{label}");
    if v.is_unsigned() {
        // Only WooCommerce's opt-in ping, only without a signature header, only this body.
        assert_eq!(label, "woocommerce-ping");
        assert!(!headers.contains_key("x-wc-webhook-signature"), "{label}");
        let id = body.strip_prefix(b"webhook_id=").expect("ping body");
        assert!((1..=20).contains(&id.len()) && id.iter().all(u8::is_ascii_digit));
        assert_eq!(v.key_label(), "");
        return;
    }
    assert_eq!(v.key_label(), "default", "{label}");
    // Another key must not accept what this key accepted.
    let other = p.other.verify(&request(headers, uri, body), now);
    assert!(
        other.is_err(),
        "{label}: accepted under an unrelated key too: {headers:?}"
    );
    if let (Some((past, future)), Some(ts)) = (p.scheme.timestamp_window(), v.timestamp_unix()) {
        // Linear's and Pusher's windows are checked in milliseconds and reported in seconds.
        let slack = u64::from(matches!(label, "linear" | "pusher"));
        let n = unix(now);
        assert!(
            ts.saturating_add(past.as_secs() + slack) >= n
                && ts <= n.saturating_add(future.as_secs() + slack),
            "{label}: timestamp {ts} outside the window at {n}"
        );
    }
    if let Some(id) = v.delivery_id() {
        assert!(allowed_id(id), "{label}: id {id:?}");
    }
    if let Some(answer) = p.verifier.handshake(&request(headers, uri, body), now) {
        serde_json::from_slice::<serde_json::Value>(answer.body()).expect("the answer is JSON");
    }
}

/// A request body of ready frames that, when told to, answers `Pending` once after the first
/// frame (waking its waker at once): the middleware then takes the first frame when it is
/// called and the rest in its future, and must hash both.
struct Arriving {
    frames: std::collections::VecDeque<Bytes>,
    pause_after_first: bool,
    sent: usize,
}

impl http_body::Body for Arriving {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.pause_after_first && self.sent == 1 {
            self.pause_after_first = false;
            cx.waker().wake_by_ref();
            return std::task::Poll::Pending;
        }
        self.sent += 1;
        std::task::Poll::Ready(self.frames.pop_front().map(|f| Ok(Frame::data(f))))
    }
}

/// The middleware, fed the same request with the body in chunks, agrees with the core.
fn check_layer(
    p: &Prepared,
    input: &RequestInput,
    headers: &HeaderMap,
    uri: &Uri,
    core: &Result<Verified, Rejection>,
) {
    let label = p.label;
    let body = &input.body;
    let size = if input.chunk == 0 {
        body.len().max(1)
    } else {
        usize::from(input.chunk)
    };
    let frames = body.chunks(size).map(Bytes::copy_from_slice).collect();
    // Odd chunk sizes: the rest of the body arrives after the middleware was called.
    let arriving = Arriving {
        frames,
        pause_after_first: input.chunk % 2 == 1,
        sent: 0,
    };
    let mut request = Request::post(uri.clone()).body(arriving).expect("request");
    *request.headers_mut() = headers.clone();

    let seen: Arc<Mutex<Vec<(Verified, Bytes)>>> = Arc::default();
    let record = seen.clone();
    let handler = tower::service_fn(move |req: Request<VerifiedBody>| {
        let record = record.clone();
        async move {
            let verified = req
                .extensions()
                .get::<Verified>()
                .cloned()
                .expect("Verified");
            let bytes = http_body_util::BodyExt::collect(req.into_body())
                .await
                .expect("infallible")
                .to_bytes();
            record.lock().expect("lock").push((verified, bytes));
            Ok::<_, Infallible>(Response::new(Full::new(Bytes::new())))
        }
    });
    p.clock.set(time(input.now));
    let service = tower::Layer::layer(&p.layer, handler);
    let response = tower::ServiceExt::oneshot(service, request)
        .now_or_never()
        .expect("the layer completes without waiting on anything")
        .expect("infallible");
    let status = response.status().as_u16();
    let kind = response
        .extensions()
        .get::<webhook_guard::Outcome>()
        .and_then(webhook_guard::Outcome::rejection)
        .map(Rejection::kind);
    let seen = seen.lock().expect("lock");

    let identity = headers
        .get_all(header::CONTENT_ENCODING)
        .iter()
        .all(|v| v.as_bytes().trim_ascii().eq_ignore_ascii_case(b"identity"));
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let too_long = declared.is_some_and(|d| d > p.scheme.default_body_limit() as u64);
    let context = || {
        format!(
            "{label}: status {status} {kind:?}, core {:?}",
            verdict(core)
        )
    };
    assert!(seen.len() <= 1, "{}", context());
    match status {
        415 => assert!(!identity, "{}", context()),
        _ if !identity => panic!("{}: a compressed body was not refused", context()),
        413 => assert!(too_long, "{}", context()),
        401 => assert_eq!(
            kind,
            core.as_ref().err().map(Rejection::kind),
            "{}",
            context()
        ),
        200 => {
            let verified = core.as_ref().unwrap_or_else(|_| panic!("{}", context()));
            match seen.first() {
                Some((v, bytes)) => {
                    assert_eq!(v, verified, "{}", context());
                    assert_eq!(bytes.as_ref(), body.as_slice(), "{label}: body changed");
                }
                None => assert!(
                    p.verifier
                        .handshake(&self::request(headers, uri, body), time(input.now))
                        .is_some(),
                    "{}: 200 without the handler",
                    context()
                ),
            }
        }
        _ => panic!("{}: unexpected status", context()),
    }
    if status != 200 {
        assert!(seen.is_empty(), "{}: handler ran on a rejection", context());
    }
    // A compressed body is refused by the layer (415) before the signature is looked at, even
    // when the bytes would verify.
    if core.is_ok() && !too_long && identity {
        assert_eq!(status, 200, "{}", context());
    }
}

// ---------------------------------------------------------------------------------------------
// Seeds: genuine, signed requests (and a few near misses) for every target.

/// The seed corpus: `(target, file name, input bytes)`.
pub fn seeds() -> Vec<(&'static str, String, Vec<u8>)> {
    let mut out = Vec::new();
    for format in Format::ALL {
        for (name, input) in format_seeds(format) {
            out.push((format.target(), name, input.to_bytes()));
        }
    }
    for (name, input) in preset_seeds() {
        out.push((PRESETS_TARGET, name, input.to_bytes()));
    }
    out
}

/// The full-entry-point target's name.
pub const PRESETS_TARGET: &str = "verify_presets";

/// Seeds for one format: for every configuration, the header a `Signer` writes, and
/// placeholder variants with decoys around the genuine signature.
pub fn format_seeds(format: Format) -> Vec<(String, FormatInput)> {
    let mut out = Vec::new();
    let body = br#"{"type":"invoice.paid","id":"evt_1"}"#.to_vec();
    for c in 0..format.configs() {
        let cfg = config(format, c);
        let scheme = build_scheme(format, &cfg);
        let signer =
            Signer::new(scheme, Secret::from_bytes(KEY_A.to_vec()).expect("key")).expect("signer");
        let headers = signed_headers(&signer, &Uri::from_static("/"), &body, "msg_seed");
        let get = |name: Option<&str>| {
            name.and_then(|n| headers.get(n))
                .map_or(Vec::new(), |v| v.as_bytes().to_vec())
        };
        let ts_header = match cfg.layout.ts {
            Ts::Header(h) => Some(h),
            _ => None,
        };
        let signed = FormatInput {
            config: c,
            now: NOW,
            flags: 0,
            signature: get(Some(cfg.layout.sig)),
            timestamp: get(ts_header),
            id: get(cfg.layout.id),
            body: body.clone(),
        };
        let variants: &[&str] = match format {
            Format::Bare => &["$1", "$2"],
            Format::Prefixed => &["sha256=$1", "sha256=$3", "SHA256=$0"],
            Format::KeyValueComma => &[
                "t=1800000000,v0=$0,v1=$3,v1=$1",
                "v1=$2,t=1800000000",
                "t=1800000000,t=1800000000,v1=$0",
            ],
            Format::KeyValueSemicolon => &[
                "ts=1800000000;h1=$1",
                "ts=1800000000;h1=$0;h1=$2",
                "h1=$3;ts=1800000000",
            ],
            Format::VersionedList => &["v1a,$0 v2,$0 v1,$3 v1,$1", "v1,$0 v1,$0", "v1,$2 v1"],
        };
        out.push((format!("signed-{c}"), signed.clone()));
        for (i, v) in variants.iter().enumerate() {
            out.push((
                format!("variant-{c}-{i}"),
                FormatInput {
                    signature: v.as_bytes().to_vec(),
                    ..signed.clone()
                },
            ));
        }
    }
    out
}

/// Seeds for the full entry point: a genuine delivery for every preset, and the challenges.
pub fn preset_seeds() -> Vec<(String, RequestInput)> {
    let mut out = Vec::new();
    let json = br#"{"type":"invoice.paid","id":"evt_1"}"#;
    for p in presets() {
        if let Some(fetched) = fetched_key_case(p.label) {
            out.push((
                p.label.to_owned(),
                RequestInput::from_request(
                    fetched.now,
                    "/webhooks",
                    &fetched.headers,
                    &fetched.body,
                ),
            ));
            continue;
        }
        let signer = p.signer();
        let (target, body): (&str, Vec<u8>) = match p.label {
            "twilio" | "twilio-shared-key" => (
                "/webhooks/twilio?x=1",
                b"Body=Hello+World&From=%2B14155551234&To=%2B1".to_vec(),
            ),
            "square" => ("/webhooks/square", json.to_vec()),
            "linear" => (
                "/webhooks",
                format!(r#"{{"action":"create","webhookTimestamp":{NOW}000}}"#).into_bytes(),
            ),
            "pusher" => (
                "/webhooks",
                format!(r#"{{"time_ms":{NOW}000,"events":[]}}"#).into_bytes(),
            ),
            "zoom-url-validation" => (
                "/webhooks",
                br#"{"event":"endpoint.url_validation","payload":{"plainToken":"abc"}}"#.to_vec(),
            ),
            "discord" | "discord-pings" => ("/webhooks", br#"{"type":1}"#.to_vec()),
            "woocommerce-ping" => {
                out.push((
                    "woocommerce-unsigned-ping".to_owned(),
                    RequestInput::from_request(
                        NOW,
                        "/webhooks",
                        &HeaderMap::new(),
                        b"webhook_id=42",
                    ),
                ));
                ("/webhooks", json.to_vec())
            }
            "adyen" => {
                let body = signer
                    .sign_body(
                        br#"{"live":"false","notificationItems":[{"NotificationRequestItem":{"amount":{"currency":"EUR","value":1130},"eventCode":"AUTHORISATION","merchantAccountCode":"Fuzz","merchantReference":"fuzz-1","pspReference":"7914073381342284","success":"true"}}]}"#,
                        time(NOW),
                    )
                    .expect("adyen");
                out.push((
                    "adyen".to_owned(),
                    RequestInput::from_request(NOW, "/webhooks", &HeaderMap::new(), &body),
                ));
                continue;
            }
            "mailgun" => {
                let form = signer
                    .sign_body(b"event=delivered&token=fuzz-token", time(NOW))
                    .expect("mailgun");
                let mut headers = HeaderMap::new();
                headers.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/x-www-form-urlencoded"),
                );
                out.push((
                    "mailgun".to_owned(),
                    RequestInput::from_request(NOW, "/webhooks", &headers, &form),
                ));
                continue;
            }
            _ => ("/webhooks", json.to_vec()),
        };
        let uri: Uri = target.parse().expect("uri");
        let headers = signed_headers(&signer, &uri, &body, "msg_fuzz_seed");
        out.push((
            p.label.to_owned(),
            RequestInput::from_request(NOW, target, &headers, &body),
        ));
    }
    out
}

/// A POST to `uri` with `headers` and `body`, as the core takes it.
fn request<'b>(headers: &HeaderMap, uri: &Uri, body: &'b [u8]) -> http::Request<&'b [u8]> {
    let mut request = http::Request::new(body);
    *request.method_mut() = http::Method::POST;
    *request.uri_mut() = uri.clone();
    *request.headers_mut() = headers.clone();
    request
}

/// The headers `signer` gives `body` sent to `uri` at [`NOW`], with delivery id `id` where the
/// scheme signs one.
fn signed_headers(signer: &Signer, uri: &Uri, body: &[u8], id: &str) -> HeaderMap {
    let mut request = request(&HeaderMap::new(), uri, body);
    if let Some(name) = signer.scheme().id_header() {
        request
            .headers_mut()
            .insert(name.clone(), HeaderValue::from_str(id).expect("id"));
    }
    signer.sign(&mut request, time(NOW)).expect("sign");
    request.headers().clone()
}
