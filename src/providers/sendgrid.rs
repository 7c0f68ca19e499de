use super::one;
use crate::scheme::message::Part;
use crate::scheme::time::{TimeFormat, Window};
use crate::scheme::{Algorithm, Encoding, KeyFormat, Scheme, SignatureFormat, TimestampSource};

/// What is signed.
const SIGNED: &[Part] = &[Part::Timestamp, Part::Body];

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
    Scheme::preset(
        "sendgrid",
        one("x-twilio-email-event-webhook-signature"),
        SignatureFormat::bare(),
    )
    .signing(SIGNED)
    .algo(Algorithm::EcdsaP256Sha256)
    .enc(Encoding::Base64)
    .key(KeyFormat::SpkiDerBase64)
    .stamp(TimestampSource::Header(
        one("x-twilio-email-event-webhook-timestamp"),
        TimeFormat::Seconds,
    ))
    .window(Window::Disabled)
}
