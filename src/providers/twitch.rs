use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::HeaderName;

use super::one;
use crate::scheme::headers;
use crate::scheme::hooks::{Handshake, KeyedMac};
use crate::scheme::message::{Part, RequestView};
use crate::scheme::time::{TimeFormat, Window};
use crate::scheme::{Answer, Scheme, SignatureFormat, TimestampSource};

/// What is signed: the message id, the timestamp text and the body, with nothing between.
const SIGNED: &[Part] = &[Part::Id, Part::Timestamp, Part::Body];

/// The header naming the kind of message.
const MESSAGE_TYPE: HeaderName = HeaderName::from_static("twitch-eventsub-message-type");

/// Longest challenge answered.
const MAX_CHALLENGE_LEN: usize = 512;

/// Twitch EventSub webhooks: `Twitch-Eventsub-Message-Signature: sha256=<hex
/// HMAC-SHA256(secret, "{id}{t}{body}")>` with `Twitch-Eventsub-Message-Id` and
/// `Twitch-Eventsub-Message-Timestamp: <RFC 3339 time>`
/// ([docs](https://dev.twitch.tv/docs/eventsub/handling-webhook-events/)), as Twitch's official
/// sample (`twitchdev/eventsub-webhooks-node-sample` `verifySignature`) checks it. Twitch
/// publishes no SDK verifier.
///
/// The key is the `transport.secret` your app chose when it created the subscription (10 to
/// 100 characters), as text. The id and the timestamp are signed as sent (the timestamp has
/// nanoseconds, `2023-11-14T22:13:15.123456789Z`, and is never re-rendered), then the raw
/// body. Lowercase hex only. The message id identifies the delivery for the replay guard:
/// Twitch resends a message with the same id. Body limit 1 MiB (none documented).
///
/// Window 600 s in the past (Twitch's replay guidance, as quoted: reject messages older than
/// 10 minutes; the official sample checks no age) and 300 s in the future.
///
/// When you create a subscription Twitch sends a signed `webhook_callback_verification`
/// message whose body carries a `challenge`. With [`Scheme::answer_handshakes`] the layer
/// answers it itself, **once verified**: 200, `text/plain`, the challenge as the body. A
/// verified verification message without a challenge string, or with one over 512 bytes, gets
/// 400; an unverified one gets 401 like any forgery. Without the option your handler gets it.
/// `revocation` messages are ordinary signed deliveries for your handler.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let twitch = providers::twitch().answer_handshakes();
/// let layer = WebhookLayer::new(twitch, Keyring::from(Secret::new("s3cRe7-for-eventsub")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn twitch() -> Scheme {
    Scheme::preset(
        "twitch",
        one("twitch-eventsub-message-signature"),
        SignatureFormat::prefixed("sha256="),
    )
    .signing(SIGNED)
    .with_id(one("twitch-eventsub-message-id"))
    .stamp(TimestampSource::Header(
        one("twitch-eventsub-message-timestamp"),
        TimeFormat::Rfc3339,
    ))
    .window(Window::Enforce {
        past: Duration::from_secs(600),
        future: Duration::from_secs(300),
    })
    .handshake(Arc::new(CallbackVerification))
}

/// Answers a verified `webhook_callback_verification` message with its challenge.
struct CallbackVerification;

impl Handshake for CallbackVerification {
    fn verified(&self, request: &RequestView<'_>, body: &[u8], _: KeyedMac<'_>) -> Option<Answer> {
        let kind = headers::once(request.headers, &MESSAGE_TYPE).ok()??.1;
        if kind != "webhook_callback_verification" {
            return None;
        }
        #[derive(serde::Deserialize)]
        struct Verification<'a> {
            #[serde(borrow)]
            challenge: Cow<'a, str>,
        }
        match serde_json::from_slice::<Verification<'_>>(body) {
            Ok(v) if !v.challenge.is_empty() && v.challenge.len() <= MAX_CHALLENGE_LEN => Some(
                Answer::ok("text/plain", Bytes::copy_from_slice(v.challenge.as_bytes())),
            ),
            _ => Some(super::refused_handshake()),
        }
    }
}
