use super::one;
use crate::scheme::{Algorithm, Declared, DeclaredValue, Scheme, SignatureFormat};

/// Sonatype Lifecycle (Nexus IQ Server): `X-Nexus-Webhook-Signature: <hex HMAC-SHA1(secret key,
/// body)>` with `X-Nexus-Webhook-Signature-Algorithm: HmacSHA1`
/// ([docs](https://help.sonatype.com/en/lifecycle-webhooks.html)).
///
/// - **Signed:** the raw JSON body. No timestamp (the body's `timestamp` is signed, not
///   checked); `X-Nexus-Webhook-ID` (the event type) and `X-Nexus-Webhook-Delivery` (a random
///   id per delivery) are not signed.
/// - **Algorithm:** HMAC-**SHA1**. IQ Server names the algorithm it used in
///   `X-Nexus-Webhook-Signature-Algorithm` whenever it signs (its sender, `WebhookClientUtil`,
///   always sets both headers): the header must say exactly `HmacSHA1`. It is checked, never
///   used to choose the algorithm, so a server in FIPS mode (which signs with its FIPS HMAC and
///   says so) is refused.
/// - **Key:** the webhook's **Secret Key** (System Preferences → Webhooks), as text. Without one,
///   IQ Server sends no signature.
/// - **Encoding:** lowercase hex, compared in constant time. No SDK verifier; the fixture
///   transcribes the sender.
/// - **Window:** none. **Body limit:** 1 MiB (undocumented). No handshake.
///
/// Nexus Repository's webhooks sign the same way but send no algorithm header: use
/// [`nexus_repository`](crate::providers::nexus_repository) for them.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::sonatype(), Keyring::from(Secret::new("iq webhook secret key")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn sonatype() -> Scheme {
    Scheme::preset(
        "sonatype",
        one("x-nexus-webhook-signature"),
        SignatureFormat::bare(),
    )
    .algo(Algorithm::HmacSha1)
    .declares(Declared {
        header: one("x-nexus-webhook-signature-algorithm"),
        value: DeclaredValue::Exact("HmacSHA1"),
    })
}

/// Sonatype Nexus Repository 3 webhooks (repository and global capabilities):
/// `X-Nexus-Webhook-Signature: <hex HMAC-SHA1(secret key, body)>`
/// ([docs](https://help.sonatype.com/repomanager3/integrations/webhooks/working-with-hmac-payloads)).
///
/// - **Signed:** the raw JSON body ("a sha1 hash of the JSON body using a shared secret key").
///   No timestamp; `X-Nexus-Webhook-ID` and `X-Nexus-Webhook-Delivery` are not signed.
/// - **Algorithm:** HMAC-**SHA1**. Nexus Repository sends no algorithm header (its sender,
///   `WebhookServiceImpl`, sets only the signature); none is read.
/// - **Key:** the capability's **Secret Key**, as text. Without one, no signature is sent.
/// - **Encoding:** lowercase hex, compared in constant time. No SDK verifier; the fixture
///   transcribes the docs.
/// - **Window:** none. **Body limit:** 1 MiB (undocumented). No handshake.
///
/// Sonatype Lifecycle (IQ Server) also names the algorithm in a header: use
/// [`sonatype`](crate::providers::sonatype) for it.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::nexus_repository(), Keyring::from(Secret::new("nexus secret key")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn nexus_repository() -> Scheme {
    Scheme::preset(
        "nexus-repository",
        one("x-nexus-webhook-signature"),
        SignatureFormat::bare(),
    )
    .algo(Algorithm::HmacSha1)
}
