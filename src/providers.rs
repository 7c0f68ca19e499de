//! Presets: one function per provider, each returning a [`Scheme`] built from the shared parts.
//!
//! Every preset follows its provider's own SDK: header names, format, algorithm, encoding, how
//! the secret becomes a key, and the default tolerance and body limit (both adjustable on the
//! returned [`Scheme`]). Give the secret exactly as the provider's dashboard shows it.
//!
//! | preset | header | signed bytes | encoding | key | tolerance | body limit |
//! |---|---|---|---|---|---|---|
//! | [`stripe`] | `Stripe-Signature: t=…,v1=…` | `{t}.{body}` | hex | whole `whsec_…` text | ±300 s | 1 MiB |
//! | [`github`] | `X-Hub-Signature-256: sha256=…` | `{body}` | hex | secret text | — | 25 MiB |
//! | [`standard_webhooks`] | `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,…` (or `svix-*`) | `{id}.{t}.{body}` | base64 | base64 after `whsec_` | ±300 s | 1 MiB |
//! | [`svix`] | as `standard_webhooks`, `svix-*` first | `{id}.{t}.{body}` | base64 | base64 after `whsec_` | ±300 s | 1 MiB |

use std::borrow::Cow;

use http::HeaderName;

use crate::scheme::{
    Algorithm, DEFAULT_BODY_LIMIT, DEFAULT_TOLERANCE, Encoding, HeaderNames, KeyFormat, Part,
    Scheme, SignatureFormat, TimestampCheck, TimestampSource,
};

const fn lit(s: &'static str) -> Part {
    Part::Literal(Cow::Borrowed(s.as_bytes()))
}

fn names(primary: &'static str, alternates: &[&'static str]) -> HeaderNames {
    HeaderNames::with(
        HeaderName::from_static(primary),
        alternates
            .iter()
            .map(|a| HeaderName::from_static(a))
            .collect(),
    )
}

/// Fields shared by the HMAC presets, with the crate defaults.
fn hmac_scheme(
    name: &'static str,
    signature: HeaderNames,
    format: SignatureFormat,
    encoding: Encoding,
    template: Vec<Part>,
) -> Scheme {
    Scheme {
        name: name.into(),
        signature_headers: signature,
        format,
        timestamp: TimestampSource::None,
        id_headers: None,
        algorithm: Algorithm::HmacSha256,
        encoding,
        key_format: KeyFormat::Raw,
        template: template.into(),
        timestamp_check: TimestampCheck::Enforce {
            past: DEFAULT_TOLERANCE,
            future: DEFAULT_TOLERANCE,
        },
        body_limit: DEFAULT_BODY_LIMIT,
    }
}

/// Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…][,v0=…]`.
///
/// HMAC-SHA256 over `{t}.{body}`, keyed with the endpoint secret's **whole text** including the
/// `whsec_` prefix (Stripe does not base64-decode it). Any `v1` may match — Stripe sends one per
/// active secret while you roll a secret — and `v0` (test mode's decoy) is ignored. Items are
/// split exactly as Stripe's SDKs do, without trimming spaces.
///
/// Tolerance: 300 s. Stripe's SDKs check only the past; this preset also refuses timestamps more
/// than 300 s in the future, which closes a replay window and costs nothing with synchronised
/// clocks (widen it with [`Scheme::tolerance_future`]).
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, Verifier};
///
/// let verifier = Verifier::new(providers::stripe(), Keyring::from(Secret::new("whsec_test")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn stripe() -> Scheme {
    let mut s = hmac_scheme(
        "stripe",
        names("stripe-signature", &[]),
        SignatureFormat::key_value(',', "v1"),
        Encoding::Hex,
        vec![Part::Timestamp, lit("."), Part::Body],
    );
    s.timestamp = TimestampSource::SignatureParam(Cow::Borrowed("t"));
    s
}

/// GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>`.
///
/// Only `X-Hub-Signature-256` is read: a request carrying only the legacy SHA-1
/// `X-Hub-Signature` is rejected, never verified with SHA-1. The prefix must be exactly
/// `sha256=` and the hex lowercase, as `@octokit/webhooks-methods` compares the header text.
///
/// GitHub signs no timestamp and no delivery id (`X-GitHub-Delivery` is unsigned), so a captured
/// delivery stays valid: pair this preset with a replay guard keyed on the signature. Body limit
/// 25 MiB, as GitHub caps payloads at 25 MB.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, Verifier};
///
/// let verifier = Verifier::new(providers::github(), Keyring::from(Secret::new("my secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn github() -> Scheme {
    let mut s = hmac_scheme(
        "github",
        names("x-hub-signature-256", &[]),
        SignatureFormat::prefixed("sha256="),
        Encoding::Hex,
        vec![Part::Body],
    );
    s.body_limit = 25 * 1024 * 1024;
    s
}

/// [Standard Webhooks](https://www.standardwebhooks.com/): `webhook-id`, `webhook-timestamp` and
/// `webhook-signature: v1,<base64> [v1,<base64> …]` (the `svix-*` spellings are accepted too).
///
/// HMAC-SHA256 over `{id}.{t}.{body}`, keyed with the base64-decoded part of the `whsec_…` secret
/// (24 to 64 bytes, as the spec requires). Any `v1` entry may match; entries of other versions
/// (`v1a`, `v2`) and malformed entries are skipped. The id must be `[A-Za-z0-9_:-]{1,256}` — a
/// `.` would make the signed concatenation ambiguous. Tolerance ±300 s, as every reference
/// library.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, Verifier};
///
/// let secret = Secret::new("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")?;
/// let verifier = Verifier::new(providers::standard_webhooks(), Keyring::from(secret))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn standard_webhooks() -> Scheme {
    standard_webhooks_branded("standard-webhooks", "webhook", "svix")
}

/// Svix: the Standard Webhooks scheme, reading the `svix-*` headers first and falling back to
/// `webhook-*`, as Svix's own libraries do.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, Verifier};
///
/// let secret = Secret::new("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")?;
/// let verifier = Verifier::new(providers::svix(), Keyring::from(secret))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn svix() -> Scheme {
    standard_webhooks_branded("svix", "svix", "webhook")
}

fn standard_webhooks_branded(name: &'static str, first: &str, second: &str) -> Scheme {
    let pick = |field: &str| {
        let n = |brand: &str| -> &'static str {
            match (brand, field) {
                ("svix", "id") => "svix-id",
                ("svix", "timestamp") => "svix-timestamp",
                ("svix", _) => "svix-signature",
                (_, "id") => "webhook-id",
                (_, "timestamp") => "webhook-timestamp",
                _ => "webhook-signature",
            }
        };
        names(n(first), &[n(second)])
    };
    let mut s = hmac_scheme(
        name,
        pick("signature"),
        SignatureFormat::versioned_list("v1"),
        Encoding::Base64,
        vec![Part::Id, lit("."), Part::Timestamp, lit("."), Part::Body],
    );
    s.timestamp = TimestampSource::Header(pick("timestamp"));
    s.id_headers = Some(pick("id"));
    s.key_format = KeyFormat::StandardWebhooks;
    s
}
