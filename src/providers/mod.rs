//! Presets: one function per provider, each returning a [`Scheme`] built from the shared parts.
//!
//! Every preset follows its provider's own SDK or documentation: header names, layout,
//! algorithm, encoding, how the secret becomes a key, and the default window and body limit
//! (the window is adjustable on the returned [`Scheme`], the limit on the layer). Give the
//! secret exactly as the provider's dashboard shows it. Protecting a route is one line:
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
//! For a command-line tool or a configuration file, [`by_name`] maps every name in [`names`]
//! (and the aliases of [`aliases`]) to its preset. The table of every preset — headers, signed
//! bytes, algorithm, encoding, window, body limit, handshake, source — is `docs/providers.md`
//! in the repository, checked against this module by a test.
//!
//! The Ed25519 presets need the crate's `ed25519` feature, the ECDSA ones (SendGrid, Plaid) the
//! `ecdsa` feature and the RSA ones (AWS SNS, PayPal) the `rsa` feature; without them the
//! presets still exist, and building a verifier from them fails with
//! [`ConfigError::FeatureDisabled`](crate::ConfigError::FeatureDisabled).
//!
//! AWS SNS, PayPal and Plaid publish the key that verifies each delivery and name it in the
//! delivery: pin it (give it to [`Verifier::new`](crate::Verifier::new) like any key), or let
//! the layer fetch it with
//! [`WebhookLayer::with_key_fetcher`](crate::WebhookLayer::with_key_fetcher).
//!
//! Windows where the provider's own SDK has none or only checks the past are two-sided here (a
//! future-dated signature extends a replay window); the provider-specific notes are on each
//! function.

mod aws_sns;
mod bitbucket;
mod calendly;
mod discord;
mod easytools;
mod github;
mod gitlab;
mod intercom;
mod linear;
mod mailgun;
mod paddle;
mod paypal;
mod persona;
mod plaid;
mod sendgrid;
mod shopify;
mod slack;
mod square;
mod standard_webhooks;
mod stripe;
mod twilio;
mod woocommerce;
mod zoom;

pub use aws_sns::{aws_sns, aws_sns_for_topics};
pub use bitbucket::bitbucket;
pub use calendly::calendly;
pub use discord::discord;
pub use easytools::easytools;
pub use github::{github, github_sha1};
pub use gitlab::gitlab;
pub use intercom::intercom;
pub use linear::linear;
pub use mailgun::mailgun;
pub use paddle::paddle;
pub use paypal::paypal;
pub use persona::persona;
#[cfg(feature = "fetch")]
pub use plaid::PlaidKeyFetcher;
pub use plaid::plaid;
pub use sendgrid::sendgrid;
pub use shopify::shopify;
pub use slack::slack;
pub use square::square;
pub use standard_webhooks::{standard_webhooks, standard_webhooks_ed25519, svix, svix_ed25519};
pub use stripe::stripe;
pub use twilio::{twilio, twilio_shared_key};
pub use woocommerce::woocommerce;
pub use zoom::zoom;

use http::HeaderName;

use crate::scheme::Scheme;
use crate::scheme::headers::HeaderNames;

/// One preset in the registry.
struct Entry {
    name: &'static str,
    aliases: &'static [&'static str],
    build: fn() -> Scheme,
    /// Where the scheme is confirmed: the provider's SDK (package, function) and/or docs.
    source: &'static str,
}

/// Every preset by name. Presets that need configuration to be used (a public URL) are built
/// without it here.
const REGISTRY: &[Entry] = &[
    entry(
        "stripe",
        &[],
        stripe,
        "stripe (Python) `WebhookSignature.verify_header`; https://docs.stripe.com/webhooks/signature",
    ),
    entry(
        "github",
        &[],
        github,
        "@octokit/webhooks-methods `verify`; https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries",
    ),
    entry(
        "github-sha1",
        &[],
        github_sha1,
        "@octokit/webhooks-methods 2.x `verify` (sha1); GitHub docs",
    ),
    entry(
        "shopify",
        &[],
        shopify,
        "@shopify/shopify-api `validateHmac`; https://shopify.dev/docs/apps/build/webhooks/subscribe/https",
    ),
    entry(
        "slack",
        &[],
        slack,
        "slack_sdk `SignatureVerifier`; https://docs.slack.dev/authentication/verifying-requests-from-slack/",
    ),
    entry(
        "twilio",
        &[],
        twilio::unconfigured,
        "twilio (Python) `RequestValidator`; https://www.twilio.com/docs/usage/security",
    ),
    entry(
        "woocommerce",
        &[],
        woocommerce,
        "WooCommerce `class-wc-webhook.php` (`generate_signature`)",
    ),
    entry(
        "standard-webhooks",
        &[],
        standard_webhooks,
        "standardwebhooks `Webhook.verify`; https://www.standardwebhooks.com/",
    ),
    entry(
        "svix",
        &[],
        svix,
        "svix `Webhook.verify`; https://docs.svix.com/receiving/verifying-payloads/how-manual",
    ),
    entry(
        "calendly",
        &[],
        calendly,
        "https://developer.calendly.com/api-docs/overview/webhooks/webhook-signatures (sample code)",
    ),
    entry(
        "easytools",
        &[],
        easytools,
        "https://easy.tools/docs/generate-webhook-signing-key (sample code)",
    ),
    entry(
        "sendgrid",
        &[],
        sendgrid,
        "@sendgrid/eventwebhook `EventWebhook.verifySignature`; sendgrid (Python)",
    ),
    entry(
        "paddle",
        &[],
        paddle,
        "paddle-python-sdk and @paddle/paddle-node-sdk `Verifier`; https://developer.paddle.com/webhooks/about/signature-verification",
    ),
    entry(
        "linear",
        &[],
        linear,
        "@linear/sdk `LinearWebhooks.verify`; https://linear.app/developers/webhooks",
    ),
    entry(
        "zoom",
        &[],
        zoom,
        "@zoom/rivet; https://developers.zoom.us/docs/api/webhooks/",
    ),
    entry(
        "square",
        &[],
        square::unconfigured,
        "square (Python, Node) `WebhooksHelper.verifySignature`; https://developer.squareup.com/docs/webhooks/step3validate",
    ),
    entry(
        "mailgun",
        &[],
        mailgun,
        "mailgun (Python); https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks",
    ),
    entry(
        "intercom",
        &[],
        intercom,
        "https://developers.intercom.com/intercom-api-reference/v1.0/reference/signed-notifications",
    ),
    entry(
        "gitlab",
        &[],
        gitlab,
        "https://docs.gitlab.com/ee/user/project/integrations/webhooks.html",
    ),
    entry(
        "bitbucket",
        &[],
        bitbucket,
        "https://bitbucket.org/blog/enhanced-webhook-security",
    ),
    entry(
        "discord",
        &[],
        discord,
        "discord-interactions `verifyKey`; https://discord.com/developers/docs/interactions/receiving-and-responding",
    ),
    entry(
        "persona",
        &["withpersona"],
        persona,
        "https://docs.withpersona.com/docs/webhooks-best-practices (no SDK verifier)",
    ),
    entry(
        "aws-sns",
        &["sns", "amazon-sns"],
        aws_sns,
        "sns-validator (AWS) `MessageValidator.validate`; https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html",
    ),
    entry(
        "paypal",
        &["paypal-rest"],
        paypal::unconfigured,
        "paypalrestsdk (Python) `WebhookEvent.verify`, PayPal-Java-SDK `Event.validateReceivedEvent`; https://developer.paypal.com/api/rest/webhooks/rest/",
    ),
    entry(
        "plaid",
        &[],
        plaid,
        "https://plaid.com/docs/api/webhooks/webhook-verification/ (no SDK verifier)",
    ),
];

const fn entry(
    name: &'static str,
    aliases: &'static [&'static str],
    build: fn() -> Scheme,
    source: &'static str,
) -> Entry {
    Entry {
        name,
        aliases,
        build,
        source,
    }
}

/// The name of every preset, as [`Scheme::name`] reports it and [`by_name`] accepts it.
///
/// ```
/// use webhook_guard::providers;
///
/// assert!(providers::names().any(|n| n == "stripe"));
/// for name in providers::names() {
///     assert_eq!(providers::by_name(name).unwrap().name(), name);
/// }
/// ```
pub fn names() -> impl ExactSizeIterator<Item = &'static str> {
    REGISTRY.iter().map(|e| e.name)
}

/// Every alias, with the preset name it stands for (`("facebook", "meta")`).
///
/// ```
/// for (alias, name) in webhook_guard::providers::aliases() {
///     assert_eq!(webhook_guard::providers::by_name(alias).unwrap().name(), name);
/// }
/// ```
pub fn aliases() -> impl Iterator<Item = (&'static str, &'static str)> {
    REGISTRY
        .iter()
        .flat_map(|e| e.aliases.iter().map(move |a| (*a, e.name)))
}

/// Where the preset called `name` is confirmed: the provider's SDK (package and function)
/// whose output its fixtures were made with, and/or the provider's documentation.
///
/// ```
/// assert!(webhook_guard::providers::source("stripe").unwrap().contains("stripe"));
/// ```
#[must_use]
pub fn source(name: &str) -> Option<&'static str> {
    entry_for(name).map(|e| e.source)
}

fn entry_for(name: &str) -> Option<&'static Entry> {
    REGISTRY
        .iter()
        .find(|e| e.name == name || e.aliases.contains(&name))
}

/// The preset called `name` (one of [`names`] or [`aliases`]; exact, lowercase), or `None`.
///
/// `twilio` and `square` come without a public URL: set it with [`Scheme::public_url`] before
/// building a verifier; `paypal` comes without a webhook id: use [`paypal`] instead. `standard-webhooks` and `svix` are the HMAC (`v1`) forms; the Ed25519
/// forms are [`standard_webhooks_ed25519`] and [`svix_ed25519`], and Twilio's SharedKey form is
/// [`twilio_shared_key`].
///
/// ```
/// use webhook_guard::providers;
///
/// assert_eq!(providers::by_name("github").unwrap().name(), "github");
/// assert!(providers::by_name("Stripe").is_none());
/// ```
#[must_use]
pub fn by_name(name: &str) -> Option<Scheme> {
    entry_for(name).map(|e| (e.build)())
}

/// One header name.
fn one(name: &'static str) -> HeaderNames {
    HeaderNames::one(HeaderName::from_static(name))
}

/// A header name and the other spellings accepted for it, in order of preference.
fn either(primary: &'static str, alternates: &[&'static str]) -> HeaderNames {
    HeaderNames::with(
        HeaderName::from_static(primary),
        alternates
            .iter()
            .map(|a| HeaderName::from_static(a))
            .collect(),
    )
}

/// 1 MiB, in bytes.
const MIB: usize = 1024 * 1024;
