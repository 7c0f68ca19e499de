use http::HeaderName;

use super::one;
use crate::scheme::headers::HeaderNames;
use crate::scheme::message::Part;
use crate::scheme::time::TimeFormat;
use crate::scheme::{
    Algorithm, Declared, DeclaredValue, Encoding, PublicUrl, Scheme, SignatureFormat,
    TimestampSource,
};

/// What v3 signs: the method, the request URI, the body and the millisecond timestamp, with
/// nothing between them.
const SIGNED_V3: &[Part] = &[Part::Method, Part::Url, Part::Body, Part::Timestamp];

/// What v2 hashes after the client secret.
const SIGNED_V2: &[Part] = &[Part::Method, Part::Url, Part::Body];

/// What v1 hashes after the client secret.
const SIGNED_V1: &[Part] = &[Part::Body];

/// HubSpot, signature v3: `X-HubSpot-Signature-v3: <base64 HMAC-SHA256(client secret,
/// "{method}{uri}{body}{t}")>` with `X-HubSpot-Request-Timestamp: <unix milliseconds>`
/// ([docs](https://developers.hubspot.com/docs/apps/developer-platform/build-apps/authentication/request-validation)),
/// as HubSpot's SDKs check it (`hubspot-api-client` `Signature.is_valid`, `@hubspot/api-client`
/// `Signature.isValid`).
///
/// The key is the app's **client secret** as text. The URI is the full URL HubSpot requested
/// — scheme, host, path and query — so it is configuration: give the origin with
/// [`PublicUrl::parse`] (the request's path and query are appended) or the whole URL with
/// [`PublicUrl::exact`]. The method is signed as sent (`POST` for webhooks, `GET` for CRM cards),
/// the body raw (empty for a `GET`), then the timestamp text, with no separators: the window
/// is what keeps digits from moving between the URI or body and the timestamp, so keep it on.
/// Standard, padded base64. Body limit 1 MiB (none documented). No handshake.
///
/// Window ±300 s ("reject the request if the timestamp is older than 5 minutes"), checked on
/// the milliseconds and inclusive at both edges like `@hubspot/api-client` (the Python SDK
/// floors to whole seconds and refuses an age of exactly 300 s); the SDKs accept any future
/// timestamp, which this preset bounds to 300 s. The URI is signed as configured and received,
/// percent-escapes included, as both SDKs do.
///
/// Requests also carry the legacy `X-HubSpot-Signature` ([`hubspot_v2`], [`hubspot_v1`]):
/// prefer this one, which binds a timestamp.
///
/// ```
/// use webhook_guard::{providers, Keyring, PublicUrl, Secret, WebhookLayer};
///
/// let hubspot = providers::hubspot(PublicUrl::parse("https://hooks.example.com")?);
/// let layer = WebhookLayer::new(hubspot, Keyring::from(Secret::new("hubspot client secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn hubspot(request_uri: PublicUrl) -> Scheme {
    unconfigured().public_url(request_uri)
}

/// The v3 preset without its public URL (for [`by_name`](super::by_name)).
pub(super) fn unconfigured() -> Scheme {
    Scheme::preset(
        "hubspot",
        one("x-hubspot-signature-v3"),
        SignatureFormat::bare(),
    )
    .signing(SIGNED_V3)
    .enc(Encoding::Base64)
    .stamp(TimestampSource::Header(
        one("x-hubspot-request-timestamp"),
        TimeFormat::Millis,
    ))
}

/// HubSpot, legacy signature v2 (workflow actions, CRM cards): `X-HubSpot-Signature: <hex
/// SHA-256(client secret + "{method}{uri}{body}")>` with `X-HubSpot-Signature-Version: v2`
/// ([docs](https://developers.hubspot.com/docs/faq/v2-request-validation)), as HubSpot's SDKs
/// check it.
///
/// **Not an HMAC**: the SHA-256 of the client secret (as text) followed by the method, the full
/// request URI (see [`hubspot`] for how to give it) and the raw body
/// ([`Algorithm::Sha256SecretPrefix`]), lowercase hex, compared in constant time. **No
/// timestamp**: a captured request can be replayed; pair it with a replay guard, or prefer
/// [`hubspot`] (v3), which HubSpot sends on the same requests.
///
/// `X-HubSpot-Signature-Version` must say `v2`: it never selects the construction, so a `v1`
/// signature (which binds neither the method nor the URI) is refused here. The SDKs let that
/// header choose. Body limit 1 MiB (none documented). No handshake.
///
/// ```
/// use webhook_guard::{providers, Keyring, PublicUrl, Secret, WebhookLayer};
///
/// let hubspot = providers::hubspot_v2(PublicUrl::parse("https://hooks.example.com")?);
/// let layer = WebhookLayer::new(hubspot, Keyring::from(Secret::new("hubspot client secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn hubspot_v2(request_uri: PublicUrl) -> Scheme {
    unconfigured_v2().public_url(request_uri)
}

/// The v2 preset without its public URL (for [`by_name`](super::by_name)).
pub(super) fn unconfigured_v2() -> Scheme {
    legacy("hubspot-v2", "v2").signing(SIGNED_V2)
}

/// HubSpot, legacy signature v1 (webhooks API subscriptions): `X-HubSpot-Signature: <hex
/// SHA-256(client secret + body)>` with `X-HubSpot-Signature-Version: v1`
/// ([docs](https://developers.hubspot.com/docs/faq/v1-request-validation)), as HubSpot's SDKs
/// check it.
///
/// **Not an HMAC**: the SHA-256 of the client secret (as text) followed by the raw body
/// ([`Algorithm::Sha256SecretPrefix`]), lowercase hex, compared in constant time. It binds
/// neither the method, nor the URL, nor a time: a captured delivery verifies at any of your
/// endpoints, forever. Prefer [`hubspot`] (v3), which HubSpot sends on the same requests; if
/// you must use this one, pair it with a replay guard.
///
/// `X-HubSpot-Signature-Version` must say `v1` (it never selects the construction). Body limit
/// 1 MiB (none documented). No handshake.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::hubspot_v1(), Keyring::from(Secret::new("hubspot client secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn hubspot_v1() -> Scheme {
    legacy("hubspot-v1", "v1").signing(SIGNED_V1)
}

/// `X-HubSpot-Signature`, hex SHA-256 of the secret and the message, declaring `version`.
fn legacy(name: &'static str, version: &'static str) -> Scheme {
    Scheme::preset(name, one("x-hubspot-signature"), SignatureFormat::bare())
        .algo(Algorithm::Sha256SecretPrefix)
        .declares(Declared {
            header: HeaderNames::one(HeaderName::from_static("x-hubspot-signature-version")),
            value: DeclaredValue::Exact(version),
        })
}
