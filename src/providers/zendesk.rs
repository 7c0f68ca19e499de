use super::one;
use crate::scheme::message::Part;
use crate::scheme::time::TimeFormat;
use crate::scheme::{Encoding, Scheme, SignatureFormat, TimestampSource};

/// What is signed: the timestamp text, then the body, with nothing between.
const SIGNED: &[Part] = &[Part::Timestamp, Part::Body];

/// Zendesk webhooks: `X-Zendesk-Webhook-Signature: <base64 HMAC-SHA256(secret, "{t}{body}")>`
/// with `X-Zendesk-Webhook-Signature-Timestamp: <RFC 3339 time>`
/// ([docs](https://developer.zendesk.com/documentation/webhooks/verifying/)).
///
/// The key is the webhook's **signing secret** (Admin Center → Webhooks → Reveal secret, or
/// `GET /api/v2/webhooks/{id}/signing_secret`) used **as text**, although it looks like base64.
/// The timestamp (`2023-11-14T22:13:15Z`) is signed exactly as sent, directly followed by the
/// raw body; GET and DELETE webhooks have no body, so the timestamp alone is signed. Standard,
/// padded base64. Body limit 1 MiB (none documented). No handshake.
///
/// Window ±300 s: the docs name replay protection but no window.
///
/// An older page of Zendesk's docs showed the order `{body}{t}`, with a worked example that
/// only reproduces in that order. The current page, its code sample and independent
/// implementations use `{t}{body}`, as this preset does; the old example is kept in the
/// fixtures as a delivery this preset refuses.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::zendesk(), Keyring::from(Secret::new("dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn zendesk() -> Scheme {
    Scheme::preset(
        "zendesk",
        one("x-zendesk-webhook-signature"),
        SignatureFormat::bare(),
    )
    .enc(Encoding::Base64)
    .signing(SIGNED)
    .stamp(TimestampSource::Header(
        one("x-zendesk-webhook-signature-timestamp"),
        TimeFormat::Rfc3339,
    ))
}
