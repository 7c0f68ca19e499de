//! Collecting a request body under the layer's limit and buffering budget: bytes are counted
//! (and reserved from the budget) as they arrive, never before.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes, BytesMut};
use http_body::Body;

use crate::budget::Reservation;
use crate::outcome::Outcome;
use crate::verify::Pending;

/// What a request body's error must convert into (as tower-http and axum ask of bodies), so
/// that a length limit an outer layer put on the body can be told from a failed read.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The body as it arrives: the first chunk is kept as it is (a body in one chunk is forwarded
/// without a copy); from the second on, everything is gathered in one buffer sized from
/// `Content-Length`.
pub(crate) struct Collector {
    first: Option<Bytes>,
    rest: Option<BytesMut>,
    total: usize,
    limit: usize,
    declared: Option<u64>,
    reservation: Reservation,
}

impl Collector {
    pub(crate) fn new(limit: usize, declared: Option<u64>, reservation: Reservation) -> Self {
        Self {
            first: None,
            rest: None,
            total: 0,
            limit,
            declared,
            reservation,
        }
    }

    /// Polls `body` for the frames that are there, feeding each data chunk to `pending` (the
    /// MACs) once it fits the limit and the budget. `Ready(Ok(()))` once the body has ended.
    pub(crate) fn poll_body<B>(
        &mut self,
        mut body: Pin<&mut B>,
        cx: &mut Context<'_>,
        mut pending: Option<&mut Pending>,
    ) -> Poll<Result<(), Outcome>>
    where
        B: Body,
        B::Error: Into<BoxError>,
    {
        loop {
            let frame = match body.as_mut().poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => frame,
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Err(read_error(error.into()))),
                Poll::Ready(None) => return Poll::Ready(Ok(())),
                Poll::Pending => return Poll::Pending,
            };
            // Trailers are not signed by any scheme.
            if let Ok(mut data) = frame.into_data() {
                let len = data.remaining();
                self.admit(len)?;
                let chunk = data.copy_to_bytes(len);
                if let Some(pending) = pending.as_deref_mut() {
                    pending.update(&chunk);
                }
                self.keep(chunk);
            }
            if body.is_end_stream() {
                return Poll::Ready(Ok(()));
            }
        }
    }

    /// Counts `len` more bytes against the limit and the budget.
    fn admit(&mut self, len: usize) -> Result<(), Outcome> {
        self.total = self
            .total
            .checked_add(len)
            .filter(|&t| t <= self.limit)
            .ok_or(Outcome::BodyTooLarge)?;
        self.reservation.cover(self.total)
    }

    fn keep(&mut self, chunk: Bytes) {
        match (&self.first, &mut self.rest) {
            (None, _) => self.first = Some(chunk),
            (Some(head), None) => {
                let limit = self.limit;
                let hint = self
                    .declared
                    .map_or(0, |d| usize::try_from(d).unwrap_or(limit).min(limit));
                let mut buf = BytesMut::with_capacity(hint.max(self.total));
                buf.extend_from_slice(head);
                buf.extend_from_slice(&chunk);
                self.rest = Some(buf);
            }
            (Some(_), Some(buf)) => buf.extend_from_slice(&chunk),
        }
    }

    /// The whole body, and the budget it holds (kept until the inner service is done with it).
    pub(crate) fn finish(self) -> (Bytes, Reservation) {
        let bytes = match self.rest {
            Some(buf) => buf.freeze(),
            None => self.first.unwrap_or_default(),
        };
        (bytes, self.reservation)
    }
}

/// Why a body stream failed. A length limit put on the body by a layer outside this one
/// (tower-http's `RequestBodyLimit` on a body without `Content-Length`, any
/// `http_body_util::Limited`) is a body too large, 413 like the layer's own limit; anything
/// else (the client went away, a protocol error) is a failed read, 400.
fn read_error(error: BoxError) -> Outcome {
    // Wrappers (axum's body error, for one) keep the limit's error as their source. The walk
    // is bounded in case a source chain loops.
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&*error);
    for _ in 0..16 {
        let Some(error) = cause else { break };
        if error.is::<http_body_util::LengthLimitError>() {
            return Outcome::BodyTooLarge;
        }
        cause = error.source();
    }
    Outcome::BodyReadFailed
}

/// The `Content-Length` of a request, when it is a plain number.
pub(crate) fn content_length(headers: &http::HeaderMap) -> Option<u64> {
    headers
        .get(http::header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::budget::BufferBudget;

    #[test]
    fn bytes_are_reserved_as_they_arrive() {
        let budget = BufferBudget::new(10);
        let mut c = Collector::new(100, Some(100), Reservation::on(Some(&budget)));
        assert!(c.admit(6).is_ok());
        c.keep(Bytes::from_static(b"abcdef"));
        let mut other = Reservation::on(Some(&budget));
        assert!(other.cover(4).is_ok(), "only what arrived is held");
        assert_eq!(c.admit(1), Err(Outcome::BufferFull));
        drop(other);
        assert!(c.admit(1).is_ok());
        c.keep(Bytes::from_static(b"g"));
        assert_eq!(c.admit(100), Err(Outcome::BodyTooLarge));
        assert_eq!(c.finish().0, Bytes::from_static(b"abcdefg"));
    }

    #[test]
    fn an_outer_length_limit_is_413_and_other_body_errors_are_400() {
        #[derive(Debug)]
        struct Wrapper(BoxError);
        impl std::fmt::Display for Wrapper {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("wrapped")
            }
        }
        impl std::error::Error for Wrapper {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&*self.0)
            }
        }
        let limit = || -> BoxError {
            let mut limited = http_body_util::Limited::new(
                http_body_util::Full::new(Bytes::from_static(b"too long")),
                3,
            );
            let waker = std::task::Waker::noop();
            let mut cx = Context::from_waker(waker);
            match Pin::new(&mut limited).poll_frame(&mut cx) {
                Poll::Ready(Some(Err(error))) => error,
                other => panic!("Limited did not refuse: {other:?}"),
            }
        };
        assert_eq!(read_error(limit()), Outcome::BodyTooLarge);
        assert_eq!(
            read_error(Box::new(Wrapper(limit()))),
            Outcome::BodyTooLarge
        );
        let gone = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "gone");
        assert_eq!(read_error(Box::new(gone)), Outcome::BodyReadFailed);
        assert_eq!(
            read_error(Box::new(Wrapper("not a limit".into()))),
            Outcome::BodyReadFailed
        );
    }
}
