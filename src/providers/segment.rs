use super::one;
use crate::scheme::{Algorithm, Scheme, SignatureFormat};

/// Segment (Twilio Segment) webhook destinations: `X-Signature: <hex HMAC-SHA1(shared secret,
/// body)>` ([docs](https://www.twilio.com/docs/segment/connections/destinations/catalog/actions-webhook)).
///
/// - **Signed:** the raw body, whatever it is: Webhooks (Actions) lets you map a custom JSON body
///   or batch arrays, and the MAC covers what is sent. No timestamp in the signature (the
///   message's `timestamp`, `sentAt` and `messageId` are signed inside the body, not checked).
/// - **Algorithm:** HMAC-**SHA1**, as Segment documents ("a hex-encoded SHA1 hash").
/// - **Key:** the destination's **Shared Secret** (Webhooks (Actions) → Settings → Advanced
///   settings, or the classic Webhooks destination's shared secret), as text. Segment signs only
///   when one is set.
/// - **Encoding:** lowercase hex, compared exactly in constant time. Segment has no SDK
///   verifier; the fixture transcribes the docs.
/// - **Window:** none. **Body limit:** 1 MiB (undocumented). No handshake.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::segment(), Keyring::from(Secret::new("segment shared secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn segment() -> Scheme {
    Scheme::preset("segment", one("x-signature"), SignatureFormat::bare()).algo(Algorithm::HmacSha1)
}
