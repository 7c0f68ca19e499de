use std::borrow::Cow;

use http::HeaderName;

use super::one;
use crate::scheme::{Declared, DeclaredValue, Encoding, Scheme, Signature, SignatureFormat};

/// The signature headers read: one per active Connect key, numbered from 1.
const HEADERS: &[&str] = &[
    "x-docusign-signature-1",
    "x-docusign-signature-2",
    "x-docusign-signature-3",
    "x-docusign-signature-4",
    "x-docusign-signature-5",
    "x-docusign-signature-6",
    "x-docusign-signature-7",
    "x-docusign-signature-8",
    "x-docusign-signature-9",
    "x-docusign-signature-10",
];

/// DocuSign Connect: `X-DocuSign-Signature-1`, `-2`, …: each
/// `<base64 HMAC-SHA256(Connect key, body)>` under one active Connect key, with
/// `x-authorization-digest: HMACSHA256`
/// ([docs](https://developers.docusign.com/platform/webhooks/connect/hmac)).
///
/// The key is a **Connect key** (Admin → Connect → Connect Keys; shown in full once) used **as
/// text**, trailing `=` included, although it looks like base64. DocuSign sends one numbered
/// header per active key and the number does not tell the receiver which key it is, so every
/// header is checked against every key of the keyring; any match verifies. **Headers
/// `X-DocuSign-Signature-1` to `-10` are read** (ten keys at once is far more than a rotation
/// needs, and ten candidates is the most a request may carry); higher numbers are ignored.
/// `x-authorization-digest` must say `HMACSHA256`. The raw body (JSON, or legacy XML) is
/// signed; no timestamp (the body's `generatedDateTime` is signed but not checked). Standard,
/// padded base64. Body limit 1 MiB (none documented). No handshake. HMAC signatures are sent
/// only when "Include HMAC Signature" is ticked on the Connect configuration.
///
/// DocuSign publishes no SDK verifier; the fixtures follow the documented check, which reads
/// any header number and ignores `x-authorization-digest`.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let key = "Mzk1ZjM2ZTgtYjQ2Ny00NGI0LWE5NmUtYTQ2YjQ2ZmYwMmQ3ZmM0NWY4MTM=";
/// let layer = WebhookLayer::new(providers::docusign(), Keyring::from(Secret::new(key)?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn docusign() -> Scheme {
    Scheme::preset(
        "docusign",
        one("x-docusign-signature-1"),
        SignatureFormat::bare(),
    )
    .signature(Signature::Headers {
        names: Cow::Owned(HEADERS.iter().map(|n| HeaderName::from_static(n)).collect()),
        format: SignatureFormat::bare(),
    })
    .enc(Encoding::Base64)
    .declares(Declared {
        header: one("x-authorization-digest"),
        value: DeclaredValue::Exact("HMACSHA256"),
    })
}
