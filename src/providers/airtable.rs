use super::one;
use crate::scheme::{KeyFormat, Scheme, SignatureFormat};

/// Airtable: `X-Airtable-Content-MAC: hmac-sha256=<hex HMAC-SHA256(key, body)>`
/// ([docs](https://airtable.com/developers/web/api/webhooks-overview)).
///
/// - **Key:** the webhook's `macSecretBase64`, returned once by the create-webhook API
///   (`POST /v0/bases/{baseId}/webhooks`) and shown in no UI. Give that base64 string: the preset
///   **base64-decodes** it into the key ([`KeyFormat::Base64`]). Using the string's text as the
///   key, a common mistake, never verifies.
/// - **Signed:** the raw body. The prefix must be exactly `hmac-sha256=`, then lowercase hex.
///   (The docs' Node sample feeds the body to `hmac.update(body, "ascii")`, which mangles
///   non-ASCII; Airtable's pings are ASCII, so the raw bytes are the same.)
/// - **Notifications are thin pings** (`{"base":{"id":…},"webhook":{"id":…},"timestamp":…}`)
///   carrying no change data: fetch the changes from the webhook's payloads endpoint with your
///   cursor. Answer 200 or 204 with an empty body.
/// - **Window:** none. The body's `timestamp` is signed but Airtable documents no tolerance and
///   no retry schedule, so it is not checked; a replayed ping only prompts another fetch of the
///   payloads. **Body limit:** 1 MiB (undocumented; pings are about 120 bytes). No handshake.
///   Airtable has no SDK verifier; the fixture transcribes the docs.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let mac_secret_base64 = "BwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4/QEFCQ0RFRg==";
/// let layer = WebhookLayer::new(providers::airtable(), Keyring::from(Secret::new(mac_secret_base64)?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn airtable() -> Scheme {
    Scheme::preset(
        "airtable",
        one("x-airtable-content-mac"),
        SignatureFormat::prefixed("hmac-sha256="),
    )
    .key(KeyFormat::Base64)
}
