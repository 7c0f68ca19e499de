//! Collecting a request body under the layer's limit and buffering budget: bytes are counted
//! (and reserved from the budget) as they arrive, never before.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes, BytesMut};
use http_body::Body;

use crate::budget::Reservation;
use crate::outcome::Outcome;
use crate::verify::Pending;

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
    pub(crate) fn poll_body<B: Body>(
        &mut self,
        mut body: Pin<&mut B>,
        cx: &mut Context<'_>,
        mut pending: Option<&mut Pending>,
    ) -> Poll<Result<(), Outcome>> {
        loop {
            let frame = match body.as_mut().poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => frame,
                Poll::Ready(Some(Err(_))) => return Poll::Ready(Err(Outcome::BodyReadFailed)),
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
}
