use std::borrow::Cow;

use super::one;
use crate::scheme::message::{Part, lit};
use crate::scheme::time::TimeFormat;
use crate::scheme::{Algorithm, Encoding, Scheme, SignatureFormat, TimestampSource};

/// What is signed.
const SIGNED: &[Part] = &[Part::Timestamp, lit("."), Part::Body];

/// Buildkite webhooks in **signature** mode:
/// `X-Buildkite-Signature: timestamp=<unix>,signature=<hex HMAC-SHA256(token, "{t}.{body}")>`
/// ([docs](https://buildkite.com/docs/apis/webhooks/pipelines)).
///
/// A Buildkite webhook sends either a signature or its token, as chosen in its settings; this
/// preset is for the signature (the body is authenticated). For the token mode use
/// [`buildkite_token`]. The key is the webhook's **Token** (Settings → Notification Services →
/// Webhook) as text. Items are split on `,` and then on the first `=`, without trimming
/// (Buildkite sends no spaces; the docs' sample strips them). Lowercase hex only. The
/// Package Registries webhooks are signed the same way. Body limit 1 MiB (none documented). No
/// handshake: the `ping` event is signed like any other.
///
/// Window ±300 s: the docs suggest accepting "a short window (for example, 5 minutes)"; their
/// sample checks no age.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::buildkite(), Keyring::from(Secret::new("buildkite webhook token")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn buildkite() -> Scheme {
    Scheme::preset(
        "buildkite",
        one("x-buildkite-signature"),
        SignatureFormat::key_value(',', "signature"),
    )
    .signing(SIGNED)
    .stamp(TimestampSource::Param(
        Cow::Borrowed("timestamp"),
        TimeFormat::Seconds,
    ))
}

/// Buildkite webhooks in **token** mode: `X-Buildkite-Token: <the webhook's token>`
/// ([docs](https://buildkite.com/docs/apis/webhooks/pipelines)).
///
/// A bearer token, not a signature: **the body is not authenticated** and there is no
/// timestamp, so a captured delivery can be replayed or its body replaced. Prefer switching the
/// webhook to signatures and using [`buildkite`]. The token is compared in constant time after
/// hashing both sides with SHA-256.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::buildkite_token(), Keyring::from(Secret::new("buildkite webhook token")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn buildkite_token() -> Scheme {
    Scheme::preset(
        "buildkite-token",
        one("x-buildkite-token"),
        SignatureFormat::bare(),
    )
    .algo(Algorithm::Token)
    .enc(Encoding::Verbatim)
}
