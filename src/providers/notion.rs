use std::sync::Arc;

use http::Method;

use super::one;
use crate::scheme::hooks::{Handshake, KeyedMac, Reply};
use crate::scheme::message::RequestView;
use crate::scheme::{Encoding, Scheme, SignatureFormat};

/// The longest verification request let through: `{"verification_token":"…"}` with a token of
/// up to 256 characters.
const VERIFICATION_BODY_LIMIT: usize = 512;

/// Notion: `X-Notion-Signature: sha256=<hex HMAC-SHA256(verification token, body)>`
/// ([docs](https://developers.notion.com/reference/v2-webhooks)).
///
/// - **Signed:** the raw body, exactly as it arrived. No timestamp (the event's `timestamp` is
///   signed, not checked) and no signed delivery id outside the body (`id`, `attempt_number`).
/// - **Key:** the subscription's **verification token** (`secret_…`), as text: Notion sends it
///   once when the subscription is created (see below) and shows it in the integration's
///   Webhooks settings.
/// - **Layout:** exactly `sha256=` (lowercase) then 64 hex digits in **either case**, as
///   `@notionhq/client` `verifyWebhookSignature` lowercases the hex before comparing; compared
///   in constant time. Agrees with the SDK on every fixture case.
/// - **Window:** none. **Body limit:** 1 MiB (undocumented).
/// - **Handshake:** creating a subscription makes Notion POST `{"verification_token":"…"}`,
///   unsigned, once; you paste the token back into Notion to activate the subscription. With
///   [`Scheme::answer_handshakes`] exactly that body (a JSON object whose only member is a
///   `verification_token` string of 1 to 256 ASCII letters, digits, `_` or `-`, no signature
///   header) reaches the handler with [`Verified::is_unsigned`](crate::Verified::is_unsigned)
///   set, for it to show the token to the operator; it never claims a replay entry. Anyone can
///   send such a POST: never store its token as your key automatically — copy the token from
///   Notion's settings (a forged one fails Notion's own Verify step). Without the option it is
///   refused (401).
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let notion = providers::notion().answer_handshakes();
/// let layer = WebhookLayer::new(notion, Keyring::from(Secret::new("secret_tMrlL1qK5vuQAh1b6cZGhFC")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn notion() -> Scheme {
    Scheme::preset(
        "notion",
        one("x-notion-signature"),
        SignatureFormat::prefixed("sha256="),
    )
    .enc(Encoding::HexAnyCase)
    .handshake(Arc::new(VerificationToken))
}

/// Lets Notion's unsigned verification request through, flagged.
struct VerificationToken;

impl Handshake for VerificationToken {
    fn recognise(&self, request: &RequestView<'_>) -> Option<usize> {
        (request.method == Method::POST).then_some(VERIFICATION_BODY_LIMIT)
    }

    fn unsigned(&self, _: &RequestView<'_>, body: &[u8], _: KeyedMac<'_>) -> Option<Reply> {
        is_verification(body).then_some(Reply::Forward)
    }
}

/// Whether `body` is exactly a JSON object whose only member is a `verification_token` string
/// of 1 to 256 ASCII letters, digits, `_` or `-`.
fn is_verification(body: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Verification<'a> {
        #[serde(borrow)]
        verification_token: std::borrow::Cow<'a, str>,
    }
    serde_json::from_slice::<Verification<'_>>(body).is_ok_and(|v| {
        let token = v.verification_token;
        (1..=256).contains(&token.len())
            && token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verification_shape() {
        assert!(is_verification(
            br#"{"verification_token":"secret_tMrlL1qK5vuQAh1b6cZGhFChZTSYJlce98V0pYn7yBl"}"#
        ));
        assert!(is_verification(br#" {"verification_token" : "secret_x"} "#));
        for bad in [
            &br#"{"verification_token":""}"#[..],
            br#"{"verification_token":"secret_x","type":"page.created"}"#,
            br#"{"verification_token":"<b>"}"#,
            br#"{"verification_token":1}"#,
            br#"{"verification_token":"a","verification_token":"b"}"#,
            br#"[]"#,
            b"",
        ] {
            assert!(!is_verification(bad), "{}", String::from_utf8_lossy(bad));
        }
    }
}
