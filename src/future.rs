//! The layer's response future.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http::Response;
use pin_project_lite::pin_project;

use crate::body::ResponseBody;
use crate::budget::Reservation;

pub(crate) type Boxed<B, E> =
    Pin<Box<dyn Future<Output = Result<Response<ResponseBody<B>>, E>> + Send>>;

pin_project! {
    /// Response future of [`Webhook`](crate::Webhook).
    ///
    /// When the delivery could be decided as soon as the service was called (the keys are
    /// known without a lookup, no replay store is configured, and the body had already
    /// arrived, as a small one usually has), this is the inner service's future itself, or the
    /// rejection. Otherwise reading, verifying and calling the inner service is one boxed
    /// future.
    pub struct ResponseFuture<F, B, E> {
        #[pin]
        kind: Kind<F, B, E>,
    }
}

pin_project! {
    #[project = KindProj]
    enum Kind<F, B, E> {
        Forwarded {
            #[pin]
            future: F,
            // Buffered bytes stay counted until the inner service is done with them.
            reservation: Reservation,
        },
        Answered {
            response: Option<Response<ResponseBody<B>>>,
        },
        Later {
            future: Boxed<B, E>,
        },
    }
}

impl<F, B, E> ResponseFuture<F, B, E> {
    /// The inner service's future, for a delivery verified in `call`.
    pub(crate) fn forwarded(future: F, reservation: Reservation) -> Self {
        Self {
            kind: Kind::Forwarded {
                future,
                reservation,
            },
        }
    }

    /// A response decided in `call` (a rejection or an auto-answered challenge).
    pub(crate) fn answered(response: Response<ResponseBody<B>>) -> Self {
        Self {
            kind: Kind::Answered {
                response: Some(response),
            },
        }
    }

    /// The whole exchange, still to be read and verified.
    pub(crate) fn later(future: Boxed<B, E>) -> Self {
        Self {
            kind: Kind::Later { future },
        }
    }
}

impl<F, B, E> Future for ResponseFuture<F, B, E>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<ResponseBody<B>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().kind.project() {
            KindProj::Forwarded { future, .. } => {
                let result = ready!(future.poll(cx));
                Poll::Ready(result.map(|res| res.map(ResponseBody::inner)))
            }
            #[allow(
                clippy::expect_used,
                reason = "polling a completed future breaks the Future contract"
            )]
            KindProj::Answered { response } => Poll::Ready(Ok(response
                .take()
                .expect("webhook-guard ResponseFuture polled after completion"))),
            KindProj::Later { future } => future.as_mut().poll(cx),
        }
    }
}

impl<F, B, E> fmt::Debug for ResponseFuture<F, B, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match &self.kind {
            Kind::Forwarded { .. } => "ResponseFuture::Forwarded",
            Kind::Answered { .. } => "ResponseFuture::Answered",
            Kind::Later { .. } => "ResponseFuture::Later",
        })
    }
}
