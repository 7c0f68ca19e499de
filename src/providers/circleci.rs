use super::one;
use crate::scheme::{Scheme, SignatureFormat};

/// CircleCI outbound webhooks: `circleci-signature: v1=<hex HMAC-SHA256(secret, body)>`
/// ([docs](https://circleci.com/docs/guides/integration/outbound-webhooks/)).
///
/// The header is a comma-separated list of `<version>=<signature>` items; only `v1` items are
/// checked ("only check the latest signature type to prevent downgrade attacks") and any of them
/// may match. Items are split on `,` and then on the first `=`, without trimming. The key is the
/// webhook's **Secret token** (Project Settings → Webhooks; API field `signing-secret`) as text;
/// without one CircleCI sends no signature. No timestamp: the body's `happened_at` is signed
/// but not checked, and the body's `id` identifies the delivery (CircleCI says deliveries may
/// be duplicated). Body limit 1 MiB (none documented). No handshake.
///
/// The docs' worked examples verify here (`tests/vectors/circleci.json`, `docs_example*`).
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::circleci(), Keyring::from(Secret::new("webhook secret token")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn circleci() -> Scheme {
    Scheme::preset(
        "circleci",
        one("circleci-signature"),
        SignatureFormat::key_value(',', "v1"),
    )
}
