use std::sync::Arc;

use http::{HeaderName, Method};

use crate::error::ConfigError;
use crate::scheme::headers::{self, HeaderNames};
use crate::scheme::hooks::{Handshake, KeyedMac};
use crate::scheme::message::RequestView;
use crate::scheme::{Algorithm, Answer, Encoding, Scheme, SignatureFormat};

/// The header of Okta's one-time verification request.
const CHALLENGE: HeaderName = HeaderName::from_static("x-okta-verification-challenge");

/// Longest verification value answered.
const MAX_CHALLENGE_LEN: usize = 512;

/// Okta event hooks, authenticated by the header you configure on the hook: `Authorization:
/// <the Authentication secret>` ([docs](https://developer.okta.com/use_cases/event_hooks)).
/// For a header of another name use [`okta_with_header`].
///
/// **No signature**: Okta sends the hook's "Authentication secret" verbatim in the header named
/// by its "Authentication field" (Admin Console → Workflow → Event Hooks), so **the body is not
/// authenticated** and there is no timestamp: anyone who sees one delivery can send others.
/// The value is compared in constant time after hashing both sides with SHA-256, exactly (no
/// `Bearer` added, no trimming): give the secret as you entered it (for Basic authentication,
/// the whole `Basic <base64>` text). A hook without an Authentication field cannot be verified.
/// Body limit 1 MiB (none documented). Okta publishes no SDK verifier.
///
/// When a hook is verified, Okta sends a one-time `GET` with `X-Okta-Verification-Challenge`
/// (and the configured header) and expects 200 with `{"verification": "<the header's
/// value>"}`. With [`Scheme::answer_handshakes`] the layer answers it itself, **once the
/// configured header verified** (`application/json`; the handler is not called); a verified
/// `GET` whose challenge is over 512 bytes or repeated gets 400, an unauthenticated one 401.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let okta = providers::okta().answer_handshakes();
/// let layer = WebhookLayer::new(okta, Keyring::from(Secret::new("my-shared-secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn okta() -> Scheme {
    with(HeaderNames::one(http::header::AUTHORIZATION))
}

/// [`okta`] with the hook's Authentication field named `header` (`X-Okta-Secret`, …).
///
/// ```
/// let okta = webhook_guard::providers::okta_with_header("X-Okta-Secret")?;
/// assert_eq!(okta.signature_header().unwrap(), "x-okta-secret");
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
///
/// # Errors
///
/// [`ConfigError::InvalidHeaderName`] when `header` is not a header name.
pub fn okta_with_header(header: &str) -> Result<Scheme, ConfigError> {
    let name = HeaderName::from_bytes(header.as_bytes())
        .map_err(|_| ConfigError::InvalidHeaderName(header.to_owned()))?;
    Ok(with(HeaderNames::one(name)))
}

fn with(header: HeaderNames) -> Scheme {
    Scheme::preset("okta", header, SignatureFormat::bare())
        .algo(Algorithm::Token)
        .enc(Encoding::Verbatim)
        .handshake(Arc::new(Verification))
}

/// Answers the authenticated one-time verification `GET`.
struct Verification;

impl Handshake for Verification {
    fn verified(&self, request: &RequestView<'_>, _: &[u8], _: KeyedMac<'_>) -> Option<Answer> {
        if *request.method != Method::GET || !request.headers.contains_key(CHALLENGE) {
            return None;
        }
        let value = match headers::once(request.headers, &CHALLENGE) {
            Ok(Some((_, value))) if value.len() <= MAX_CHALLENGE_LEN => value,
            _ => return Some(super::refused_handshake()),
        };
        let json = serde_json::to_vec(&serde_json::json!({ "verification": value })).ok()?;
        Some(Answer::ok("application/json", json))
    }
}
