use std::sync::Arc;

use super::one;
use crate::scheme::hooks::{Handshake, KeyedMac};
use crate::scheme::message::{Part, RequestView};
use crate::scheme::time::TimeFormat;
use crate::scheme::{
    Algorithm, Answer, Encoding, KeyFormat, Scheme, SignatureFormat, TimestampSource,
};

/// What is signed.
const SIGNED: &[Part] = &[Part::Timestamp, Part::Body];

/// Discord interactions: `X-Signature-Ed25519: <hex Ed25519 signature>` over `{t}{body}` with
/// `X-Signature-Timestamp`, checked with the application's public key (64 hex characters from
/// the Developer Portal) ([docs](https://discord.com/developers/docs/interactions/receiving-and-responding#security-and-authorization)).
///
/// Hex is accepted in either case, as Discord's libraries decode it. Discord's SDK checks no
/// timestamp; interactions are delivered once and must be answered within 3 s, so this preset
/// uses ±300 s. With [`Scheme::answer_handshakes`] the layer answers the verified PING
/// (`"type": 1`) with `{"type":1}` itself. Needs the `ed25519` feature.
///
/// ```
/// # #[cfg(feature = "ed25519")] {
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let key = Secret::new("2b5ffeaab1ed937d7859ddae52643069a466b510ea7afc5afb669f4a5264b095")?;
/// let layer = WebhookLayer::new(providers::discord().answer_handshakes(), Keyring::from(key))?;
/// # }
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn discord() -> Scheme {
    Scheme::preset(
        "discord",
        one("x-signature-ed25519"),
        SignatureFormat::bare(),
    )
    .signing(SIGNED)
    .algo(Algorithm::Ed25519)
    .enc(Encoding::HexAnyCase)
    .key(KeyFormat::Ed25519Hex)
    .stamp(TimestampSource::Header(
        one("x-signature-timestamp"),
        TimeFormat::Seconds,
    ))
    .handshake(Arc::new(Ping))
}

/// Answers a verified PING interaction (`"type": 1`) with `{"type":1}`.
struct Ping;

impl Handshake for Ping {
    fn verified(&self, _: &RequestView<'_>, body: &[u8], _: KeyedMac<'_>) -> Option<Answer> {
        #[derive(serde::Deserialize)]
        struct Interaction {
            r#type: u64,
        }
        let interaction: Interaction = serde_json::from_slice(body).ok()?;
        (interaction.r#type == 1).then(|| Answer::ok("application/json", &br#"{"type":1}"#[..]))
    }
}
