use super::one;
use crate::scheme::message::{Part, lit};
use crate::scheme::time::TimeFormat;
use crate::scheme::{Scheme, SignatureFormat, TimestampSource};

/// What is signed.
const SIGNED: &[Part] = &[lit("v0:"), Part::Timestamp, lit(":"), Part::Body];

/// Slack: `X-Slack-Signature: v0=<hex>` over `v0:{t}:{body}` with `X-Slack-Request-Timestamp`
/// ([docs](https://docs.slack.dev/authentication/verifying-requests-from-slack/)).
///
/// Form bodies (slash commands, interactivity) are signed as the raw urlencoded bytes, which is
/// what the layer hashes. Window ±300 s, inclusive, as Slack's SDK.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::slack(), Keyring::from(Secret::new("slack signing secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn slack() -> Scheme {
    Scheme::preset(
        "slack",
        one("x-slack-signature"),
        SignatureFormat::prefixed("v0="),
    )
    .signing(SIGNED)
    .stamp(TimestampSource::Header(
        one("x-slack-request-timestamp"),
        TimeFormat::Seconds,
    ))
}
