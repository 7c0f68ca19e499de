use std::borrow::Cow;

use super::one;
use crate::scheme::message::{Part, lit};
use crate::scheme::time::{TimeFormat, Window};
use crate::scheme::{Scheme, SignatureFormat, TimestampSource};

/// What is signed.
const SIGNED: &[Part] = &[Part::Timestamp, lit("."), Part::Body];

/// WorkOS: `WorkOS-Signature: t=<unix ms>, v1=<hex HMAC-SHA256(secret, "{t}.{body}")>`.
///
/// The items are separated by a comma **and a space**, as WorkOS sends them and its Python SDK
/// requires (read here as `,`-separated items `t` and ` v1`). The timestamp is
/// **milliseconds**, signed as sent. The key is the webhook endpoint's secret from the WorkOS
/// dashboard, as text. Lowercase hex only. Body limit 1 MiB (none documented). No handshake.
///
/// Window ±180 s, inclusive, to the millisecond, as the Python SDK (`workos`
/// `webhooks.verify_header`). The Node SDK (`@workos-inc/node` `webhooks.verifyHeader`) checks
/// only the past, accepts `t=…,v1=…` without the space, and hashes `JSON.stringify` of the
/// parsed payload rather than the raw body; here the raw body is verified, as in Python. The
/// Python SDK slices the `t=` / `v1=` prefixes off without checking them; here they must be
/// present. AuthKit Actions use the same header with a 30 s window:
/// `workos().tolerance(Duration::from_secs(30))`.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::workos(), Keyring::from(Secret::new("workos webhook secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn workos() -> Scheme {
    Scheme::preset(
        "workos",
        one("workos-signature"),
        SignatureFormat::key_value(',', " v1"),
    )
    .signing(SIGNED)
    .stamp(TimestampSource::Param(
        Cow::Borrowed("t"),
        TimeFormat::Millis,
    ))
    .window(Window::both(180))
}
