use super::one;
use crate::scheme::{Encoding, Scheme, SignatureFormat};

/// Bolt (checkout): `X-Bolt-Hmac-Sha256: <base64 HMAC-SHA256(signing secret, body)>`, as Bolt's
/// official Magento plugins check it (`verifySignature`).
///
/// - **Signed:** the raw body. No timestamp (`data.date` is inside the signed body, not checked)
///   and no delivery id (`X-Bolt-Trace-Id` is a trace id, not signed).
/// - **Key:** the merchant **Signing Secret** (Merchant Dashboard → Administration → API), as
///   text — not the API key.
/// - **Encoding:** standard, padded, canonical base64, compared in constant time (the plugins
///   compare with `===`). Bolt has no Python or Node SDK verifier; the fixture transcribes the
///   plugin's check.
/// - **Window:** none. **Body limit:** 1 MiB (undocumented). No handshake. A second header sent
///   during a signing-secret rotation (`X-Bolt-Hmac-Sha256-Pending`) is not confirmed and not
///   read: during a rotation, give both secrets to the keyring.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::bolt(), Keyring::from(Secret::new("bolt signing secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn bolt() -> Scheme {
    Scheme::preset("bolt", one("x-bolt-hmac-sha256"), SignatureFormat::bare()).enc(Encoding::Base64)
}
