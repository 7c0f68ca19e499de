use super::one;
use crate::scheme::message::{Part, lit};
use crate::scheme::time::TimeFormat;
use crate::scheme::{Scheme, SignatureFormat, TimestampSource};

/// What is signed.
const SIGNED: &[Part] = &[Part::Timestamp, lit(":"), Part::Body];

/// Webflow: `X-Webflow-Signature: <hex HMAC-SHA256(client secret, "{t}:{body}")>` with
/// `X-Webflow-Timestamp: <unix milliseconds>`
/// ([docs](https://developers.webflow.com/data/docs/working-with-webhooks)).
///
/// The key is the OAuth application's **Client Secret** as text. Only webhooks created through
/// an OAuth application are signed (those made in a site's dashboard or with a site API key
/// carry no signature). The timestamp is **milliseconds**, signed as sent. Lowercase hex only.
/// Body limit 1 MiB (none documented). No handshake.
///
/// Window ±300 s. Webflow's docs reject requests older than 5 minutes; its SDK
/// (`webflow-api` `webhooks.verifySignature`) checks no timestamp at all. The docs' sample
/// hashes re-serialised JSON (`JSON.stringify(req.body)`); here the raw body is verified, which
/// is what Webflow signs.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::webflow(), Keyring::from(Secret::new("webflow client secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn webflow() -> Scheme {
    Scheme::preset(
        "webflow",
        one("x-webflow-signature"),
        SignatureFormat::bare(),
    )
    .signing(SIGNED)
    .stamp(TimestampSource::Header(
        one("x-webflow-timestamp"),
        TimeFormat::Millis,
    ))
}
