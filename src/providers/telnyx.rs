use super::one;
use crate::scheme::message::{Part, lit};
use crate::scheme::time::TimeFormat;
use crate::scheme::{Algorithm, Encoding, KeyFormat, Scheme, SignatureFormat, TimestampSource};

/// What is signed.
const SIGNED: &[Part] = &[Part::Timestamp, lit("|"), Part::Body];

/// Telnyx (API v2 webhooks): `telnyx-signature-ed25519: <base64 Ed25519 signature>` over
/// `{t}|{body}`, with `telnyx-timestamp: <unix seconds>`
/// ([docs](https://developers.telnyx.com/docs/development/api-fundamentals/webhooks)).
///
/// - Signed bytes: the timestamp header's text, a `|`, the raw body.
/// - Algorithm and encoding: Ed25519; the signature is standard padded base64 (88 characters).
/// - Key: the account's **public key** from the Mission Control Portal (Account Settings →
///   Keys & Credentials), base64 of the 32-byte Ed25519 key.
/// - Window: ±300 s, as Telnyx's SDKs. Body limit: 1 MiB (undocumented). No handshake (Telnyx
///   retries a failed delivery on the failover URL instead). Each attempt carries
///   `meta.attempt` in the signed body, so a retry is a new signature with its own timestamp;
///   the replay guard keys on the signed message.
///
/// Differences from Telnyx's SDKs: the signature must be strict padded base64, as the Node SDK
/// (the Python `verify_webhook_signature` decodes leniently and drops stray characters); the
/// timestamp must be plain digits; the raw body is verified as bytes (the Python SDK decodes it
/// as UTF-8 first). Needs the `ed25519` feature.
///
/// ```
/// # #[cfg(feature = "ed25519")] {
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let key = Secret::new("/UbiBBm9TojNMJC6OVLccNtUu19ynws80F45y++06jE=")?;
/// let layer = WebhookLayer::new(providers::telnyx(), Keyring::from(key))?;
/// # }
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn telnyx() -> Scheme {
    Scheme::preset(
        "telnyx",
        one("telnyx-signature-ed25519"),
        SignatureFormat::bare(),
    )
    .signing(SIGNED)
    .algo(Algorithm::Ed25519)
    .enc(Encoding::Base64)
    .key(KeyFormat::Ed25519Base64)
    .stamp(TimestampSource::Header(
        one("telnyx-timestamp"),
        TimeFormat::Seconds,
    ))
}
