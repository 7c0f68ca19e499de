use std::time::Duration;

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
/// Window: **25 hours in the past, 300 s in the future.** SendGrid's SDKs check no timestamp,
/// and SendGrid retries a failed delivery "for up to 24 hours after the event occurs" without
/// documenting a new signature per retry, so a shorter window could lose events for good after
/// an outage. A window is needed all the same: `{timestamp}{body}` has no separator, so without
/// one a digit of the timestamp could be moved into the body (`1700000000` + `[…` signs the same
/// bytes as `170000000` + `0[…`); any window refuses the shifted timestamp, which is decades
/// old. Make handlers idempotent (`sg_event_id`), or add a replay guard.
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
    .window(Window::Enforce {
        past: Duration::from_secs(25 * 3600),
        future: Duration::from_secs(300),
    })
}
