use super::{MIB, one};
use crate::scheme::{Algorithm, Scheme, SignatureFormat};

/// GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>`
/// ([docs](https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries)).
///
/// Only `X-Hub-Signature-256` is read: a request carrying only the legacy SHA-1
/// `X-Hub-Signature` is rejected, never verified with SHA-1 (that is [`github_sha1`], chosen
/// explicitly). The prefix must be exactly `sha256=` and the hex lowercase, as
/// `@octokit/webhooks-methods` compares the header text.
///
/// GitHub signs no timestamp and no delivery id (`X-GitHub-Delivery` is unsigned), so a captured
/// delivery stays valid: pair this preset with a replay guard. Body limit 25 MiB, as GitHub caps
/// payloads at 25 MB.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, Verifier};
///
/// let verifier = Verifier::new(providers::github(), Keyring::from(Secret::new("my secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn github() -> Scheme {
    Scheme::preset(
        "github",
        one("x-hub-signature-256"),
        SignatureFormat::prefixed("sha256="),
    )
    .limit(25 * MIB)
}

/// GitHub's legacy header, `X-Hub-Signature: sha1=<hex HMAC-SHA1(secret, body)>`, for receivers
/// that cannot read `X-Hub-Signature-256`. Prefer [`github`]: this preset exists only to be
/// chosen explicitly, and [`github`] never falls back to it.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, Verifier};
///
/// let verifier = Verifier::new(providers::github_sha1(), Keyring::from(Secret::new("my secret")?))?;
/// assert_eq!(verifier.scheme().name(), "github-sha1");
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn github_sha1() -> Scheme {
    Scheme::preset(
        "github-sha1",
        one("x-hub-signature"),
        SignatureFormat::prefixed("sha1="),
    )
    .algo(Algorithm::HmacSha1)
    .limit(25 * MIB)
}
