//! Presets: one function per provider, each returning a [`Scheme`] built from the shared parts.
//!
//! Every preset follows its provider's own SDK or documentation: header names, format,
//! algorithm, encoding, how the secret becomes a key, and the default tolerance and body limit
//! (both adjustable on the returned [`Scheme`]). Give the secret exactly as the provider's
//! dashboard shows it. Protecting a route is one line:
//!
//! ```
//! use axum::{routing::post, Router};
//! use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
//!
//! let app: Router = Router::new().route(
//!     "/webhooks/slack",
//!     post(|| async { "ok" })
//!         .layer(WebhookLayer::new(providers::slack(), Keyring::from(Secret::new("8f742231b10e8888abcd99yyyzzz85a5")?))?),
//! );
//! # Ok::<(), webhook_guard::ConfigError>(())
//! ```
//!
//! | preset | header(s) | signed bytes | algorithm, encoding | key | tolerance | body limit |
//! |---|---|---|---|---|---|---|
//! | [`stripe`] | `Stripe-Signature: t=…,v1=…` | `{t}.{body}` | HMAC-SHA256, hex | whole `whsec_…` text | ±300 s | 1 MiB |
//! | [`github`] | `X-Hub-Signature-256: sha256=…` | `{body}` | HMAC-SHA256, hex | secret text | — | 25 MiB |
//! | [`github_sha1`] | `X-Hub-Signature: sha1=…` (legacy) | `{body}` | HMAC-SHA1, hex | secret text | — | 25 MiB |
//! | [`shopify`] | `X-Shopify-Hmac-Sha256` or `shopify-hmac-sha256` | `{body}` | HMAC-SHA256, base64 | client secret text | — | 1 MiB |
//! | [`slack`] | `X-Slack-Signature: v0=…`, `X-Slack-Request-Timestamp` | `v0:{t}:{body}` | HMAC-SHA256, hex | signing secret text | ±300 s | 1 MiB |
//! | [`twilio`] | `X-Twilio-Signature` | public URL + sorted form params (or URL with `bodySHA256`) | HMAC-SHA1, base64 | Auth Token text | — | 1 MiB |
//! | [`twilio_shared_key`] | as `twilio`, plus `X-Twilio-Webhooks-Signature-Settings: …algorithm=HMAC_SHA256` | same | HMAC-SHA256, base64 | SharedKey secret text | — | 1 MiB |
//! | [`woocommerce`] | `X-WC-Webhook-Signature` | `{body}` | HMAC-SHA256, base64 | `wp_specialchars_decode(secret)` | — | 1 MiB |
//! | [`standard_webhooks`] / [`svix`] | `webhook-*` / `svix-*` id, timestamp, `signature: v1,…` | `{id}.{t}.{body}` | HMAC-SHA256, base64 | base64 after `whsec_` | ±300 s | 1 MiB |
//! | [`standard_webhooks_ed25519`] / [`svix_ed25519`] | as above, `v1a,…` | `{id}.{t}.{body}` | Ed25519, base64 | `whpk_…` public key | ±300 s | 1 MiB |
//! | [`calendly`] | `Calendly-Webhook-Signature: t=…,v1=…` | `{t}.{body}` | HMAC-SHA256, hex | signing key text | 180 s | 1 MiB |
//! | [`easytools`] | `X-Webhook-Signature` | `{body}` | HMAC-SHA256, hex | signing key text | — | 1 MiB |
//! | [`sendgrid`] | `X-Twilio-Email-Event-Webhook-Signature`, `…-Timestamp` | `{t}{body}` | ECDSA P-256 SHA-256, base64 DER | base64 DER SPKI public key | off (as SendGrid's SDKs) | 1 MiB |
//! | [`paddle`] | `Paddle-Signature: ts=…;h1=…` | `{t}:{body}` | HMAC-SHA256, hex | `pdl_ntfset_…` text | ±5 s | 1 MiB |
//! | [`linear`] | `Linear-Signature` | `{body}` | HMAC-SHA256, hex | secret text | ±60 s on `webhookTimestamp` (ms, in the body) | 1 MiB |
//! | [`zoom`] | `x-zm-signature: v0=…`, `x-zm-request-timestamp` | `v0:{t}:{body}` | HMAC-SHA256, hex | Secret Token text | ±300 s | 1 MiB |
//! | [`square`] | `x-square-hmacsha256-signature` | notification URL + `{body}` | HMAC-SHA256, base64 | signature key text | — | 1 MiB |
//! | [`mailgun`] | none: `signature` fields in the body | `{timestamp}{token}` (body **not** covered) | HMAC-SHA256, hex | webhook signing key text | ±900 s | 1 MiB |
//! | [`intercom`] | `X-Hub-Signature: sha1=…` | `{body}` | HMAC-SHA1, hex | `client_secret` text | — | 1 MiB |
//! | [`gitlab`] | `X-Gitlab-Token` | nothing (token, body **not** covered) | token compare | secret token text | — | 1 MiB |
//! | [`bitbucket`] | `X-Hub-Signature: sha256=…` | `{body}` | HMAC-SHA256, hex | secret text | — | 1 MiB |
//! | [`discord`] | `X-Signature-Ed25519`, `X-Signature-Timestamp` | `{t}{body}` | Ed25519, hex (any case) | application public key, hex | ±300 s | 1 MiB |
//!
//! The Ed25519 presets need the crate's `ed25519` feature and SendGrid's the `ecdsa` feature;
//! without them the presets still exist, and building a verifier from them fails with
//! [`ConfigError::FeatureDisabled`](crate::ConfigError::FeatureDisabled).
//!
//! Tolerances where the provider's own SDK has none or only checks the past are two-sided here
//! (a future-dated signature extends a replay window); the provider-specific notes are on each
//! function. For a command-line tool or configuration file, [`by_name`] maps the names in
//! [`ALL`] to presets.

use std::borrow::Cow;
use std::time::Duration;

use http::HeaderName;

use crate::scheme::{
    Algorithm, DEFAULT_BODY_LIMIT, DEFAULT_TOLERANCE, DeclaredAlgorithm, Encoding, Extra,
    HeaderNames, KeyFormat, Part, PublicUrl, Scheme, SignatureFormat, SignatureSource,
    TimestampCheck, TimestampSource,
};

/// The name of every preset, as [`Scheme::name`] reports it and [`by_name`] accepts it.
pub const ALL: &[&str] = &[
    "stripe",
    "github",
    "github-sha1",
    "shopify",
    "slack",
    "twilio",
    "woocommerce",
    "standard-webhooks",
    "svix",
    "calendly",
    "easytools",
    "sendgrid",
    "paddle",
    "linear",
    "zoom",
    "square",
    "mailgun",
    "intercom",
    "gitlab",
    "bitbucket",
    "discord",
];

/// The preset called `name` (one of [`ALL`]), or `None`.
///
/// `twilio` and `square` come without a public URL: set it with [`Scheme::public_url`] before
/// building a verifier. `standard-webhooks` and `svix` are the HMAC (`v1`) forms; the Ed25519
/// forms are [`standard_webhooks_ed25519`] and [`svix_ed25519`], and Twilio's SharedKey form is
/// [`twilio_shared_key`].
///
/// ```
/// use webhook_guard::providers;
///
/// for name in providers::ALL {
///     assert_eq!(providers::by_name(name).unwrap().name(), *name);
/// }
/// assert!(providers::by_name("Stripe").is_none());
/// ```
#[must_use]
pub fn by_name(name: &str) -> Option<Scheme> {
    Some(match name {
        "stripe" => stripe(),
        "github" => github(),
        "github-sha1" => github_sha1(),
        "shopify" => shopify(),
        "slack" => slack(),
        "twilio" => twilio_scheme(None, false),
        "woocommerce" => woocommerce(),
        "standard-webhooks" => standard_webhooks(),
        "svix" => svix(),
        "calendly" => calendly(),
        "easytools" => easytools(),
        "sendgrid" => sendgrid(),
        "paddle" => paddle(),
        "linear" => linear(),
        "zoom" => zoom(),
        "square" => square_scheme(None),
        "mailgun" => mailgun(),
        "intercom" => intercom(),
        "gitlab" => gitlab(),
        "bitbucket" => bitbucket(),
        "discord" => discord(),
        _ => return None,
    })
}

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

fn header(name: &'static str) -> TimestampSource {
    TimestampSource::Header(names(name, &[]))
}

fn window(seconds: u64) -> TimestampCheck {
    TimestampCheck::Enforce {
        past: Duration::from_secs(seconds),
        future: Duration::from_secs(seconds),
    }
}

/// Fields shared by the presets, with the crate defaults (HMAC-SHA256, raw key, ±300 s, 1 MiB).
fn hmac_scheme(
    name: &'static str,
    signature: HeaderNames,
    format: SignatureFormat,
    encoding: Encoding,
    template: Vec<Part>,
) -> Scheme {
    Scheme {
        name: name.into(),
        signature: SignatureSource::Header {
            names: signature,
            format,
        },
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
        public_url: None,
        declared_algorithm: None,
        extra: None,
        extra_enabled: None,
    }
}

/// A signature over the raw body, in one header.
fn body_scheme(
    name: &'static str,
    signature: HeaderNames,
    format: SignatureFormat,
    algorithm: Algorithm,
    encoding: Encoding,
) -> Scheme {
    let mut s = hmac_scheme(name, signature, format, encoding, vec![Part::Body]);
    s.algorithm = algorithm;
    s
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
/// clocks (widen it with [`Scheme::tolerance_future`]). The timestamp text must be plain digits:
/// Stripe's SDKs also accept `t=0<digits>`, which Stripe never sends.
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

/// GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>`
/// ([docs](https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries)).
///
/// Only `X-Hub-Signature-256` is read: a request carrying only the legacy SHA-1
/// `X-Hub-Signature` is rejected, never verified with SHA-1 (that is [`github_sha1`], chosen
/// explicitly). The prefix must be exactly `sha256=` and the hex lowercase, as
/// `@octokit/webhooks-methods` compares the header text.
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
    let mut s = body_scheme(
        "github",
        names("x-hub-signature-256", &[]),
        SignatureFormat::prefixed("sha256="),
        Algorithm::HmacSha256,
        Encoding::Hex,
    );
    s.body_limit = 25 * 1024 * 1024;
    s
}

/// GitHub's legacy header, `X-Hub-Signature: sha1=<hex HMAC-SHA1(secret, body)>`, for receivers
/// that cannot read `X-Hub-Signature-256`. Prefer [`github`]: this preset exists only to be
/// chosen explicitly, and [`github`] never falls back to it.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, Verifier};
///
/// let verifier = Verifier::new(providers::github_sha1(), Keyring::from(Secret::new("my secret")?))?;
/// assert_eq!(verifier.scheme().name(), "github-sha1");
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn github_sha1() -> Scheme {
    let mut s = body_scheme(
        "github-sha1",
        names("x-hub-signature", &[]),
        SignatureFormat::prefixed("sha1="),
        Algorithm::HmacSha1,
        Encoding::Hex,
    );
    s.body_limit = 25 * 1024 * 1024;
    s
}

/// Shopify: `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256(client secret, body)>`, or the same
/// value under `shopify-hmac-sha256` for the newer event deliveries (read first when both are
/// present, as Shopify's SDK does).
///
/// Base64 is standard, padded and canonical; hex or URL-safe forms are refused. The key is the
/// app's client secret (API secret key) as text, or for webhooks made in the shop admin the key
/// the admin shows. No timestamp: `X-Shopify-Triggered-At` is not signed.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::shopify(), Keyring::from(Secret::new("shpss_client_secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn shopify() -> Scheme {
    body_scheme(
        "shopify",
        names("shopify-hmac-sha256", &["x-shopify-hmac-sha256"]),
        SignatureFormat::bare(),
        Algorithm::HmacSha256,
        Encoding::Base64,
    )
}

/// Slack: `X-Slack-Signature: v0=<hex>` over `v0:{t}:{body}` with `X-Slack-Request-Timestamp`
/// ([docs](https://docs.slack.dev/authentication/verifying-requests-from-slack/)).
///
/// Form bodies (slash commands, interactivity) are signed as the raw urlencoded bytes, which is
/// what the layer hashes. Tolerance ±300 s, inclusive, as Slack's SDK.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::slack(), Keyring::from(Secret::new("slack signing secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn slack() -> Scheme {
    let mut s = hmac_scheme(
        "slack",
        names("x-slack-signature", &[]),
        SignatureFormat::prefixed("v0="),
        Encoding::Hex,
        vec![lit("v0:"), Part::Timestamp, lit(":"), Part::Body],
    );
    s.timestamp = header("x-slack-request-timestamp");
    s
}

/// Twilio: `X-Twilio-Signature: <base64 HMAC-SHA1(Auth Token, url + params)>`
/// ([docs](https://www.twilio.com/docs/usage/security)).
///
/// The signed string is the **public URL** Twilio requested (scheme, host, path and query),
/// followed, for form POSTs, by every decoded parameter name and value, names sorted and each
/// name's distinct values sorted. A JSON body is not in the string: Twilio puts
/// `bodySHA256=<hex SHA-256 of the body>` in the URL, and the body must hash to it. Like
/// Twilio's SDKs, the URL is accepted with and without the default port (`:443`, `:80`).
///
/// Behind a proxy the application sees another host and scheme, so the public URL is
/// configuration: give the origin Twilio calls, and the request's path and query are appended
/// (see [`PublicUrl`] for the other forms). `X-Forwarded-*` headers are ignored unless named in
/// [`PublicUrl::trusted_headers`]. No timestamp: pair with a replay guard
/// (`I-Twilio-Idempotency-Token` is not signed).
///
/// ```
/// use webhook_guard::{providers, Keyring, PublicUrl, Secret, WebhookLayer};
///
/// let twilio = providers::twilio(PublicUrl::parse("https://hooks.example.com")?);
/// let layer = WebhookLayer::new(twilio, Keyring::from(Secret::new("twilio auth token")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn twilio(public_url: PublicUrl) -> Scheme {
    twilio_scheme(Some(public_url), false)
}

/// Twilio with a SharedKey: the [`twilio`] construction with HMAC-SHA256 and the SharedKey
/// secret, for requests carrying
/// `X-Twilio-Webhooks-Signature-Settings: key=<id>,algorithm=HMAC_SHA256`. That header must
/// declare `HMAC_SHA256`; it never selects the algorithm (a request declaring anything else is
/// refused, and the Auth Token preset never switches to SHA-256).
///
/// ```
/// use webhook_guard::{providers, Keyring, PublicUrl, Secret, Verifier};
///
/// let twilio = providers::twilio_shared_key(PublicUrl::parse("https://hooks.example.com")?);
/// let verifier = Verifier::new(twilio, Keyring::from(Secret::new("shared key secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn twilio_shared_key(public_url: PublicUrl) -> Scheme {
    twilio_scheme(Some(public_url), true)
}

fn twilio_scheme(public_url: Option<PublicUrl>, shared_key: bool) -> Scheme {
    let mut s = hmac_scheme(
        "twilio",
        names("x-twilio-signature", &[]),
        SignatureFormat::bare(),
        Encoding::Base64,
        vec![Part::PublicUrlAnyDefaultPort, Part::TwilioParams],
    );
    s.algorithm = Algorithm::HmacSha1;
    s.public_url = public_url;
    if shared_key {
        s.algorithm = Algorithm::HmacSha256;
        s.declared_algorithm = Some(DeclaredAlgorithm {
            header: HeaderName::from_static("x-twilio-webhooks-signature-settings"),
            separator: ',',
            key: "algorithm",
            value: "HMAC_SHA256",
        });
    }
    s
}

/// WooCommerce: `X-WC-Webhook-Signature: <base64 HMAC-SHA256(key, body)>`.
///
/// The key is the webhook secret after WordPress's `wp_specialchars_decode($secret,
/// ENT_QUOTES)`, as WooCommerce computes it (`class-wc-webhook.php`): give the secret exactly
/// as WooCommerce shows it, and `&amp;`, `&quot;`, `&#039;`, `&lt;`, `&gt;` (and their numeric
/// forms) are decoded for you.
///
/// When a webhook is created or activated WooCommerce posts an **unsigned** `webhook_id=<n>`
/// ping and expects 200; it is rejected unless you opt in with
/// [`Scheme::allow_unsigned_ping`], which lets exactly that body through with
/// [`Verified::is_unsigned_ping`](crate::Verified::is_unsigned_ping) set.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let woo = providers::woocommerce().allow_unsigned_ping();
/// let layer = WebhookLayer::new(woo, Keyring::from(Secret::new("woo secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn woocommerce() -> Scheme {
    let mut s = body_scheme(
        "woocommerce",
        names("x-wc-webhook-signature", &[]),
        SignatureFormat::bare(),
        Algorithm::HmacSha256,
        Encoding::Base64,
    );
    s.key_format = KeyFormat::WooCommerce;
    s.extra = Some(Extra::WooCommercePing);
    s
}

/// [Standard Webhooks](https://www.standardwebhooks.com/): `webhook-id`, `webhook-timestamp` and
/// `webhook-signature: v1,<base64> [v1,<base64> …]` (the `svix-*` spellings are accepted too).
///
/// HMAC-SHA256 over `{id}.{t}.{body}`, keyed with the base64-decoded part of the `whsec_…` secret
/// (24 to 64 bytes, as the spec requires). Any `v1` entry may match; entries of other versions
/// (`v1a`, `v2`) and malformed entries are skipped. The id must be `[A-Za-z0-9_:-]{1,256}` — a
/// `.` would make the signed concatenation ambiguous. Tolerance ±300 s, as every reference
/// library. For asymmetric `v1a` signatures use [`standard_webhooks_ed25519`].
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
    standard_webhooks_branded("standard-webhooks", "webhook", "svix", false)
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
    standard_webhooks_branded("svix", "svix", "webhook", false)
}

/// Standard Webhooks with asymmetric signatures: `webhook-signature: v1a,<base64 Ed25519
/// signature>` over `{id}.{t}.{body}`, checked with the sender's `whpk_…` public key (`whpk_` +
/// base64 of the 32-byte key). Only `v1a` entries are checked: a `v1` (HMAC) entry never
/// matches a public key. Needs the `ed25519` feature. Name: `standard-webhooks`.
///
/// ```
/// # #[cfg(feature = "ed25519")] {
/// use webhook_guard::{providers, Keyring, Secret, Verifier};
///
/// let key = Secret::new("whpk_/UbiBBm9TojNMJC6OVLccNtUu19ynws80F45y++06jE=")?;
/// let verifier = Verifier::new(providers::standard_webhooks_ed25519(), Keyring::from(key))?;
/// # }
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn standard_webhooks_ed25519() -> Scheme {
    standard_webhooks_branded("standard-webhooks", "webhook", "svix", true)
}

/// Svix with asymmetric `v1a` signatures: [`standard_webhooks_ed25519`] reading `svix-*`
/// first. Needs the `ed25519` feature. Name: `svix`.
///
/// ```
/// # #[cfg(feature = "ed25519")] {
/// use webhook_guard::{providers, Keyring, Secret, Verifier};
///
/// let key = Secret::new("whpk_/UbiBBm9TojNMJC6OVLccNtUu19ynws80F45y++06jE=")?;
/// let verifier = Verifier::new(providers::svix_ed25519(), Keyring::from(key))?;
/// # }
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn svix_ed25519() -> Scheme {
    standard_webhooks_branded("svix", "svix", "webhook", true)
}

fn standard_webhooks_branded(
    name: &'static str,
    first: &str,
    second: &str,
    ed25519: bool,
) -> Scheme {
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
        SignatureFormat::versioned_list(if ed25519 { "v1a" } else { "v1" }),
        Encoding::Base64,
        vec![Part::Id, lit("."), Part::Timestamp, lit("."), Part::Body],
    );
    s.timestamp = TimestampSource::Header(pick("timestamp"));
    s.id_headers = Some(pick("id"));
    if ed25519 {
        s.algorithm = Algorithm::Ed25519;
        s.key_format = KeyFormat::StandardWebhooksPublic;
    } else {
        s.key_format = KeyFormat::StandardWebhooks;
    }
    s
}

/// Calendly: `Calendly-Webhook-Signature: t=<unix>,v1=<hex HMAC-SHA256(key, "{t}.{body}")>`
/// ([docs](https://developer.calendly.com/api-docs/overview/webhooks/webhook-signatures)).
///
/// The key is the signing key as text. Tolerance 180 s, as the docs' sample (which checks only
/// the past); this preset also refuses timestamps more than 180 s in the future.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::calendly(), Keyring::from(Secret::new("calendly signing key")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn calendly() -> Scheme {
    let mut s = hmac_scheme(
        "calendly",
        names("calendly-webhook-signature", &[]),
        SignatureFormat::key_value(',', "v1"),
        Encoding::Hex,
        vec![Part::Timestamp, lit("."), Part::Body],
    );
    s.timestamp = TimestampSource::SignatureParam(Cow::Borrowed("t"));
    s.timestamp_check = window(180);
    s
}

/// Easytools: `X-Webhook-Signature: <hex HMAC-SHA256(signing key, body)>`
/// ([docs](https://easy.tools/docs/generate-webhook-signing-key)). The raw body is verified (the
/// docs' sample re-encodes JSON, which matches only for compact JSON). No timestamp.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::easytools(), Keyring::from(Secret::new("easytools key")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn easytools() -> Scheme {
    body_scheme(
        "easytools",
        names("x-webhook-signature", &[]),
        SignatureFormat::bare(),
        Algorithm::HmacSha256,
        Encoding::Hex,
    )
}

/// SendGrid Event Webhook: `X-Twilio-Email-Event-Webhook-Signature` (base64 DER ECDSA
/// signature) over `{timestamp}{body}` with `X-Twilio-Email-Event-Webhook-Timestamp`
/// ([docs](https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features)).
///
/// The key is the verification key from Mail Settings: base64 DER `SubjectPublicKeyInfo` of a
/// P-256 key, without PEM armour. SendGrid bodies end with `\r\n` and those bytes are signed.
/// **High-S signatures are accepted**: SendGrid's SDKs accept them and the signatures SendGrid
/// itself produced for its SDK tests are high-S, so a low-S rule would reject genuine
/// deliveries; ECDSA malleability does not let anyone forge a signature. Needs the `ecdsa`
/// feature.
///
/// The timestamp is parsed strictly and signed, but its age is **not** checked by default:
/// SendGrid's SDKs do not check it, and SendGrid retries failed deliveries for hours. Set a
/// window with [`Scheme::tolerance_past`] if your deliveries allow it, and make handlers
/// idempotent (`sg_event_id`).
///
/// ```
/// # #[cfg(feature = "ecdsa")] {
/// use webhook_guard::{providers, Keyring, Secret, Verifier};
///
/// let key = Secret::new("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==")?;
/// let verifier = Verifier::new(providers::sendgrid(), Keyring::from(key))?;
/// # }
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn sendgrid() -> Scheme {
    let mut s = hmac_scheme(
        "sendgrid",
        names("x-twilio-email-event-webhook-signature", &[]),
        SignatureFormat::bare(),
        Encoding::Base64,
        vec![Part::Timestamp, Part::Body],
    );
    s.algorithm = Algorithm::EcdsaP256Sha256;
    s.key_format = KeyFormat::SpkiDerBase64;
    s.timestamp = header("x-twilio-email-event-webhook-timestamp");
    s.timestamp_check = TimestampCheck::Disabled;
    s
}

/// Paddle Billing: `Paddle-Signature: ts=<unix>;h1=<hex HMAC-SHA256(secret, "{ts}:{body}")>`
/// ([docs](https://developer.paddle.com/webhooks/about/signature-verification)).
///
/// The key is the notification destination's `pdl_ntfset_…` secret as text. Several `h1`
/// (during a secret rotation) may each match; other keys are ignored. Tolerance **5 s** both
/// ways, the SDKs' default — tight, so widen it with [`Scheme::tolerance_both`] if your clock
/// or queue needs it.
///
/// ```
/// use std::time::Duration;
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let paddle = providers::paddle().tolerance_both(Duration::from_secs(30));
/// let layer = WebhookLayer::new(paddle, Keyring::from(Secret::new("pdl_ntfset_secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn paddle() -> Scheme {
    let mut s = hmac_scheme(
        "paddle",
        names("paddle-signature", &[]),
        SignatureFormat::key_value(';', "h1"),
        Encoding::Hex,
        vec![Part::Timestamp, lit(":"), Part::Body],
    );
    s.timestamp = TimestampSource::SignatureParam(Cow::Borrowed("ts"));
    s.timestamp_check = window(5);
    s
}

/// Linear: `Linear-Signature: <hex HMAC-SHA256(secret, body)>`
/// ([docs](https://linear.app/developers/webhooks#securing-webhooks)).
///
/// Freshness comes from **inside the signed body**: `webhookTimestamp`, a JSON number of
/// milliseconds, must be within ±60 s (Linear's SDK). It is read once the signature matched; a
/// missing, string or fractional timestamp is refused. (`Linear-Timestamp` is not signed and
/// not used.)
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::linear(), Keyring::from(Secret::new("lin_wh_secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn linear() -> Scheme {
    let mut s = body_scheme(
        "linear",
        names("linear-signature", &[]),
        SignatureFormat::bare(),
        Algorithm::HmacSha256,
        Encoding::Hex,
    );
    s.timestamp = TimestampSource::BodyJsonMillis(Cow::Borrowed("webhookTimestamp"));
    s.timestamp_check = window(60);
    s
}

/// Zoom: `x-zm-signature: v0=<hex>` over `v0:{t}:{body}` with `x-zm-request-timestamp`
/// ([docs](https://developers.zoom.us/docs/api/webhooks/)).
///
/// The key is the app's Secret Token as text. The raw body is verified; Zoom's own helpers
/// hash re-encoded JSON, which is the same for the compact JSON Zoom sends. Zoom documents no
/// tolerance; this preset uses ±300 s.
///
/// Zoom validates an endpoint by sending a signed `endpoint.url_validation` event that must be
/// answered with `{"plainToken": p, "encryptedToken": hex HMAC-SHA256(secret, p)}`. With
/// [`Scheme::answer_url_validation`] the layer answers it itself; otherwise your handler gets it.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let zoom = providers::zoom().answer_url_validation();
/// let layer = WebhookLayer::new(zoom, Keyring::from(Secret::new("zoom secret token")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn zoom() -> Scheme {
    let mut s = hmac_scheme(
        "zoom",
        names("x-zm-signature", &[]),
        SignatureFormat::prefixed("v0="),
        Encoding::Hex,
        vec![lit("v0:"), Part::Timestamp, lit(":"), Part::Body],
    );
    s.timestamp = header("x-zm-request-timestamp");
    s.extra = Some(Extra::ZoomUrlValidation);
    s
}

/// Square: `x-square-hmacsha256-signature: <base64 HMAC-SHA256(signature key, url + body)>`
/// ([docs](https://developer.squareup.com/docs/webhooks/step3validate)).
///
/// `url` is the notification URL **exactly** as configured in the subscription (scheme, host,
/// path, trailing slash, query), usually given with [`PublicUrl::exact`]. The legacy SHA-1
/// `x-square-signature` is ignored. No timestamp.
///
/// ```
/// use webhook_guard::{providers, Keyring, PublicUrl, Secret, WebhookLayer};
///
/// let square = providers::square(PublicUrl::exact("https://example.com/webhooks/square")?);
/// let layer = WebhookLayer::new(square, Keyring::from(Secret::new("square signature key")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn square(notification_url: PublicUrl) -> Scheme {
    square_scheme(Some(notification_url))
}

fn square_scheme(public_url: Option<PublicUrl>) -> Scheme {
    let mut s = hmac_scheme(
        "square",
        names("x-square-hmacsha256-signature", &[]),
        SignatureFormat::bare(),
        Encoding::Base64,
        vec![Part::PublicUrl, Part::Body],
    );
    s.public_url = public_url;
    s
}

/// Mailgun: no header — `signature.{timestamp,token,signature}` in a JSON body, or the
/// `timestamp`, `token` and `signature` fields of a urlencoded form body (multipart bodies are
/// not read), with `signature` = hex HMAC-SHA256(signing key, timestamp + token)
/// ([docs](https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks)).
///
/// **The event data is not signed**: Mailgun signs only the timestamp and a random token, so a
/// verified delivery proves the token came from Mailgun, not that the rest of the body did.
/// Tolerance ±900 s (mailgun-python). Cache tokens to refuse replays, as Mailgun advises.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::mailgun(), Keyring::from(Secret::new("mailgun signing key")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn mailgun() -> Scheme {
    Scheme {
        signature: SignatureSource::MailgunBody,
        timestamp: TimestampSource::MailgunBody,
        timestamp_check: window(900),
        template: vec![Part::Timestamp, Part::MailgunToken].into(),
        ..easytools_like("mailgun")
    }
}

/// An HMAC-SHA256 hex scheme named `name`, to be completed by struct update.
fn easytools_like(name: &'static str) -> Scheme {
    hmac_scheme(
        name,
        names("x-webhook-signature", &[]),
        SignatureFormat::bare(),
        Encoding::Hex,
        vec![Part::Body],
    )
}

/// Intercom: `X-Hub-Signature: sha1=<hex HMAC-SHA1(client_secret, body)>`
/// ([docs](https://developers.intercom.com/intercom-api-reference/v1.0/reference/signed-notifications)).
/// The key is the app's `client_secret` (or `hub_secret` for old subscriptions). No timestamp.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::intercom(), Keyring::from(Secret::new("client_secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn intercom() -> Scheme {
    body_scheme(
        "intercom",
        names("x-hub-signature", &[]),
        SignatureFormat::prefixed("sha1="),
        Algorithm::HmacSha1,
        Encoding::Hex,
    )
}

/// GitLab: `X-Gitlab-Token: <the secret token>`
/// ([docs](https://docs.gitlab.com/ee/user/project/integrations/webhooks.html#validate-payloads-by-using-a-secret-token)).
///
/// A bearer token, not a signature: **the body is not authenticated**. The token is compared in
/// constant time after hashing both sides with SHA-256, so neither its content nor its length
/// leaks. GitLab's newer signing token follows Standard Webhooks: use
/// [`standard_webhooks`] for it.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::gitlab(), Keyring::from(Secret::new("gitlab secret token")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn gitlab() -> Scheme {
    body_scheme(
        "gitlab",
        names("x-gitlab-token", &[]),
        SignatureFormat::bare(),
        Algorithm::Token,
        Encoding::Verbatim,
    )
}

/// Bitbucket Cloud (and Data Center): `X-Hub-Signature: sha256=<hex HMAC-SHA256(secret, body)>`
/// ([announcement](https://bitbucket.org/blog/enhanced-webhook-security)). No timestamp.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::bitbucket(), Keyring::from(Secret::new("bitbucket secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn bitbucket() -> Scheme {
    body_scheme(
        "bitbucket",
        names("x-hub-signature", &[]),
        SignatureFormat::prefixed("sha256="),
        Algorithm::HmacSha256,
        Encoding::Hex,
    )
}

/// Discord interactions: `X-Signature-Ed25519: <hex Ed25519 signature>` over `{t}{body}` with
/// `X-Signature-Timestamp`, checked with the application's public key (64 hex characters from
/// the Developer Portal) ([docs](https://discord.com/developers/docs/interactions/receiving-and-responding#security-and-authorization)).
///
/// Hex is accepted in either case, as Discord's libraries decode it. Discord's SDK checks no
/// timestamp; interactions are delivered once and must be answered within 3 s, so this preset
/// uses ±300 s. With [`Scheme::answer_pings`] the layer answers the verified PING (`"type": 1`)
/// with `{"type":1}` itself. Needs the `ed25519` feature.
///
/// ```
/// # #[cfg(feature = "ed25519")] {
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let key = Secret::new("2b5ffeaab1ed937d7859ddae52643069a466b510ea7afc5afb669f4a5264b095")?;
/// let layer = WebhookLayer::new(providers::discord().answer_pings(), Keyring::from(key))?;
/// # }
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn discord() -> Scheme {
    let mut s = hmac_scheme(
        "discord",
        names("x-signature-ed25519", &[]),
        SignatureFormat::bare(),
        Encoding::HexAnyCase,
        vec![Part::Timestamp, Part::Body],
    );
    s.algorithm = Algorithm::Ed25519;
    s.key_format = KeyFormat::Ed25519Hex;
    s.timestamp = header("x-signature-timestamp");
    s.extra = Some(Extra::DiscordPing);
    s
}
