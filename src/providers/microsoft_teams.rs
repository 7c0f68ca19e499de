use super::one;
use crate::scheme::{Encoding, KeyFormat, Scheme, SignatureFormat};

/// Microsoft Teams outgoing webhooks: `Authorization: HMAC <base64 HMAC-SHA256(key, body)>`.
///
/// The key is the **security token** Teams shows once when the outgoing webhook is created
/// (base64 of 32 bytes, e.g. `+ZaRRMC8…cE=`), **base64-decoded** ([`KeyFormat::Base64`]): give
/// it as shown. The signature is standard, padded base64 after the exact scheme word `HMAC` and
/// one space; `hmac …`, `Bearer …` or URL-safe base64 are refused. The body (the Activity JSON)
/// is signed as received; no timestamp (the Activity's `timestamp` is signed but not checked).
/// Body limit 1 MiB (none documented). No handshake.
///
/// The webhook is synchronous: answer the POST with HTTP 200 and a message activity
/// (`{"type":"message","text":"…"}`), which Teams posts as the reply. Microsoft's sample answers
/// 200 even when authentication fails; the layer answers 401 instead.
///
/// Confirmed with Microsoft's official sample (`OfficeDev/msteams-samples-outgoing-webhook-nodejs`,
/// `app.js`), which decodes the token leniently and compares with `===`; here the token must be
/// valid base64 (configuration fails otherwise) and the comparison is constant time.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let token = "+ZaRRMC8+mpnfGaGsBOmkIFt98bttL5YQRq3p2tXgcE=";
/// let layer = WebhookLayer::new(providers::microsoft_teams(), Keyring::from(Secret::new(token)?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn microsoft_teams() -> Scheme {
    Scheme::preset(
        "microsoft-teams",
        one("authorization"),
        SignatureFormat::prefixed("HMAC "),
    )
    .enc(Encoding::Base64)
    .key(KeyFormat::Base64)
}
