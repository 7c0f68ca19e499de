//! The crate's own body types, so that no helper crate's types appear in the public API.

use std::convert::Infallible;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;

/// The request body the inner service receives: exactly the bytes that were verified, in one
/// frame.
///
/// ```
/// use webhook_guard::VerifiedBody;
///
/// assert!(VerifiedBody::default().into_bytes().is_empty());
/// ```
#[derive(Default)]
pub struct VerifiedBody {
    data: Option<Bytes>,
}

/// axum's own default body limit (`axum::extract::DefaultBodyLimit`'s 2 MB).
#[cfg(feature = "axum")]
const AXUM_DEFAULT_BODY_LIMIT: usize = 2_097_152;

impl VerifiedBody {
    pub(crate) fn new(data: Bytes) -> Self {
        Self {
            data: (!data.is_empty()).then_some(data),
        }
    }

    /// The request the inner service gets: the head as it arrived (plus what the layer added
    /// to its extensions) and the verified bytes. With the `axum` feature the layer's body
    /// limit goes with it as axum's `DefaultBodyLimit`, so the handler's `Bytes`, `String` or
    /// `Json` extractor admits every body the layer admitted instead of re-limiting it to
    /// axum's default 2 MB (a 3 MiB GitHub delivery, verified, would be 413 there); limits at
    /// or below that default need nothing (and cost no allocation). A `DefaultBodyLimit`
    /// between this layer and the handler is applied after, and wins.
    pub(crate) fn request(
        parts: http::request::Parts,
        data: Bytes,
        #[cfg_attr(not(feature = "axum"), allow(unused_variables))] limit: usize,
    ) -> http::Request<Self> {
        #[cfg_attr(not(feature = "axum"), allow(unused_mut))]
        let mut request = http::Request::from_parts(parts, Self::new(data));
        #[cfg(feature = "axum")]
        if limit > AXUM_DEFAULT_BODY_LIMIT {
            axum_core::extract::DefaultBodyLimit::max(limit).apply(&mut request);
        }
        request
    }

    /// The verified bytes, without polling.
    #[must_use]
    pub fn into_bytes(self) -> Bytes {
        self.data.unwrap_or_default()
    }
}

impl Body for VerifiedBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.data.take().map(|d| Ok(Frame::data(d))))
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.data.as_ref().map_or(0, |d| d.len() as u64))
    }
}

impl fmt::Debug for VerifiedBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedBody")
            .field("len", &self.data.as_ref().map_or(0, Bytes::len))
            .finish()
    }
}

pin_project! {
    /// The response body: the inner service's, or the layer's own (a rejection, a duplicate's
    /// empty 200, a handshake answer).
    ///
    /// It is `Default` (empty), as tower-http's `Timeout` and `Cors` layers require of the
    /// bodies they wrap.
    ///
    /// ```
    /// use http_body::Body as _;
    /// use webhook_guard::ResponseBody;
    ///
    /// let empty: ResponseBody<String> = ResponseBody::default();
    /// assert!(empty.is_end_stream());
    /// ```
    pub struct ResponseBody<B> {
        #[pin]
        kind: Kind<B>,
    }
}

pin_project! {
    #[project = KindProj]
    enum Kind<B> {
        Inner { #[pin] body: B },
        Own { data: Option<Bytes> },
    }
}

impl<B> ResponseBody<B> {
    pub(crate) fn inner(body: B) -> Self {
        Self {
            kind: Kind::Inner { body },
        }
    }

    /// A body of the layer's own.
    pub(crate) fn own(data: Bytes) -> Self {
        Self {
            kind: Kind::Own {
                data: (!data.is_empty()).then_some(data),
            },
        }
    }
}

impl<B> Default for ResponseBody<B> {
    fn default() -> Self {
        Self::own(Bytes::new())
    }
}

impl<B> Body for ResponseBody<B>
where
    B: Body<Data = Bytes>,
{
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        match self.project().kind.project() {
            KindProj::Inner { body } => body.poll_frame(cx),
            KindProj::Own { data } => Poll::Ready(data.take().map(|d| Ok(Frame::data(d)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Inner { body } => body.is_end_stream(),
            Kind::Own { data } => data.is_none(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Inner { body } => body.size_hint(),
            Kind::Own { data } => SizeHint::with_exact(data.as_ref().map_or(0, |d| d.len() as u64)),
        }
    }
}

impl<B> fmt::Debug for ResponseBody<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Inner { .. } => f.write_str("ResponseBody::Inner"),
            Kind::Own { .. } => f.write_str("ResponseBody::Own"),
        }
    }
}
