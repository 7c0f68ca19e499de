//! Exchanges a provider requires besides signed deliveries, answered by the layer when the user
//! opts in: set-up challenges (GET challenges, echoed tokens, Zoom's URL validation, Discord's
//! PING) and unsigned pings let through flagged.

use std::fmt;

use bytes::Bytes;
use http::{HeaderName, HeaderValue, StatusCode};

use super::message::RequestView;

/// A response the layer sends instead of calling the handler.
#[derive(Clone, PartialEq, Eq)]
pub struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) content_type: &'static str,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) body: Bytes,
}

impl Answer {
    /// A 200 answer with `body` of `content_type`.
    pub(crate) fn ok(content_type: &'static str, body: impl Into<Bytes>) -> Self {
        Self {
            status: StatusCode::OK,
            content_type,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// The status.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The `Content-Type`.
    #[must_use]
    pub fn content_type(&self) -> &str {
        self.content_type
    }

    /// Headers sent besides `Content-Type`.
    #[must_use]
    pub fn headers(&self) -> &[(HeaderName, HeaderValue)] {
        &self.headers
    }

    /// The body.
    #[must_use]
    pub fn body(&self) -> &Bytes {
        &self.body
    }
}

impl fmt::Debug for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Challenge answers may carry HMACs or echoed tokens: only their shape is shown.
        f.debug_struct("Answer")
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// What to do with a set-up request.
pub(crate) enum Reply {
    /// Answer it (the handler is not called).
    Answer(Answer),
    /// Let it through to the handler, flagged unsigned ([`Verified::is_unsigned`](crate::Verified::is_unsigned)).
    Forward,
}

/// Computes a MAC under the key that verified the delivery (or, for an unsigned exchange, the
/// first active key): the raw MAC bytes, or `None` when the key is not an HMAC key.
pub(crate) type KeyedMac<'a> = &'a dyn Fn(&[u8]) -> Option<Vec<u8>>;

/// A provider's set-up exchange, switched on with
/// [`Scheme::answer_handshakes`](crate::Scheme::answer_handshakes).
pub(crate) trait Handshake: Send + Sync + 'static {
    /// A request **without a signature** this exchange recognises from its head (method,
    /// query, headers): how many body bytes to read before [`unsigned`](Self::unsigned)
    /// decides (0 to read none), or `None` when it is not such a request.
    fn recognise(&self, _request: &RequestView<'_>) -> Option<usize> {
        None
    }

    /// The reply to a recognised unsigned request, given its body (at most the bytes
    /// [`recognise`](Self::recognise) asked for); `None` refuses it like any unsigned request.
    fn unsigned(
        &self,
        _request: &RequestView<'_>,
        _body: &[u8],
        _mac: KeyedMac<'_>,
    ) -> Option<Reply> {
        None
    }

    /// The answer to a **verified** delivery that is part of the exchange (a signed challenge),
    /// sent instead of calling the handler; `None` for ordinary deliveries.
    fn verified(
        &self,
        _request: &RequestView<'_>,
        _body: &[u8],
        _mac: KeyedMac<'_>,
    ) -> Option<Answer> {
        None
    }
}
