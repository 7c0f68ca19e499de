//! axum integration: [`Verified`] as an extractor.

use axum_core::extract::FromRequestParts;
use axum_core::response::{IntoResponse, Response};
use http::StatusCode;
use http::request::Parts;

use crate::verify::Verified;

/// Extracts the [`Verified`] metadata the layer attached. A route without the layer fails with
/// [`MissingVerified`] (500): that is a wiring mistake, not a bad request.
impl<S: Send + Sync> FromRequestParts<S> for Verified {
    type Rejection = MissingVerified;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Verified>()
            .cloned()
            .ok_or(MissingVerified)
    }
}

/// The [`Verified`] extractor was used on a route that [`WebhookLayer`](crate::WebhookLayer) does
/// not cover. Answers 500.
#[derive(Debug, Clone, Copy, Default)]
pub struct MissingVerified;

impl IntoResponse for MissingVerified {
    fn into_response(self) -> Response {
        tracing::error!(
            target: crate::trace::TRACING_TARGET,
            "`Verified` extracted on a route without WebhookLayer"
        );
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            "webhook verification is not configured for this route",
        )
            .into_response()
    }
}
