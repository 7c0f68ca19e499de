use super::one;
use crate::scheme::{Scheme, SignatureFormat};

/// Sentry integration platform: `Sentry-Hook-Signature: <hex HMAC-SHA256(client secret, body)>`
/// ([docs](https://docs.sentry.io/organization/integrations/integration-platform/webhooks/)).
///
/// - **Signed:** the raw body, exactly as Sentry serialised it (Python `json.dumps`: `", "` and
///   `": "` separators, non-ASCII as `\uXXXX` escapes). The docs' JavaScript sample hashes
///   `JSON.stringify(request.body)`, which does not reproduce those bytes; verifying the raw
///   body does.
/// - **Timestamp:** `Sentry-Hook-Timestamp` is sent but **not signed**, so it is not read here:
///   anyone can change it without breaking the signature, and a window on it would prove
///   nothing. No delivery id is signed either (`Request-ID` is a random per-request value outside
///   the signature): pair this preset with a replay guard if replays matter.
/// - **Key:** the integration's **Client Secret** (Settings → Developer Settings → your
///   integration), as text.
/// - **Encoding:** lowercase hex, compared exactly as the docs' Python check does.
/// - Only webhooks (`Sentry-Hook-Signature`) are covered; requests from UI components (alert
///   rule actions, issue links), reported to carry `Sentry-App-Signature`, are not.
/// - **Window:** none. **Body limit:** 1 MiB (undocumented). No handshake.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::sentry(), Keyring::from(Secret::new("sentry client secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn sentry() -> Scheme {
    Scheme::preset(
        "sentry",
        one("sentry-hook-signature"),
        SignatureFormat::bare(),
    )
}
