use std::sync::Arc;

use super::one;
use crate::scheme::hooks::{Handshake, KeyedMac};
use crate::scheme::message::{Part, RequestView, lit};
use crate::scheme::time::TimeFormat;
use crate::scheme::{Answer, Scheme, SignatureFormat, TimestampSource};

/// What is signed.
const SIGNED: &[Part] = &[lit("v0:"), Part::Timestamp, lit(":"), Part::Body];

/// Zoom: `x-zm-signature: v0=<hex>` over `v0:{t}:{body}` with `x-zm-request-timestamp`
/// ([docs](https://developers.zoom.us/docs/api/webhooks/)).
///
/// The key is the app's Secret Token as text. The raw body is verified; Zoom's own helpers
/// hash re-encoded JSON, which is the same for the compact JSON Zoom sends. Zoom documents no
/// window; this preset uses ±300 s.
///
/// Zoom validates an endpoint by sending a signed `endpoint.url_validation` event that must be
/// answered with `{"plainToken": p, "encryptedToken": hex HMAC-SHA256(secret, p)}`. With
/// [`Scheme::answer_handshakes`] the layer answers it itself, once verified; otherwise your
/// handler gets it.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let zoom = providers::zoom().answer_handshakes();
/// let layer = WebhookLayer::new(zoom, Keyring::from(Secret::new("zoom secret token")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn zoom() -> Scheme {
    Scheme::preset(
        "zoom",
        one("x-zm-signature"),
        SignatureFormat::prefixed("v0="),
    )
    .signing(SIGNED)
    .stamp(TimestampSource::Header(
        one("x-zm-request-timestamp"),
        TimeFormat::Seconds,
    ))
    .handshake(Arc::new(UrlValidation))
}

/// Longest plain token answered.
const MAX_TOKEN_LEN: usize = 512;

/// Answers a verified `endpoint.url_validation` event.
struct UrlValidation;

impl Handshake for UrlValidation {
    fn verified(&self, _: &RequestView<'_>, body: &[u8], mac: KeyedMac<'_>) -> Option<Answer> {
        #[derive(serde::Deserialize)]
        struct Event<'a> {
            #[serde(borrow)]
            event: std::borrow::Cow<'a, str>,
            payload: Option<Payload>,
        }
        #[derive(serde::Deserialize)]
        struct Payload {
            #[serde(rename = "plainToken")]
            plain_token: Option<String>,
        }
        let event: Event<'_> = serde_json::from_slice(body).ok()?;
        if event.event != "endpoint.url_validation" {
            return None;
        }
        let plain = event.payload?.plain_token?;
        if plain.is_empty() || plain.len() > MAX_TOKEN_LEN {
            return None;
        }
        let encrypted = hex::encode(mac(plain.as_bytes())?);
        let json = serde_json::to_vec(&serde_json::json!({
            "plainToken": plain,
            "encryptedToken": encrypted,
        }))
        .ok()?;
        Some(Answer::ok("application/json", json))
    }
}
