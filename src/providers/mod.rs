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
//!         .route_layer(WebhookLayer::new(providers::slack(), Keyring::from(Secret::new("8f742231b10e8888abcd99yyyzzz85a5")?))?),
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

mod adyen;
mod aftership;
mod airtable;
mod alchemy;
mod anthropic;
mod asana;
mod aws_sns;
mod bitbucket;
mod bolt;
mod box_com;
mod buildkite;
mod calendly;
mod castle;
mod challenge;
mod circleci;
mod clearbit;
mod clerk;
mod coinbase_commerce;
mod contentful;
mod discord;
mod docusign;
mod dropbox;
mod easytools;
mod elevenlabs;
mod form;
mod frame_io;
mod github;
mod gitlab;
mod gocardless;
mod hubspot;
mod hygraph;
mod intercom;
mod jira;
mod json;
mod lemon_squeezy;
mod line;
mod linear;
mod mailgun;
mod meta;
mod microsoft_teams;
mod modern_treasury;
mod mongodb;
mod mux;
mod notion;
mod okta;
mod openai;
mod orb;
mod paddle;
mod pagerduty;
mod paypal;
mod persona;
mod plaid;
mod plivo;
mod polar;
mod pusher;
mod razorpay;
mod replicate;
mod resend;
mod segment;
mod sendgrid;
mod sentry;
mod shopify;
mod slack;
mod sonatype;
mod square;
mod standard_webhooks;
mod stripe;
mod supabase;
mod telnyx;
mod terraform;
mod tiktok;
mod trello;
mod twilio;
mod twitch;
mod twitter;
mod typeform;
mod webex;
mod webflow;
mod woocommerce;
mod workos;
mod worldline;
mod xero;
mod zendesk;
mod zoom;

pub use adyen::{adyen, adyen_platform};
pub use aftership::aftership;
pub use airtable::airtable;
pub use alchemy::alchemy;
pub use anthropic::anthropic;
pub use asana::asana;
pub use aws_sns::{aws_sns, aws_sns_for_topics};
pub use bitbucket::bitbucket;
pub use bolt::bolt;
pub use box_com::box_com;
pub use buildkite::{buildkite, buildkite_token};
pub use calendly::calendly;
pub use castle::castle;
pub use circleci::circleci;
pub use clearbit::clearbit;
pub use clerk::clerk;
pub use coinbase_commerce::coinbase_commerce;
pub use contentful::contentful;
pub use discord::discord;
pub use docusign::docusign;
pub use dropbox::dropbox;
pub use easytools::easytools;
pub use elevenlabs::elevenlabs;
pub use frame_io::frame_io;
pub use github::{github, github_sha1};
pub use gitlab::gitlab;
pub use gocardless::gocardless;
pub use hubspot::{hubspot, hubspot_v1, hubspot_v2};
pub use hygraph::hygraph;
pub use intercom::intercom;
pub use jira::jira;
pub use lemon_squeezy::lemon_squeezy;
pub use line::line;
pub use linear::linear;
pub use mailgun::mailgun;
pub use meta::{meta, meta_with_verify_token};
pub use microsoft_teams::microsoft_teams;
pub use modern_treasury::modern_treasury;
pub use mongodb::mongodb;
pub use mux::mux;
pub use notion::notion;
pub use okta::{okta, okta_with_header};
pub use openai::openai;
pub use orb::orb;
pub use paddle::paddle;
pub use pagerduty::pagerduty;
pub use paypal::paypal;
pub use persona::persona;
#[cfg(feature = "fetch")]
pub use plaid::PlaidKeyFetcher;
pub use plaid::plaid;
pub use plivo::plivo;
pub use polar::polar;
pub use pusher::pusher;
pub use razorpay::razorpay;
pub use replicate::replicate;
pub use resend::resend;
pub use segment::segment;
pub use sendgrid::sendgrid;
pub use sentry::sentry;
pub use shopify::shopify;
pub use slack::slack;
pub use sonatype::{nexus_repository, sonatype};
pub use square::square;
pub use standard_webhooks::{standard_webhooks, standard_webhooks_ed25519, svix, svix_ed25519};
pub use stripe::stripe;
pub use supabase::supabase;
pub use telnyx::telnyx;
pub use terraform::terraform;
pub use tiktok::tiktok;
pub use trello::trello;
pub use twilio::{twilio, twilio_shared_key};
pub use twitch::twitch;
pub use twitter::twitter;
pub use typeform::typeform;
pub use webex::webex;
pub use webflow::webflow;
pub use woocommerce::woocommerce;
pub use workos::workos;
pub use worldline::worldline;
pub use xero::xero;
pub use zendesk::zendesk;
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
        "line",
        &["line-messaging-api", "line-bot"],
        line,
        "line-bot-sdk (Python) `SignatureValidator.validate`, @line/bot-sdk `validateSignature`; https://developers.line.biz/en/docs/messaging-api/verify-webhook-signature/",
    ),
    entry(
        "razorpay",
        &[],
        razorpay,
        "razorpay (Python) `Utility.verify_webhook_signature`, razorpay (Node) `validateWebhookSignature`; https://razorpay.com/docs/webhooks/validate-test/",
    ),
    entry(
        "coinbase-commerce",
        &[],
        coinbase_commerce,
        "coinbase-commerce (Python) `WebhookSignature.verify_sig_header`, coinbase-commerce-node `Webhook.verifySigHeader`; https://docs.cdp.coinbase.com/commerce/api-arcitecture/webhooks-security",
    ),
    entry(
        "castle",
        &["castle-io"],
        castle,
        "castle (Python) `castle.webhooks.verify.WebhooksVerify`",
    ),
    entry(
        "typeform",
        &[],
        typeform,
        "https://www.typeform.com/developers/webhooks/secure-your-webhooks/ (no SDK verifier)",
    ),
    entry(
        "sentry",
        &["sentry-integration"],
        sentry,
        "https://docs.sentry.io/organization/integrations/integration-platform/webhooks/; Sentry's sender `SentryApp.build_signature` (no SDK verifier)",
    ),
    entry(
        "xero",
        &[],
        xero,
        "https://developer.xero.com/documentation/webhooks/configuring-your-server (no SDK verifier)",
    ),
    entry(
        "lemon-squeezy",
        &["lemonsqueezy"],
        lemon_squeezy,
        "https://docs.lemonsqueezy.com/help/webhooks/signing-requests (no SDK verifier)",
    ),
    entry(
        "airtable",
        &[],
        airtable,
        "https://airtable.com/developers/web/api/webhooks-overview (no SDK verifier)",
    ),
    entry(
        "segment",
        &["twilio-segment"],
        segment,
        "https://www.twilio.com/docs/segment/connections/destinations/catalog/actions-webhook (no SDK verifier)",
    ),
    entry(
        "alchemy",
        &["alchemy-notify"],
        alchemy,
        "alchemyplatform/webhook-examples `isValidSignatureForStringBody` (official example; no SDK verifier)",
    ),
    entry(
        "aftership",
        &["aftership-tracking"],
        aftership,
        "https://www.aftership.com/docs/tracking/webhook/webhook-signature (Tracking; no SDK verifier)",
    ),
    entry(
        "mux",
        &["mux-video", "mux-data"],
        mux,
        "@mux/mux-node `webhooks.verifySignature`; https://www.mux.com/docs/core/verify-webhook-signatures",
    ),
    entry(
        "tiktok",
        &["tiktok-developers"],
        tiktok,
        "https://developers.tiktok.com/doc/webhooks-verification (no SDK verifier)",
    ),
    entry(
        "frame-io",
        &["frameio"],
        frame_io,
        "https://developer.adobe.com/frameio/guides/Webhooks/ (sample code; no SDK verifier)",
    ),
    entry(
        "workos",
        &[],
        workos,
        "workos (Python) `Webhooks.verify_header`; @workos-inc/node `webhooks.verifyHeader`",
    ),
    entry(
        "elevenlabs",
        &["eleven-labs"],
        elevenlabs,
        "elevenlabs (Python) `WebhooksClient.construct_event`; @elevenlabs/elevenlabs-js `WebhooksClient.constructEvent`",
    ),
    entry(
        "webflow",
        &[],
        webflow,
        "webflow-api `webhooks.verifySignature`; https://developers.webflow.com/data/docs/working-with-webhooks",
    ),
    entry(
        "zendesk",
        &["zendesk-support", "zendesk-webhooks"],
        zendesk,
        "https://developer.zendesk.com/documentation/webhooks/verifying/ (no SDK verifier)",
    ),
    entry(
        "pagerduty",
        &["pagerduty-v3"],
        pagerduty,
        "https://developer.pagerduty.com/docs/ZG9jOjExMDI5NTkz-verifying-signatures (sample code); go-pagerduty `webhookv3.VerifySignature`",
    ),
    entry(
        "buildkite",
        &["buildkite-pipelines", "buildkite-packages"],
        buildkite,
        "https://buildkite.com/docs/apis/webhooks/pipelines (sample code; no SDK verifier)",
    ),
    entry(
        "buildkite-token",
        &[],
        buildkite_token,
        "https://buildkite.com/docs/apis/webhooks/pipelines (token mode)",
    ),
    entry(
        "circleci",
        &["circle-ci"],
        circleci,
        "https://circleci.com/docs/guides/integration/outbound-webhooks/ (sample code, worked examples)",
    ),
    entry(
        "terraform",
        &[
            "hcp-terraform",
            "terraform-cloud",
            "terraform-enterprise",
            "tfe",
        ],
        terraform,
        "https://developer.hashicorp.com/terraform/cloud-docs/api-docs/notification-configurations#notification-authenticity (sample code)",
    ),
    entry(
        "microsoft-teams",
        &["teams", "msteams", "teams-outgoing-webhook"],
        microsoft_teams,
        "Microsoft's sample OfficeDev/msteams-samples-outgoing-webhook-nodejs `app.js` (outgoing webhooks)",
    ),
    entry(
        "docusign",
        &["docusign-connect"],
        docusign,
        "https://developers.docusign.com/platform/webhooks/connect/hmac and .../connect/validate (no SDK verifier)",
    ),
    entry(
        "box",
        &["box-com", "box-webhooks"],
        box_com,
        "boxsdk (Python, box_sdk_gen) `WebhooksManager.validate_message`; box-node-sdk `WebhooksManager.validateMessage`",
    ),
    entry(
        "orb",
        &["orb-billing", "withorb"],
        orb,
        "orb-billing (Python) `Webhooks.verify_signature`",
    ),
    entry(
        "modern-treasury",
        &["moderntreasury"],
        modern_treasury,
        "modern-treasury (Python) `Webhooks.validate_signature`; modern-treasury (Node) `validateSignature`",
    ),
    entry(
        "openai",
        &[],
        openai,
        "openai (Python) `Webhooks.verify_signature`, openai (Node) `webhooks.verifySignature`; https://platform.openai.com/docs/guides/webhooks",
    ),
    entry(
        "replicate",
        &[],
        replicate,
        "replicate (Python) `Webhooks.validate`, replicate (Node) `validateWebhook`; https://replicate.com/docs/topics/webhooks/verify-webhook",
    ),
    entry(
        "resend",
        &[],
        resend,
        "resend (Python, Node) `Webhooks.verify`; https://resend.com/docs/webhooks/verify-webhooks-requests",
    ),
    entry(
        "clerk",
        &[],
        clerk,
        "@clerk/backend `verifyWebhook`; svix (Python) `Webhook.verify`; https://clerk.com/docs/webhooks/sync-data",
    ),
    entry(
        "polar",
        &["polar-sh"],
        polar,
        "polar-sdk (Python) `validate_event`, @polar-sh/sdk `validateEvent`; https://polar.sh/docs/integrate/webhooks/delivery",
    ),
    entry(
        "anthropic",
        &["claude"],
        anthropic,
        "anthropic (Python), @anthropic-ai/sdk `beta.webhooks.unwrap`; https://platform.claude.com/docs/en/api/beta/webhooks/unwrap",
    ),
    entry(
        "supabase",
        &["supabase-auth-hooks"],
        supabase,
        "supabase/auth `generateSignatures` (the sender); standardwebhooks `Webhook.verify` as https://supabase.com/docs/guides/auth/auth-hooks directs",
    ),
    entry(
        "hygraph",
        &["graphcms"],
        hygraph,
        "@hygraph/utils `verifyWebhookSignature`; https://hygraph.com/docs/api-reference/basics/webhooks",
    ),
    entry(
        "telnyx",
        &[],
        telnyx,
        "telnyx (Python) `verify_webhook_signature`, telnyx (Node) `TelnyxWebhook.verify`; https://developers.telnyx.com/docs/development/api-fundamentals/webhooks",
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
    entry(
        "mongodb",
        &[
            "mongodb-atlas",
            "mongodb-cloud-manager",
            "mongodb-ops-manager",
        ],
        mongodb,
        "https://www.mongodb.com/docs/atlas/tutorial/webhook-integration/ (no SDK verifier)",
    ),
    entry(
        "sonatype",
        &["sonatype-lifecycle", "sonatype-iq", "nexus-iq"],
        sonatype,
        "https://help.sonatype.com/en/lifecycle-webhooks.html; IQ Server's sender `WebhookClientUtil` (no SDK verifier)",
    ),
    entry(
        "nexus-repository",
        &["nexus", "nxrm", "nexus-repository-manager"],
        nexus_repository,
        "https://help.sonatype.com/repomanager3/integrations/webhooks/working-with-hmac-payloads; sonatype/nexus-public `WebhookServiceImpl` (no SDK verifier)",
    ),
    entry(
        "clearbit",
        &[],
        clearbit,
        "clearbit-ruby `Clearbit::Webhook.valid?` (the official gem; no Python or Node verifier)",
    ),
    entry(
        "webex",
        &["cisco-webex", "cisco-spark", "webex-teams"],
        webex,
        "https://developer.webex.com/docs/api/guides/webhooks and https://developer.webex.com/blog/using-a-webhook-secret (no SDK verifier)",
    ),
    entry(
        "bolt",
        &["boltpay", "bolt-checkout"],
        bolt,
        "Bolt's official Magento 2 plugin `verifySignature` (no Python or Node SDK verifier)",
    ),
    entry(
        "jira",
        &["jira-cloud", "jira-data-center", "atlassian-jira"],
        jira,
        "https://developer.atlassian.com/cloud/jira/platform/webhooks/#secure-admin-webhooks, https://confluence.atlassian.com/adminjiraserver/managing-webhooks-938846912.html (admin webhooks; no SDK verifier)",
    ),
    entry(
        "gocardless",
        &["gocardless-pro"],
        gocardless,
        "gocardless-pro (Python) `webhooks.parse`, gocardless-nodejs `webhooks.parse`",
    ),
    entry(
        "pusher",
        &["pusher-channels"],
        pusher,
        "pusher (Python) `Pusher.validate_webhook`, pusher (Node) `WebHook#isValid`; https://pusher.com/docs/webhooks/",
    ),
    entry(
        "meta",
        &["facebook", "instagram", "whatsapp", "messenger"],
        meta,
        "https://developers.facebook.com/docs/graph-api/webhooks/getting-started (no SDK verifier); the GET verification request needs the verify token: `meta_with_verify_token`",
    ),
    entry(
        "dropbox",
        &[],
        dropbox,
        "https://www.dropbox.com/developers/reference/webhooks (no SDK verifier)",
    ),
    entry(
        "asana",
        &[],
        asana,
        "https://developers.asana.com/reference/createwebhook; Asana/devrel-examples `webhooks_v5/server.py` (official example; no SDK verifier)",
    ),
    entry(
        "notion",
        &[],
        notion,
        "@notionhq/client `verifyWebhookSignature`; https://developers.notion.com/reference/v2-webhooks",
    ),
    entry(
        "worldline",
        &[
            "worldline-direct",
            "worldline-connect",
            "globalcollect",
            "ingenico-epayments",
        ],
        worldline,
        "onlinepayments-sdk-python3, connect-sdk-python3 `SignatureValidator.validate`; https://docs.connect.worldline-solutions.com/documentation/webhooks/",
    ),
    entry(
        "adyen",
        &["adyen-standard"],
        adyen,
        "Adyen (Python) `util.is_valid_hmac_notification`, @adyen/api-library `HmacValidator.validateHMAC`; https://docs.adyen.com/development-resources/webhooks/verify-hmac-signatures",
    ),
    entry(
        "adyen-platform",
        &["adyen-balance-platform", "adyen-management"],
        adyen_platform,
        "Adyen (Python) `util.is_valid_hmac_payload`, @adyen/api-library `HmacValidator.validateHMACSignature`",
    ),
    entry(
        "hubspot",
        &["hubspot-v3"],
        hubspot::unconfigured,
        "hubspot-api-client (Python) `Signature.is_valid` (v3), @hubspot/api-client `Signature.isValid`; https://developers.hubspot.com/docs/apps/developer-platform/build-apps/authentication/request-validation",
    ),
    entry(
        "hubspot-v2",
        &[],
        hubspot::unconfigured_v2,
        "hubspot-api-client (Python) `Signature.is_valid` (v2), @hubspot/api-client `Signature.isValid`; https://developers.hubspot.com/docs/faq/v2-request-validation (worked example)",
    ),
    entry(
        "hubspot-v1",
        &[],
        hubspot_v1,
        "hubspot-api-client (Python) `Signature.is_valid` (v1), @hubspot/api-client `Signature.isValid`; https://developers.hubspot.com/docs/faq/v1-request-validation (worked example)",
    ),
    entry(
        "plivo",
        &["plivo-v3"],
        plivo::unconfigured,
        "plivo (Python) `utils.signature_v3.validate_v3_signature`, plivo (Node) `validateV3Signature`",
    ),
    entry(
        "contentful",
        &["contentful-webhooks", "contentful-apps"],
        contentful,
        "@contentful/node-apps-toolkit `verifyRequest`; https://www.contentful.com/developers/docs/extensibility/webhooks/request-verification/",
    ),
    entry(
        "twitch",
        &["twitch-eventsub", "eventsub"],
        twitch,
        "twitchdev/eventsub-webhooks-node-sample `verifySignature` (official sample; no SDK verifier); https://dev.twitch.tv/docs/eventsub/handling-webhook-events/",
    ),
    entry(
        "twitter",
        &["x", "x-twitter", "twitter-account-activity"],
        twitter,
        "twitter-autohook (X developer relations) `validateSignature`, `validateWebhook`; https://docs.x.com/x-api/webhooks/quickstart",
    ),
    entry(
        "okta",
        &["okta-event-hooks"],
        okta,
        "https://developer.okta.com/use_cases/event_hooks; Okta's one-time verification request example (no SDK verifier)",
    ),
    entry(
        "trello",
        &[],
        trello::unconfigured,
        "https://developer.atlassian.com/cloud/trello/guides/rest-api/webhooks/ (no SDK verifier)",
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
/// `twilio`, `square`, `hubspot`, `hubspot-v2`, `plivo` and `trello` come without a public URL:
/// set it with [`Scheme::public_url`] before building a verifier; `paypal` comes without a webhook id: use [`paypal`] instead. `standard-webhooks` and `svix` are the HMAC (`v1`) forms; the Ed25519
/// forms are [`standard_webhooks_ed25519`] and [`svix_ed25519`], and Twilio's SharedKey form is
/// [`twilio_shared_key`]. `meta` verifies deliveries but knows no Verify Token: to answer Meta's
/// GET verification request use [`meta_with_verify_token`].
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

/// 400, empty: the answer to a verified set-up request a preset cannot answer (a challenge
/// missing, repeated or too long), which is neither answered nor passed to the handler.
fn refused_handshake() -> crate::scheme::Answer {
    crate::scheme::Answer {
        status: http::StatusCode::BAD_REQUEST,
        content_type: "text/plain",
        headers: Vec::new(),
        body: bytes::Bytes::new(),
    }
}
