//! The `webhook-guard` command line, run as a real process: every provider signs and verifies
//! its own delivery, the SDK fixtures verify, every `explain` diagnosis is produced by a
//! delivery that makes exactly that mistake, exit codes are 0/1/2, and no output ever contains
//! a secret (in any of its text, hex or base64 forms) or an expected signature.
#![cfg(feature = "cli")]

mod common;
use common::SignExt as _;

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use serde::Deserialize;
use webhook_guard::{Algorithm, Encoding, KeyFormat, PublicUrl, Scheme, Secret, Signer, providers};

const BIN: &str = env!("CARGO_BIN_EXE_webhook-guard");
/// The instant every delivery here is signed at (and verified as of, with `--now`).
const T: u64 = 1_700_000_000;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

// ---------------------------------------------------------------------------------------------
// Running the binary.

#[derive(Debug)]
struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }

    /// The value of the first `key: value` line.
    fn value(&self, key: &str) -> Option<&str> {
        self.stdout
            .lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix(": "))
    }

    fn causes(&self) -> Vec<&str> {
        self.stdout
            .lines()
            .filter_map(|l| l.strip_prefix("cause: "))
            .collect()
    }

    /// `-H` arguments from `sign`'s output.
    fn header_args(&self) -> Vec<String> {
        self.stdout.lines().map(str::to_owned).collect()
    }
}

/// One invocation. Every secret given through it is remembered and, with every other forbidden
/// string, checked absent from both output streams.
struct Call {
    args: Vec<String>,
    stdin: Option<Vec<u8>>,
    env: Vec<(String, String)>,
    forbidden: Vec<String>,
    /// `sign --provider gitlab` prints the token: GitLab sends the secret itself.
    secret_may_be_printed: bool,
}

fn wg(args: &[&str]) -> Call {
    Call {
        args: args.iter().map(|a| (*a).to_owned()).collect(),
        stdin: None,
        env: Vec::new(),
        forbidden: Vec::new(),
        secret_may_be_printed: false,
    }
}

impl Call {
    fn arg(mut self, a: impl Into<String>) -> Self {
        self.args.push(a.into());
        self
    }

    fn args<S: AsRef<str>>(mut self, more: &[S]) -> Self {
        self.args.extend(more.iter().map(|a| a.as_ref().to_owned()));
        self
    }

    fn secret(mut self, secret: &str) -> Self {
        self.forbidden.extend(secret_forms(secret));
        self.arg("--secret").arg(secret)
    }

    fn secret_env(mut self, var: &str, secret: &str) -> Self {
        self.forbidden.extend(secret_forms(secret));
        self.env.push((var.to_owned(), secret.to_owned()));
        self.arg("--secret-env").arg(var)
    }

    fn headers(mut self, lines: &[String]) -> Self {
        for line in lines {
            self = self.arg("-H").arg(line.clone());
        }
        self
    }

    fn body(mut self, body: &[u8]) -> Self {
        self.stdin = Some(body.to_vec());
        self.arg("--body-file").arg("-")
    }

    fn forbid(mut self, what: impl IntoIterator<Item = String>) -> Self {
        self.forbidden.extend(what);
        self
    }

    fn run(self) -> Out {
        let mut cmd = Command::new(BIN);
        cmd.args(&self.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("the webhook-guard binary runs");
        let mut stdin = child.stdin.take().unwrap();
        let input = self.stdin.clone().unwrap_or_default();
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
        let output = child.wait_with_output().unwrap();
        writer.join().unwrap();
        let out = Out {
            code: output.status.code().expect("exited"),
            stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
            stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
        };
        for secret in &self.forbidden {
            if self.secret_may_be_printed {
                assert!(
                    !out.stderr.contains(secret.as_str()),
                    "stderr leaks: {out:?}"
                );
            } else {
                assert!(
                    !out.stdout.contains(secret.as_str()) && !out.stderr.contains(secret.as_str()),
                    "output contains a forbidden string ({} chars) for {:?}: {out:?}",
                    secret.len(),
                    self.args.first()
                );
            }
        }
        out
    }
}

/// The secret, its hex and base64 forms, and for prefixed or encoded secrets the forms of what
/// they decode to — every way it could leak. Very short forms are left out (false positives).
fn secret_forms(secret: &str) -> Vec<String> {
    let mut bytes = vec![secret.trim().as_bytes().to_vec()];
    if let Some(rest) = secret.trim().strip_prefix("whsec_") {
        bytes.push(rest.as_bytes().to_vec());
        if let Ok(decoded) = STANDARD.decode(rest) {
            bytes.push(decoded);
        }
    }
    if let Ok(decoded) = hex::decode(secret.trim()) {
        bytes.push(decoded);
    }
    let mut forms = Vec::new();
    for b in bytes {
        forms.push(String::from_utf8_lossy(&b).into_owned());
        forms.push(hex::encode(&b));
        forms.push(STANDARD.encode(&b));
        forms.push(URL_SAFE.encode(&b));
        forms.push(STANDARD.encode(&b).trim_end_matches('=').to_owned());
    }
    forms.retain(|f| f.len() >= 8);
    forms
}

/// The signatures inside signature header values (long base64/hex runs), to forbid them.
fn signature_tokens(headers: &http::HeaderMap) -> Vec<String> {
    let mut out = Vec::new();
    for value in headers.values() {
        let text = value.to_str().unwrap();
        for token in text.split(|c: char| !(c.is_ascii_alphanumeric() || "+/=".contains(c))) {
            if token.len() >= 16 && !token.bytes().all(|b| b.is_ascii_digit()) {
                out.push(token.to_owned());
            }
        }
    }
    out
}

fn header_lines(headers: &http::HeaderMap) -> Vec<String> {
    headers
        .iter()
        .map(|(n, v)| format!("{n}: {}", v.to_str().unwrap()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Fixtures.

#[derive(Deserialize)]
struct Fixture {
    cases: Vec<Case>,
}

#[derive(Deserialize, Clone)]
struct Case {
    name: String,
    secret: String,
    #[serde(default)]
    signing_key: Option<String>,
    headers: Vec<(String, String)>,
    body: String,
    #[serde(default)]
    url: Option<String>,
    now: u64,
    sdk_verdict: String,
    #[serde(default)]
    certificate: Option<String>,
    #[serde(default)]
    webhook_id: Option<String>,
}

/// Writes `text` to a file of its own under the temporary directory and returns its path.
fn temp_file(name: &str, text: &str) -> String {
    let path =
        std::env::temp_dir().join(format!("webhook-guard-cli-{}-{name}", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

fn fixture(provider: &str) -> Vec<Case> {
    let path = format!(
        "{}/tests/vectors/{provider}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let f: Fixture = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    f.cases
}

fn signing_key(provider: &str) -> String {
    fixture(provider)
        .into_iter()
        .find_map(|c| c.signing_key)
        .unwrap()
}

fn public_key(provider: &str) -> String {
    fixture(provider)
        .into_iter()
        .find(|c| c.signing_key.is_some())
        .unwrap()
        .secret
}

// ---------------------------------------------------------------------------------------------
// providers

#[test]
fn providers_lists_every_preset_on_one_line() {
    let out = wg(&["providers"]).run();
    assert_eq!(out.code, 0, "{out:?}");
    let lines = out.lines();
    assert_eq!(lines.len(), providers::names().len());
    for (line, name) in lines.iter().zip(providers::names()) {
        assert!(line.starts_with(&format!("{name} ")), "{line}");
    }
    let stripe = lines[0];
    for part in [
        "stripe-signature: t=<ts>,v1=<sig>",
        "hmac-sha256",
        "hex",
        "±300 s",
    ] {
        assert!(stripe.contains(part), "{stripe}");
    }
    let line = |name: &str| {
        *lines
            .iter()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap()
    };
    assert!(line("github").ends_with("none (no timestamp)"));
    assert!(line("sendgrid").contains("ecdsa-p256-sha256"));
    assert!(line("sendgrid").ends_with("90000 s past, 300 s future"));
    assert!(line("sendgrid").contains("ecdsa-p256-sha256"));
    assert!(line("paddle").ends_with("±5 s"));
    assert!(line("discord").contains("hex (any case)"));
}

#[test]
fn help_documents_every_command_and_option() {
    let out = wg(&["--help"]).run();
    assert_eq!(out.code, 0);
    for cmd in ["providers", "verify", "sign", "explain", "Exit status"] {
        assert!(out.stdout.contains(cmd), "{cmd}: {}", out.stdout);
    }
    let out = wg(&["verify", "--help"]).run();
    assert_eq!(out.code, 0);
    for opt in [
        "--provider",
        "--secret",
        "--secret-env",
        "--header",
        "--body-file",
        "--url",
        "--now",
        "--tolerance",
        "standard-webhooks",
    ] {
        assert!(out.stdout.contains(opt), "{opt}: {}", out.stdout);
    }
    let out = wg(&["sign", "--help"]).run();
    for opt in ["--timestamp", "--id", "--url", "private key"] {
        assert!(out.stdout.contains(opt), "{opt}: {}", out.stdout);
    }
    let out = wg(&["explain", "--help"]).run();
    assert!(out.stdout.contains("re-serialized"));
}

// ---------------------------------------------------------------------------------------------
// sign → verify, every provider

/// How each provider signs and verifies in the round trip.
struct RoundTrip {
    provider: &'static str,
    sign_key: String,
    /// `None`: the same as `sign_key`; asymmetric schemes verify with the public key, which
    /// `sign` prints on stderr.
    verify_key: Option<String>,
    body: Vec<u8>,
    url: Option<&'static str>,
    signs_body: bool,
}

fn round_trips() -> Vec<RoundTrip> {
    let json = br#"{"id":"evt_1","type":"invoice.paid","amount":1200}"#.to_vec();
    let hmac = |provider, key: &str| RoundTrip {
        provider,
        sign_key: key.to_owned(),
        verify_key: None,
        body: json.clone(),
        url: None,
        signs_body: true,
    };
    vec![
        hmac("stripe", "whsec_7bTQk1vYp2Zr9mXcL4sWe8NhJd3GfA6u"),
        hmac("github", "It's a Secret to Everybody"),
        hmac("github-sha1", "It's a Secret to Everybody"),
        hmac("shopify", "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"),
        hmac("slack", "8f742231b10e8888abcd99eeefff85a5"),
        RoundTrip {
            url: Some("https://example.com/twilio/sms?x=1"),
            body: b"Body=Hello+World&From=%2B14155551234&To=".to_vec(),
            ..hmac("twilio", "12345678901234567890abcdefabcdef")
        },
        hmac("woocommerce", "Yk2;vE7]nQ4$hZ9@dU6&amp;"),
        hmac(
            "standard-webhooks",
            "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
        ),
        RoundTrip {
            verify_key: Some("whpk_/UbiBBm9TojNMJC6OVLccNtUu19ynws80F45y++06jE=".into()),
            ..hmac(
                "standard-webhooks",
                "whsk_zrMVNUYrYA8izsm2Bfjn1tvcF/RaLr2yVqbdtUXT3ec=",
            )
        },
        hmac("svix", "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"),
        RoundTrip {
            verify_key: Some("whpk_/UbiBBm9TojNMJC6OVLccNtUu19ynws80F45y++06jE=".into()),
            ..hmac("svix", "whsk_zrMVNUYrYA8izsm2Bfjn1tvcF/RaLr2yVqbdtUXT3ec=")
        },
        hmac(
            "calendly",
            "Xk2vP9mQ4tL7wR1zB8nC5yH3jF6dG0sA_calendly-signing-key",
        ),
        hmac("easytools", "ets_9f8e7d6c5b4a3210fedcba9876543210"),
        RoundTrip {
            verify_key: Some(public_key("sendgrid")),
            body: b"[{\"email\":\"a@example.com\",\"event\":\"processed\"}]\r\n".to_vec(),
            ..hmac("sendgrid", &signing_key("sendgrid"))
        },
        hmac(
            "paddle",
            "pdl_ntfset_01hv8x2acma2yb1k1qqxv6z6f1_cvv3TzmhPhyNh8A6B4OX3e0r5mGRbJbH",
        ),
        RoundTrip {
            body: format!(r#"{{"action":"create","webhookTimestamp":{}000}}"#, T - 2).into_bytes(),
            ..hmac("linear", "lin_wh_5Kx9Qm2Vp7Lr4Tz8Nb1Yc6Hd3Jf0GaWe")
        },
        hmac("zoom", "aBcDeFgHiJkLmNoPqRsTuV"),
        RoundTrip {
            body: format!(
                r#"{{"time_ms":{}000,"events":[{{"name":"channel_occupied","channel":"c"}}]}}"#,
                T - 2
            )
            .into_bytes(),
            ..hmac("pusher", "7ad3773142a6692b25b8")
        },
        RoundTrip {
            url: Some("https://example.com/webhooks/square"),
            ..hmac("square", "Ej3v7pQ9xT2mW5rY8zB1nC4k")
        },
        RoundTrip {
            body: br#"{"event-data":{"event":"delivered","id":"e1"}}"#.to_vec(),
            signs_body: false,
            ..hmac(
                "mailgun",
                "6f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e-1a2b3c4d-5e6f7a8b",
            )
        },
        hmac("intercom", "3c1f2e4d5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d"),
        RoundTrip {
            signs_body: false,
            ..hmac("gitlab", "glwt-5up3r_s3cr3t-T0k3n")
        },
        hmac("bitbucket", "bb-webhook-secret-7Hq2Lp9Zx"),
        RoundTrip {
            verify_key: Some(public_key("discord")),
            ..hmac("discord", &signing_key("discord"))
        },
        RoundTrip {
            verify_key: Some(public_key("telnyx")),
            ..hmac("telnyx", &signing_key("telnyx"))
        },
        RoundTrip {
            body: br#"{"live":"false","notificationItems":[{"NotificationRequestItem":{"amount":{"currency":"EUR","value":1130},"eventCode":"AUTHORISATION","merchantAccountCode":"TestMerchant","merchantReference":"order-1","pspReference":"7914073381342284","success":"true"}}]}"#.to_vec(),
            // Only some fields of the body are signed.
            signs_body: false,
            ..hmac("adyen", &"5a".repeat(32))
        },
        RoundTrip {
            url: Some("https://example.com/plivo/answer?x=1"),
            body: b"CallUUID=abc&From=14155551234&To=".to_vec(),
            ..hmac("plivo", "plivo auth token")
        },
    ]
}

/// The round trip of a preset with no needs of its own: a secret of the form its key format
/// takes, a JSON body, a URL when it signs one.
fn default_trip(provider: &'static str) -> RoundTrip {
    use base64::Engine as _;
    let scheme = providers::by_name(provider).unwrap();
    let key = match scheme.key_format() {
        KeyFormat::Base64 => base64::engine::general_purpose::STANDARD.encode([0x5a; 32]),
        KeyFormat::Hex => hex::encode([0x5a; 32]),
        KeyFormat::StandardWebhooks => "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD".to_owned(),
        format if format.is_public_key() => panic!("{provider}: give its round trip explicitly"),
        _ => format!("{provider} round-trip secret 5c3e"),
    };
    RoundTrip {
        provider,
        sign_key: key,
        verify_key: None,
        body: br#"{"id":"evt_1","type":"invoice.paid","amount":1200}"#.to_vec(),
        url: scheme
            .signs_url()
            .then_some("https://example.com/webhooks/round-trip?x=1"),
        signs_body: scheme.algorithm() != Algorithm::Token,
    }
}

#[test]
fn every_provider_signs_and_verifies_its_own_delivery() {
    let mut trips = round_trips();
    for name in providers::names() {
        // Signed by the provider only (RSA certificates, Plaid's JWT): their fixtures verify in
        // `sdk_fixtures_verify_from_the_command_line`.
        if providers::by_name(name).unwrap().fetches_keys() {
            continue;
        }
        if !trips.iter().any(|t| t.provider == name) {
            trips.push(default_trip(name));
        }
    }
    for trip in trips {
        let p = trip.provider;
        let mut sign = wg(&["sign", "--provider", p, "--timestamp", &T.to_string()])
            .secret(&trip.sign_key)
            .body(&trip.body);
        if let Some(url) = trip.url {
            sign = sign.args(&["--url", url]);
        }
        // Token schemes (GitLab, Buildkite's token mode) send the secret itself.
        sign.secret_may_be_printed =
            providers::by_name(p).is_some_and(|s| s.algorithm() == Algorithm::Token);
        let signed = sign.run();
        assert_eq!(signed.code, 0, "{p}: {signed:?}");

        let verify_key = match &trip.verify_key {
            Some(key) => {
                let printed = signed
                    .stderr
                    .lines()
                    .find_map(|l| l.strip_prefix("public key (for verify --secret): "))
                    .unwrap_or_else(|| panic!("{p}: no public key in {signed:?}"));
                assert_eq!(printed, key, "{p}");
                key.clone()
            }
            None => trip.sign_key.clone(),
        };
        let (headers, body) = if p == "mailgun" {
            // Mailgun signs no header: `sign` prints the body with its signature fields.
            assert!(
                signed
                    .stdout
                    .starts_with(r#"{"signature":{"timestamp":"1700000000","#)
            );
            assert!(
                signed
                    .stdout
                    .contains(r#""event-data":{"event":"delivered","id":"e1"}"#)
            );
            (Vec::new(), signed.stdout.clone().into_bytes())
        } else if providers::by_name(p).is_some_and(|s| s.signature_header().is_none()) {
            // Adyen: `sign` prints the body with its signature.
            assert!(
                signed.stderr.contains("no signature header"),
                "{p}: {signed:?}"
            );
            (Vec::new(), signed.stdout.clone().into_bytes())
        } else {
            (signed.header_args(), trip.body.clone())
        };

        let verify = |body: &[u8]| {
            let mut call = wg(&["verify", "--provider", p, "--now", &(T + 5).to_string()])
                .secret(&verify_key)
                .forbid(secret_forms(&trip.sign_key))
                .headers(&headers)
                .body(body);
            if let Some(url) = trip.url {
                call = call.args(&["--url", url]);
            }
            call.run()
        };
        let out = verify(&body);
        assert_eq!(out.code, 0, "{p}: {out:?}");
        assert_eq!(out.lines()[0], "verified", "{p}");
        assert_eq!(out.value("provider"), Some(p));
        assert_eq!(out.value("secret"), Some("--secret #1"));

        if trip.signs_body {
            let mut tampered = body.clone();
            let i = tampered.len() / 2;
            tampered[i] ^= 0x01;
            let out = verify(&tampered);
            assert_eq!(out.code, 1, "{p}: {out:?}");
            assert_eq!(out.lines()[0], "rejected: signature_mismatch", "{p}");
        }

        // `explain` knows every scheme: a JSON body re-serialized after signing (Python's
        // `json.dumps` spacing) is found.
        if trip.signs_body && body.first() == Some(&b'{') {
            let pretty = String::from_utf8(body.clone())
                .unwrap()
                .replace(",\"", ", \"")
                .replace("\":", "\": ")
                .into_bytes();
            let mut call = wg(&["explain", "--provider", p, "--now", &(T + 5).to_string()])
                .secret(&verify_key)
                .forbid(secret_forms(&trip.sign_key))
                .headers(&headers)
                .body(&pretty);
            if let Some(url) = trip.url {
                call = call.args(&["--url", url]);
            }
            let out = call.run();
            assert_eq!(out.code, 1, "{p}: {out:?}");
            assert_eq!(
                out.causes().first().copied(),
                Some("body-reserialized"),
                "{p}: {out:?}"
            );
        }
    }
}

#[test]
fn sign_prints_curl_ready_headers() {
    let out = wg(&[
        "sign",
        "--provider",
        "standard-webhooks",
        "--timestamp",
        "1649367553",
        "--id",
        "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
    ])
    .secret("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")
    .body(br#"{"email":"test@example.com","username":"test_user"}"#)
    .run();
    assert_eq!(out.code, 0, "{out:?}");
    // Standard Webhooks' known answer.
    let mut lines = out.lines();
    lines.sort_unstable();
    assert_eq!(
        lines,
        [
            "webhook-id: msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
            "webhook-signature: v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=",
            "webhook-timestamp: 1649367553",
        ]
    );
    // Without --id a fresh one is made.
    let a = wg(&["sign", "--provider", "svix"])
        .secret("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")
        .run();
    let b = wg(&["sign", "--provider", "svix"])
        .secret("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")
        .run();
    let id = |o: &Out| {
        o.lines()
            .into_iter()
            .find(|l| l.starts_with("svix-id: msg_"))
            .map(str::to_owned)
    };
    assert!(id(&a).is_some() && id(&a) != id(&b), "{a:?} {b:?}");
}

#[test]
fn sign_mailgun_fills_a_form_body() {
    let out = wg(&[
        "sign",
        "--provider",
        "mailgun",
        "--timestamp",
        &T.to_string(),
        "--id",
        "tok123",
    ])
    .secret("mailgun-key-123")
    .body(b"event=delivered&token=old&recipient=a%40example.com")
    .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.starts_with(
            "event=delivered&recipient=a%40example.com&timestamp=1700000000&token=tok123&signature="
        ),
        "{out:?}"
    );
    let verified = wg(&["verify", "--provider", "mailgun", "--now", &T.to_string()])
        .secret("mailgun-key-123")
        .body(out.stdout.as_bytes())
        .run();
    assert_eq!(verified.code, 0, "{verified:?}");
}

// ---------------------------------------------------------------------------------------------
// verify

#[test]
fn sdk_fixtures_verify_from_the_command_line() {
    for name in providers::names() {
        let case = fixture(name)
            .into_iter()
            // Twilio's `sk_` cases need its SharedKey preset, which `--provider twilio` is not.
            .find(|c| {
                c.sdk_verdict == "valid" && !(name == "twilio" && c.secret.starts_with("sk_"))
            })
            .unwrap();
        let headers: Vec<String> = case
            .headers
            .iter()
            .map(|(n, v)| format!("{n}: {v}"))
            .collect();
        let mut call = wg(&["verify", "--provider", name, "--now", &case.now.to_string()])
            .headers(&headers)
            .body(case.body.as_bytes());
        if providers::by_name(name).unwrap().fetches_keys() {
            // The key the delivery names, from a file instead of fetched.
            let key = case.certificate.as_deref().unwrap_or(&case.secret);
            call = call.args(&["--cert-file", &temp_file(name, key)]);
        } else {
            call = call.secret(&case.secret);
        }
        if let Some(id) = &case.webhook_id {
            call = call.args(&["--webhook-id", id]);
        }
        if let Some(url) = &case.url {
            call = call.args(&["--url", url]);
        }
        let out = call.run();
        assert_eq!(out.code, 0, "{name}/{}: {out:?}", case.name);
        assert_eq!(out.value("provider"), Some(name));
    }
}

#[test]
fn cert_file_verifies_a_fetched_key_delivery_without_a_secret() {
    let cases = fixture("aws-sns");
    let find = |name: &str| cases.iter().find(|c| c.name == name).unwrap().clone();
    let genuine = find("notification_sigv1_sha1");
    let cert = temp_file("sns.pem", genuine.certificate.as_deref().unwrap());
    let verify = |case: &Case| {
        wg(&[
            "verify",
            "--provider",
            "aws-sns",
            "--now",
            &case.now.to_string(),
        ])
        .args(&["--cert-file", &cert])
        .body(case.body.as_bytes())
        .run()
    };
    let out = verify(&genuine);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.lines()[0], "verified");
    assert_eq!(out.value("provider"), Some("aws-sns"));
    assert_eq!(out.value("secret"), Some(&*format!("--cert-file {cert}")));

    let tampered = find("tampered_message");
    let out = verify(&tampered);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.lines()[0], "rejected: signature_mismatch");

    // A certificate URL off the allow-list is refused even with the right key at hand.
    let foreign = find("cert_url_pem_only_in_query");
    let out = verify(&foreign);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.lines()[0], "rejected: untrusted_key_location");
    assert!(
        out.value("reason").unwrap().contains("allow-list"),
        "{out:?}"
    );

    // PayPal needs its webhook id; a missing file is a usage error.
    let paypal = fixture("paypal").remove(0);
    let pem = temp_file("paypal.pem", paypal.certificate.as_deref().unwrap());
    let headers: Vec<String> = paypal
        .headers
        .iter()
        .map(|(n, v)| format!("{n}: {v}"))
        .collect();
    let base = || {
        wg(&[
            "verify",
            "--provider",
            "paypal",
            "--now",
            &paypal.now.to_string(),
        ])
        .args(&["--cert-file", &pem])
        .headers(&headers)
        .body(paypal.body.as_bytes())
    };
    let out = base().run();
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("--webhook-id"), "{out:?}");
    let out = base().args(&["--webhook-id", "9XL90610J3647323C"]).run();
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.value("delivery-id"),
        Some("d938e770-8046-11e6-8103-6b62a8a99ac4")
    );
    let out = base().args(&["--webhook-id", "4JH86294D6297924G"]).run();
    assert_eq!(out.lines()[0], "rejected: signature_mismatch", "{out:?}");
    let out = wg(&[
        "verify",
        "--provider",
        "aws-sns",
        "--cert-file",
        "/nonexistent/cert.pem",
    ])
    .body(genuine.body.as_bytes())
    .run();
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("--cert-file /nonexistent/cert.pem"),
        "{out:?}"
    );
    let out = wg(&[
        "verify",
        "--provider",
        "github",
        "--secret",
        "s",
        "--webhook-id",
        "x",
    ])
    .run();
    assert_eq!(out.code, 2, "{out:?}");
}

#[test]
fn verified_output_names_delivery_timestamp_and_secret() {
    let case = fixture("standard-webhooks").remove(0);
    let headers: Vec<String> = case
        .headers
        .iter()
        .map(|(n, v)| format!("{n}: {v}"))
        .collect();
    let out = wg(&[
        "verify",
        "--provider",
        "standard-webhooks",
        "--now",
        "1649367563",
    ])
    .secret("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
    .secret_env("WG_TEST_ROTATED", &case.secret)
    .headers(&headers)
    .body(case.body.as_bytes())
    .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.lines(),
        [
            "verified",
            "provider: standard-webhooks",
            "delivery-id: msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
            "timestamp: 1649367553 (2022-04-07T21:39:13Z, 10 s in the past)",
            "secret: --secret-env WG_TEST_ROTATED",
        ]
    );
}

#[test]
fn rotation_reports_which_secret_matched() {
    let body = b"{}";
    let headers = sign_with(providers::github(), "new-secret", body, None);
    let out = wg(&["verify", "--provider", "github"])
        .secret("old-secret")
        .secret("new-secret")
        .headers(&headers)
        .body(body)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.value("secret"), Some("--secret #2"));
    assert_eq!(out.value("timestamp"), Some("none"));
    assert_eq!(out.value("delivery-id"), Some("none"));
}

#[test]
fn now_verifies_a_captured_delivery_and_tolerance_widens_the_window() {
    let c = fixture("stripe").remove(0);
    let headers: Vec<String> = c.headers.iter().map(|(n, v)| format!("{n}: {v}")).collect();
    let run = |extra: &[&str]| {
        wg(&["verify", "--provider", "stripe"])
            .secret(&c.secret)
            .headers(&headers)
            .body(c.body.as_bytes())
            .args(extra)
            .run()
    };
    // Captured years ago: stale now, fine as of its arrival.
    let out = run(&[]);
    assert_eq!(
        (out.code, out.lines()[0]),
        (1, "rejected: timestamp_too_old")
    );
    assert!(out.value("reason").unwrap().contains("further in the past"));
    assert_eq!(run(&["--now", &c.now.to_string()]).code, 0);
    let late = (c.now + 400).to_string();
    assert_eq!(run(&["--now", &late]).code, 1);
    assert_eq!(run(&["--now", &late, "--tolerance", "500"]).code, 0);
}

#[test]
fn rejections_print_the_kind_and_a_reason() {
    let out = wg(&["verify", "--provider", "stripe"])
        .secret("whsec_x1234567")
        .run();
    assert_eq!(out.code, 1);
    assert_eq!(out.lines()[0], "rejected: missing_header");
    assert!(out.value("reason").unwrap().contains("`stripe-signature`"));
    assert!(out.value("hint").unwrap().contains("explain"));

    let headers = sign_with(providers::github(), "s3cret", b"{}", None);
    let out = wg(&["verify", "--provider", "github"])
        .secret("s3cret")
        .headers(&headers)
        .headers(&["Content-Encoding: gzip".to_owned()])
        .body(b"{}")
        .run();
    assert_eq!(out.lines()[0], "rejected: unsupported_content_encoding");

    let big = vec![b'a'; 1024 * 1024 + 1];
    let headers = sign_with(providers::easytools(), "s3cret", &big, None);
    let out = wg(&["verify", "--provider", "easytools"])
        .secret("s3cret")
        .headers(&headers)
        .body(&big)
        .run();
    assert_eq!(out.lines()[0], "rejected: body_too_large");
}

#[test]
fn body_file_reads_raw_bytes_and_no_body_is_an_empty_body() {
    let body = b"\xEF\xBB\xBF{\"a\":1}\r\n\x00\xff";
    let path = std::env::temp_dir().join(format!("wg-cli-body-{}", std::process::id()));
    std::fs::write(&path, body).unwrap();
    let headers = sign_with(providers::github(), "s3cret", body, None);
    let out = wg(&["verify", "--provider", "github", "--body-file"])
        .arg(path.to_str().unwrap())
        .secret("s3cret")
        .headers(&headers)
        .run();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(out.code, 0, "{out:?}");

    let headers = sign_with(providers::github(), "s3cret", b"", None);
    let out = wg(&["verify", "--provider", "github"])
        .secret("s3cret")
        .headers(&headers)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn usage_and_configuration_errors_exit_2() {
    let gh = |extra: &[&str]| wg(&["verify", "--provider", "github"]).args(extra).run();
    let cases: Vec<(Out, &str)> = vec![
        (
            wg(&["verify", "--provider", "nope", "--secret", "s3cret-value"]).run(),
            "invalid value 'nope'",
        ),
        (wg(&["verify", "--provider", "github"]).run(), "--secret"),
        (gh(&["--secret", "   "]), "empty"),
        (
            gh(&["--secret", "x", "--body-file", "/nonexistent/body"]),
            "cannot read",
        ),
        (gh(&["--secret-env", "WG_TEST_UNSET_VARIABLE"]), "not set"),
        (gh(&["--secret", "x", "-H", "no colon here"]), "no `:`"),
        (
            gh(&["--secret", "x", "-H", "bad name: 1"]),
            "not a valid header name",
        ),
        (
            gh(&["--secret", "x", "--now", "yesterday"]),
            "invalid value",
        ),
        (
            wg(&[
                "verify",
                "--provider",
                "stripe",
                "--secret",
                "x",
                "--tolerance",
                "0",
            ])
            .run(),
            "tolerance",
        ),
        (
            gh(&[
                "--secret", "a", "--secret", "b", "--secret", "c", "--secret", "d", "--secret", "e",
            ]),
            "at most 4",
        ),
        (
            wg(&["verify", "--provider", "twilio", "--secret", "x"]).run(),
            "--url",
        ),
        (
            wg(&[
                "verify",
                "--provider",
                "square",
                "--secret",
                "x",
                "--url",
                "ftp://x",
            ])
            .run(),
            "public URL",
        ),
        (
            wg(&["verify", "--provider", "discord", "--secret", "not-a-key"]).run(),
            "invalid key",
        ),
        (
            wg(&[
                "verify",
                "--provider",
                "standard-webhooks",
                "--secret",
                "whsec_%%%",
            ])
            .run(),
            "base64",
        ),
        (
            wg(&[
                "verify",
                "--provider",
                "svix",
                "--secret",
                "whpk_/UbiBBm9TojNMJC6OVLccNtUu19ynws80F45y++06jE=",
                "--secret",
                "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            ])
            .run(),
            "not both",
        ),
        (
            wg(&[
                "sign",
                "--provider",
                "github",
                "--secret",
                "a",
                "--secret",
                "b",
            ])
            .run(),
            "--secret",
        ),
        (
            wg(&["sign", "--provider", "discord", "--secret", "0011"]).run(),
            "invalid key",
        ),
        (
            wg(&[
                "sign",
                "--provider",
                "svix",
                "--secret",
                "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
                "--id",
                "bad.id",
            ])
            .run(),
            "delivery id",
        ),
        (
            wg(&["explain", "--provider", "square", "--secret", "x"]).run(),
            "--url",
        ),
        (wg(&["bogus"]).run(), "unrecognized subcommand"),
    ];
    for (out, needle) in cases {
        assert_eq!(out.code, 2, "{needle}: {out:?}");
        assert!(out.stdout.is_empty(), "{needle}: {out:?}");
        assert!(out.stderr.contains(needle), "{needle}: {out:?}");
    }
}

#[test]
fn a_secret_quoted_by_a_usage_error_is_redacted() {
    // A secret that looks like an option is taken as the secret's value; a stray one is blanked.
    let out = wg(&[
        "verify",
        "--provider",
        "github",
        "--secret",
        "-dash-secret-1",
        "--bogus",
    ])
    .run();
    assert_eq!(out.code, 2);
    assert!(!out.stderr.contains("dash-secret-1"), "{out:?}");
    let out = wg(&[
        "verify",
        "--provider",
        "github",
        "--secret",
        "s3cret-value-42",
        "s3cret-value-42",
    ])
    .run();
    assert_eq!(out.code, 2);
    assert!(!out.stderr.contains("s3cret-value-42"), "{out:?}");
    assert!(out.stderr.contains("[REDACTED]"), "{out:?}");
}

// ---------------------------------------------------------------------------------------------
// explain: one test per diagnosis, each making exactly that mistake.

/// Signature headers for `body`, as a (possibly mistaken) sender makes them, signed at `T`.
fn sign_with(scheme: Scheme, secret: &str, body: &[u8], url: Option<&str>) -> Vec<String> {
    sign_secret(scheme, Secret::new(secret).unwrap(), body, url)
}

fn sign_secret(scheme: Scheme, secret: Secret, body: &[u8], url: Option<&str>) -> Vec<String> {
    sign_secret_at(scheme, secret, body, url, T)
}

fn sign_secret_at(
    scheme: Scheme,
    secret: Secret,
    body: &[u8],
    url: Option<&str>,
    ts: u64,
) -> Vec<String> {
    let uri: http::Uri = match url {
        Some(u) => {
            let u: http::Uri = u.parse().unwrap();
            u.path_and_query().unwrap().as_str().parse().unwrap()
        }
        None => "/".parse().unwrap(),
    };
    let headers = Signer::new(scheme, secret)
        .unwrap()
        .sign_request_headers(&uri, body, at(ts), Some("msg_1"))
        .unwrap();
    header_lines(&headers)
}

/// The signatures `verify` expects for `body` under the user's configuration: they must never be
/// printed.
fn expected_signatures(
    provider: &str,
    secret: &str,
    body: &[u8],
    url: Option<&str>,
) -> Vec<String> {
    let mut scheme = providers::by_name(provider).unwrap();
    if let Some(u) = url {
        scheme = scheme.public_url(PublicUrl::exact(u).unwrap());
    }
    let Ok(secret) = Secret::new(secret) else {
        return Vec::new();
    };
    let Ok(signer) = Signer::new(scheme, secret) else {
        return Vec::new();
    };
    let uri: http::Uri = "/".parse().unwrap();
    match signer.sign_request_headers(&uri, body, at(T), Some("msg_1")) {
        Ok(h) => signature_tokens(&h),
        Err(_) => Vec::new(),
    }
}

/// `explain` as of `T`, with the user's configuration and the delivery as they have it.
fn explain(provider: &str, secret: &str, headers: &[String], body: &[u8], extra: &[&str]) -> Out {
    let url = extra
        .iter()
        .position(|a| *a == "--url")
        .map(|i| extra[i + 1]);
    let out = wg(&["explain", "--provider", provider, "--now", &T.to_string()])
        .secret(secret)
        .headers(headers)
        .body(body)
        .args(extra)
        .forbid(expected_signatures(provider, secret, body, url))
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.lines()[0].starts_with("rejected: "), "{out:?}");
    assert!(out.value("reason").is_some(), "{out:?}");
    assert!(
        out.value("diagnosis").is_some() && out.value("fix").is_some(),
        "{out:?}"
    );
    out
}

fn assert_diagnosis(out: &Out, cause: &str, phrases: &[&str]) {
    assert_eq!(out.causes().first().copied(), Some(cause), "{out:?}");
    let text = format!(
        "{} {}",
        out.value("diagnosis").unwrap(),
        out.value("fix").unwrap()
    );
    for phrase in phrases {
        assert!(text.contains(phrase), "`{phrase}` in {text}");
    }
}

const STRIPE: &str = "whsec_7bTQk1vYp2Zr9mXcL4sWe8NhJd3GfA6u";
const SW: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

#[test]
fn explain_says_verified_when_there_is_nothing_to_explain() {
    let headers = sign_with(providers::stripe(), STRIPE, b"{}", None);
    let out = wg(&["explain", "--provider", "stripe", "--now", &T.to_string()])
        .secret(STRIPE)
        .headers(&headers)
        .body(b"{}")
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.lines()[0], "verified");
}

#[test]
fn explain_body_reserialized_compact_to_pretty() {
    let signed = br#"{"id":"evt_1","data":{"amount":1200,"tags":["a","b"]}}"#;
    let headers = sign_with(providers::stripe(), STRIPE, signed, None);
    let pretty = b"{\n  \"id\": \"evt_1\",\n  \"data\": {\n    \"amount\": 1200,\n    \"tags\": [\n      \"a\",\n      \"b\"\n    ]\n  }\n}";
    let out = explain("stripe", STRIPE, &headers, pretty, &[]);
    assert_diagnosis(
        &out,
        "body-reserialized",
        &["compact, without whitespace", "raw request bytes"],
    );
}

#[test]
fn explain_body_reserialized_pretty_to_compact() {
    let signed = b"{\n    \"event\": \"ping\",\n    \"n\": 1\n}";
    let headers = sign_with(providers::github(), "s3cret", signed, None);
    let out = explain(
        "github",
        "s3cret",
        &headers,
        br#"{"event":"ping","n":1}"#,
        &[],
    );
    assert_diagnosis(
        &out,
        "body-reserialized",
        &["pretty-printed with 4-space indentation"],
    );
}

#[test]
fn explain_body_reserialized_python_spacing() {
    let signed = br#"{"event": "ping", "n": [1, 2]}"#;
    let headers = sign_with(
        providers::slack(),
        "8f742231b10e8888abcd99eeefff85a5",
        signed,
        None,
    );
    let out = explain(
        "slack",
        "8f742231b10e8888abcd99eeefff85a5",
        &headers,
        br#"{"event":"ping","n":[1,2]}"#,
        &[],
    );
    assert_diagnosis(&out, "body-reserialized", &["Python's json.dumps default"]);
}

#[test]
fn explain_body_reserialized_key_order() {
    let signed = br#"{"amount":1,"currency":"eur","id":"x"}"#;
    let headers = sign_with(providers::shopify(), "shpss_0f1e2d3c", signed, None);
    let out = explain(
        "shopify",
        "shpss_0f1e2d3c",
        &headers,
        br#"{"id":"x","amount":1,"currency":"eur"}"#,
        &[],
    );
    assert_diagnosis(&out, "body-reserialized", &["keys in sorted order"]);
}

#[test]
fn explain_body_reserialized_escaped_slashes() {
    // WooCommerce bodies come from PHP's json_encode: `/` is escaped as `\/`.
    let signed = br#"{"permalink":"https:\/\/shop.example.com\/p\/1"}"#;
    let secret = "Yk2;vE7]nQ4$hZ9@dU6";
    let headers = sign_with(providers::woocommerce(), secret, signed, None);
    let out = explain(
        "woocommerce",
        secret,
        &headers,
        br#"{"permalink":"https://shop.example.com/p/1"}"#,
        &[],
    );
    assert_diagnosis(&out, "body-reserialized", &["`/` escaped as `\\/`"]);
}

#[test]
fn explain_body_reserialized_escaped_unicode() {
    let signed = br#"{"name":"Jos\u00e9 \ud83d\ude00"}"#;
    let headers = sign_with(providers::github(), "s3cret", signed, None);
    let out = explain(
        "github",
        "s3cret",
        &headers,
        "{\"name\":\"José 😀\"}".as_bytes(),
        &[],
    );
    assert_diagnosis(&out, "body-reserialized", &["escaped as `\\uXXXX`"]);

    // And the reverse: the sender wrote UTF-8, the copy has escapes.
    let headers = sign_with(
        providers::github(),
        "s3cret",
        "{\"name\":\"José\"}".as_bytes(),
        None,
    );
    let out = explain(
        "github",
        "s3cret",
        &headers,
        br#"{"name":"Jos\u00e9"}"#,
        &[],
    );
    assert_diagnosis(
        &out,
        "body-reserialized",
        &["written as the characters themselves"],
    );
}

#[test]
fn explain_trailing_newline_missing_or_added() {
    let headers = sign_with(providers::github(), "s3cret", b"{\"a\":1}\n", None);
    let out = explain("github", "s3cret", &headers, b"{\"a\":1}", &[]);
    assert_diagnosis(
        &out,
        "body-newline",
        &[
            "ends with a newline (\\n) that your copy lacks",
            "--data-binary",
        ],
    );

    let headers = sign_with(providers::github(), "s3cret", b"plain text", None);
    let out = explain("github", "s3cret", &headers, b"plain text\n", &[]);
    assert_diagnosis(
        &out,
        "body-newline",
        &["your copy of the body ends with a newline"],
    );
}

#[test]
fn explain_crlf_line_endings() {
    // SendGrid bodies end every event with CRLF, and those bytes are signed.
    let signed = b"[{\"event\":\"open\"},\r\n{\"event\":\"click\"}]\r\n";
    let headers = sign_secret(
        providers::sendgrid(),
        Secret::new(signing_key("sendgrid")).unwrap(),
        signed,
        None,
    );
    let out = explain(
        "sendgrid",
        &public_key("sendgrid"),
        &headers,
        b"[{\"event\":\"open\"},\n{\"event\":\"click\"}]\n",
        &[],
    );
    assert_diagnosis(
        &out,
        "body-newline",
        &["CRLF (\\r\\n) line endings where your copy has LF"],
    );
}

#[test]
fn explain_byte_order_mark() {
    let headers = sign_with(
        providers::bitbucket(),
        "bb-secret",
        b"\xEF\xBB\xBF{\"a\":1}",
        None,
    );
    let out = explain("bitbucket", "bb-secret", &headers, b"{\"a\":1}", &[]);
    assert_diagnosis(&out, "body-bom", &["byte-order mark"]);

    let headers = sign_with(providers::bitbucket(), "bb-secret", b"{\"a\":1}", None);
    let out = explain(
        "bitbucket",
        "bb-secret",
        &headers,
        b"\xEF\xBB\xBF{\"a\":1}",
        &[],
    );
    assert_diagnosis(
        &out,
        "body-bom",
        &["your copy of the body starts with a UTF-8 byte-order mark"],
    );
}

#[test]
fn explain_secret_with_a_trailing_newline_at_the_sender() {
    let headers = sign_secret(
        providers::github(),
        Secret::from_bytes(b"s3cret-value\n".to_vec()).unwrap(),
        b"{}",
        None,
    );
    let out = explain("github", "s3cret-value", &headers, b"{}", &[]);
    assert_diagnosis(
        &out,
        "secret-whitespace",
        &["--secret #1 followed by a newline", "Secret::from_bytes"],
    );
}

#[test]
fn explain_secret_given_with_whitespace_the_sender_keeps() {
    let headers = sign_secret(
        providers::easytools(),
        Secret::from_bytes(b" padded-secret ".to_vec()).unwrap(),
        b"{}",
        None,
    );
    let out = explain("easytools", " padded-secret ", &headers, b"{}", &[]);
    assert_diagnosis(&out, "secret-whitespace", &["has whitespace around it"]);
}

#[test]
fn explain_whsec_secret_decoded_where_the_provider_uses_text() {
    // A Stripe-style scheme keyed the Standard Webhooks way.
    let decoded = STANDARD.decode("7bTQk1vYp2Zr9mXcL4sWe8NhJd3GfA6u").unwrap();
    let headers = sign_secret(
        providers::stripe(),
        Secret::from_bytes(decoded).unwrap(),
        b"{}",
        None,
    );
    let out = explain("stripe", STRIPE, &headers, b"{}", &[]);
    assert_diagnosis(
        &out,
        "secret-whsec",
        &[
            "base64-decodes the part of --secret #1 after `whsec_`",
            "standard-webhooks",
        ],
    );
}

#[test]
fn explain_whsec_secret_used_raw_where_the_provider_decodes_it() {
    let headers = sign_secret(
        providers::standard_webhooks(),
        Secret::from_bytes(SW.as_bytes().to_vec()).unwrap(),
        b"{}",
        None,
    );
    let out = explain("standard-webhooks", SW, &headers, b"{}", &[]);
    assert_diagnosis(
        &out,
        "secret-whsec",
        &["whole `whsec_…` text", "base64-decoded bytes"],
    );
}

#[test]
fn explain_whsec_prefix_missing() {
    let headers = sign_with(providers::stripe(), STRIPE, b"{}", None);
    let without = STRIPE.strip_prefix("whsec_").unwrap();
    let out = explain("stripe", without, &headers, b"{}", &[]);
    assert_diagnosis(&out, "secret-whsec", &["lacks the `whsec_` prefix"]);
}

#[test]
fn explain_hex_secret_decoded_by_the_sender() {
    let secret = "8f742231b10e8888abcd99eeefff85a5";
    let headers = sign_secret(
        providers::slack(),
        Secret::from_bytes(hex::decode(secret).unwrap()).unwrap(),
        b"{}",
        None,
    );
    let out = explain("slack", secret, &headers, b"{}", &[]);
    assert_diagnosis(
        &out,
        "secret-decoded",
        &["hex-decoded bytes of --secret #1"],
    );
}

#[test]
fn explain_base64_signature_where_hex_is_expected() {
    let headers = sign_with(
        providers::github().with_encoding(Encoding::Base64),
        "s3cret",
        b"{}",
        None,
    );
    let out = explain("github", "s3cret", &headers, b"{}", &[]);
    assert_diagnosis(
        &out,
        "signature-encoding",
        &[
            "the signature is base64 where github sends hex",
            "Encoding::Base64",
        ],
    );
}

#[test]
fn explain_hex_signature_where_base64_is_expected() {
    let headers = sign_with(
        providers::shopify().with_encoding(Encoding::Hex),
        "s3cret",
        b"{}",
        None,
    );
    let out = explain("shopify", "s3cret", &headers, b"{}", &[]);
    assert_diagnosis(
        &out,
        "signature-encoding",
        &["the signature is hex where shopify sends base64"],
    );
}

#[test]
fn explain_uppercase_hex() {
    let headers = sign_with(providers::stripe(), STRIPE, b"{}", None);
    let upper: Vec<String> = headers
        .iter()
        .map(|h| match h.split_once(",v1=") {
            Some((t, sig)) => format!("{t},v1={}", sig.to_uppercase()),
            None => h.clone(),
        })
        .collect();
    let out = explain("stripe", STRIPE, &upper, b"{}", &[]);
    assert_diagnosis(&out, "signature-encoding", &["uppercase hex"]);
}

#[test]
fn explain_sha1_where_sha256_is_expected() {
    let headers = sign_with(
        providers::github().with_algorithm(Algorithm::HmacSha1),
        "s3cret",
        b"{}",
        None,
    );
    assert!(headers[0].starts_with("x-hub-signature-256: sha256="));
    let out = explain("github", "s3cret", &headers, b"{}", &[]);
    assert_diagnosis(
        &out,
        "signature-algorithm",
        &[
            "HMAC-SHA1 (hex) where github uses HMAC-SHA256",
            "github-sha1",
        ],
    );
}

#[test]
fn explain_sha512_where_sha256_is_expected() {
    let headers = sign_with(
        providers::zoom().with_algorithm(Algorithm::HmacSha512),
        "aBcDeFgHiJkLmNoPqRsTuV",
        b"{}",
        None,
    );
    let out = explain("zoom", "aBcDeFgHiJkLmNoPqRsTuV", &headers, b"{}", &[]);
    assert_diagnosis(
        &out,
        "signature-algorithm",
        &["HMAC-SHA512", "Algorithm::HmacSha512"],
    );
}

#[test]
fn explain_sha256_where_sha1_is_expected() {
    let headers = sign_with(
        providers::intercom().with_algorithm(Algorithm::HmacSha256),
        "client-secret",
        b"{}",
        None,
    );
    let out = explain("intercom", "client-secret", &headers, b"{}", &[]);
    assert_diagnosis(
        &out,
        "signature-algorithm",
        &["HMAC-SHA256 (hex) where intercom uses HMAC-SHA1"],
    );
}

#[test]
fn explain_headers_of_another_providers_scheme() {
    // GitHub's legacy SHA-1 header checked as the SHA-256 one.
    let headers = sign_with(providers::github_sha1(), "s3cret", b"{}", None);
    let out = explain("github", "s3cret", &headers, b"{}", &[]);
    assert_eq!(out.lines()[0], "rejected: missing_header");
    assert_diagnosis(
        &out,
        "other-provider",
        &[
            "verifies as github-sha1",
            "intercom",
            "--provider github-sha1",
        ],
    );

    // A Slack request checked as Zoom.
    let headers = sign_with(providers::slack(), "signing-secret", b"{}", None);
    let out = explain("zoom", "signing-secret", &headers, b"{}", &[]);
    assert_diagnosis(
        &out,
        "other-provider",
        &["verifies as slack", "--provider slack"],
    );

    // A Standard Webhooks delivery checked as Stripe, with the same secret.
    let headers = sign_with(providers::standard_webhooks(), SW, b"{}", None);
    let out = explain("stripe", SW, &headers, b"{}", &[]);
    assert_diagnosis(&out, "other-provider", &["verifies as standard-webhooks"]);
}

#[test]
fn explain_twilio_shared_key_is_another_scheme() {
    let url = "https://example.com/sms";
    let headers = sign_with(
        providers::twilio_shared_key(PublicUrl::exact(url).unwrap()),
        "shared-key",
        b"Body=hi",
        Some(url),
    );
    let out = explain(
        "twilio",
        "shared-key",
        &headers,
        b"Body=hi",
        &["--url", url],
    );
    assert_diagnosis(&out, "other-provider", &["SharedKey", "twilio_shared_key"]);
}

#[test]
fn explain_timestamp_in_the_past_of_a_captured_delivery() {
    let headers = sign_with(providers::stripe(), STRIPE, b"{}", None);
    let out = wg(&[
        "explain",
        "--provider",
        "stripe",
        "--now",
        &(T + 1000).to_string(),
    ])
    .secret(STRIPE)
    .headers(&headers)
    .body(b"{}")
    .run();
    assert_eq!(out.code, 1);
    assert_eq!(out.lines()[0], "rejected: timestamp_too_old");
    assert_diagnosis(
        &out,
        "timestamp-skew",
        &[
            "1000 seconds in the past; stripe's tolerance is 300 s",
            "--now 1700000000",
        ],
    );
    assert_eq!(out.causes(), ["timestamp-skew"]);
}

#[test]
fn explain_timestamp_skew_of_a_live_delivery_points_at_the_clock() {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let body = b"{}";
    let sign = |ts| {
        sign_secret_at(
            providers::slack(),
            Secret::new("slack-secret").unwrap(),
            body,
            None,
            ts,
        )
    };
    let run = |headers: &[String]| {
        wg(&["explain", "--provider", "slack"])
            .secret("slack-secret")
            .headers(headers)
            .body(body)
            .run()
    };
    let out = run(&sign(now - 3600));
    assert_diagnosis(
        &out,
        "timestamp-skew",
        &["seconds in the past", "NTP", "--tolerance"],
    );
    let out = run(&sign(now + 3600));
    assert_eq!(out.lines()[0], "rejected: timestamp_in_future");
    assert_diagnosis(
        &out,
        "timestamp-skew",
        &["seconds in the future", "clock is behind", "NTP"],
    );
}

#[test]
fn explain_timestamp_in_the_future() {
    let headers = sign_secret_at(
        providers::paddle(),
        Secret::new("pdl_ntfset_x").unwrap(),
        b"{}",
        None,
        T + 42,
    );
    let out = explain("paddle", "pdl_ntfset_x", &headers, b"{}", &[]);
    assert_eq!(out.lines()[0], "rejected: timestamp_in_future");
    assert_diagnosis(
        &out,
        "timestamp-skew",
        &["42 seconds in the future; paddle's tolerance is 5 s"],
    );
}

#[test]
fn explain_stale_timestamp_and_wrong_secret_reports_both() {
    // The signature matches nothing; the timestamp's age is still found (by moving --now).
    let headers = sign_secret_at(
        providers::stripe(),
        Secret::new(STRIPE).unwrap(),
        b"{}",
        None,
        T - 1234,
    );
    let out = explain(
        "stripe",
        "whsec_someOtherSecretAltogether",
        &headers,
        b"{}",
        &[],
    );
    assert_eq!(out.causes(), ["timestamp-skew", "unknown"], "{out:?}");
    assert!(out.stdout.contains("1234 seconds in the past"), "{out:?}");
}

#[test]
fn explain_signature_mistake_and_skew_together() {
    let headers = sign_secret_at(
        providers::stripe(),
        Secret::new(STRIPE).unwrap(),
        b"{\"a\":1}",
        None,
        T - 900,
    );
    let out = explain("stripe", STRIPE, &headers, b"{\"a\":1}\n", &[]);
    assert_eq!(out.causes(), ["body-newline", "timestamp-skew"], "{out:?}");
}

#[test]
fn explain_public_url_trailing_slash() {
    let signed_for = "https://example.com/webhooks/square/";
    let headers = sign_with(
        providers::square(PublicUrl::exact(signed_for).unwrap()),
        "square-key",
        b"{}",
        Some(signed_for),
    );
    let out = explain(
        "square",
        "square-key",
        &headers,
        b"{}",
        &["--url", "https://example.com/webhooks/square"],
    );
    assert_diagnosis(
        &out,
        "public-url",
        &[
            "with a trailing slash",
            "PublicUrl::exact(\"https://example.com/webhooks/square/\")",
        ],
    );
}

#[test]
fn explain_public_url_scheme_behind_a_tls_proxy() {
    let signed_for = "https://example.com/twilio/sms";
    let headers = sign_with(
        providers::twilio(PublicUrl::exact(signed_for).unwrap()),
        "auth-token",
        b"Body=hi&From=%2B1",
        Some(signed_for),
    );
    let out = explain(
        "twilio",
        "auth-token",
        &headers,
        b"Body=hi&From=%2B1",
        &["--url", "http://example.com/twilio/sms"],
    );
    assert_diagnosis(
        &out,
        "public-url",
        &[
            "`https` instead of `http`",
            "PublicUrl::parse(\"https://example.com\")",
        ],
    );
}

#[test]
fn explain_public_url_internal_port() {
    let signed_for = "https://example.com/sq";
    let headers = sign_with(
        providers::square(PublicUrl::exact(signed_for).unwrap()),
        "square-key",
        b"{}",
        Some(signed_for),
    );
    let out = explain(
        "square",
        "square-key",
        &headers,
        b"{}",
        &["--url", "http://example.com:8080/sq"],
    );
    assert_diagnosis(
        &out,
        "public-url",
        &["without the port", "`https` instead of `http`"],
    );
}

#[test]
fn explain_compressed_body() {
    let headers = sign_with(providers::github(), "s3cret", b"{}", None);
    let mut headers = headers;
    headers.push("Content-Encoding: gzip".into());
    let out = explain("github", "s3cret", &headers, b"{}", &[]);
    assert_eq!(out.causes(), ["content-encoding"]);
}

#[test]
fn explain_without_a_known_mistake_blames_the_secret() {
    let headers = sign_with(providers::github(), "the-real-secret", b"{}", None);
    let out = explain("github", "another-secret", &headers, b"{}", &[]);
    assert_diagnosis(&out, "unknown", &["secret is not the one", "dashboard"]);

    let out = explain("github", "another-secret", &[], b"{}", &[]);
    assert_eq!(out.lines()[0], "rejected: missing_header");
    assert_diagnosis(&out, "unknown", &["no headers were given", "-H"]);
}

#[test]
fn explain_never_prints_secrets_of_asymmetric_or_rotated_keys() {
    // Discord checked with another (valid) public key: nothing to find, nothing leaked.
    let other_key = hex::encode(
        STANDARD
            .decode("/UbiBBm9TojNMJC6OVLccNtUu19ynws80F45y++06jE=")
            .unwrap(),
    );
    let headers = sign_secret(
        providers::discord(),
        Secret::new(signing_key("discord")).unwrap(),
        b"{}",
        None,
    );
    let out = wg(&["explain", "--provider", "discord", "--now", &T.to_string()])
        .secret(&other_key)
        .forbid(secret_forms(&signing_key("discord")))
        .forbid(secret_forms(&public_key("discord")))
        .forbid(
            headers
                .iter()
                .flat_map(|h| h.split(": ").nth(1).map(str::to_owned)),
        )
        .headers(&headers)
        .body(b"{}")
        .run();
    assert_eq!(out.causes(), ["unknown"], "{out:?}");

    // A rotation where neither secret is the sender's.
    let headers = sign_with(providers::github(), "second-secret", b"{}", None);
    let out = wg(&["explain", "--provider", "github"])
        .secret("first-secret")
        .secret_env("WG_TEST_SECOND", "second-secret-x")
        .forbid(secret_forms("second-secret"))
        .headers(&headers)
        .body(b"{}")
        .run();
    assert_eq!(out.causes(), ["unknown"], "{out:?}");
}

#[test]
fn explain_base64_secret_decoded_by_the_sender() {
    let secret = "c2lnbmluZy1rZXktdmFsdWU=";
    let headers = sign_secret(
        providers::easytools(),
        Secret::from_bytes(STANDARD.decode(secret).unwrap()).unwrap(),
        b"{}",
        None,
    );
    let out = explain("easytools", secret, &headers, b"{}", &[]);
    assert_diagnosis(
        &out,
        "secret-decoded",
        &["base64-decoded bytes of --secret #1"],
    );
}

#[test]
fn explain_body_over_the_limit() {
    let big = vec![b'x'; 1024 * 1024 + 10];
    let headers = sign_with(providers::easytools(), "s3cret", &big, None);
    let out = explain("easytools", "s3cret", &headers, &big, &[]);
    assert_eq!(out.lines()[0], "rejected: body_too_large");
    assert_eq!(out.causes(), ["body-too-large"], "{out:?}");
    assert!(out.value("fix").unwrap().contains("body_limit"));
}
