//! [`HttpsFetcher`]: the default [`KeyFetcher`], over `reqwest` and `rustls` (feature `fetch`).

use std::fmt;
use std::time::Duration;

use bytes::Bytes;

use super::fetch::{FetchError, FetchFuture, KeyFetcher};
use crate::scheme::KeyLocation;

/// Fetches keys published at a URL (AWS SNS and PayPal certificates) with a plain HTTPS GET.
///
/// Built for fetching from allow-listed provider hosts and nothing else: HTTPS only (TLS by
/// `rustls`, server certificates checked by the platform's verifier against its roots),
/// **no redirects** (a redirect is a failure: the allow-list checked the URL, not wherever it
/// points), a 200 answer only, and at most the layer's byte limit read. Proxies set in the usual
/// environment variables are used. Key ids (Plaid) need the provider's own fetcher, e.g.
/// [`PlaidKeyFetcher`](crate::providers::PlaidKeyFetcher).
///
/// ```no_run
/// # #[cfg(feature = "rsa")] {
/// use webhook_guard::keys::HttpsFetcher;
/// use webhook_guard::{providers, WebhookLayer};
///
/// let layer = WebhookLayer::with_key_fetcher(providers::aws_sns(), HttpsFetcher::new()?)?;
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct HttpsFetcher {
    client: reqwest::Client,
}

impl HttpsFetcher {
    /// A fetcher with its own connection pool.
    ///
    /// # Errors
    ///
    /// The HTTPS client could not be built (TLS set-up).
    pub fn new() -> Result<Self, FetchError> {
        Ok(Self { client: client()? })
    }
}

impl KeyFetcher for HttpsFetcher {
    fn fetch<'a>(&'a self, location: &'a KeyLocation, max_bytes: usize) -> FetchFuture<'a> {
        Box::pin(async move {
            let KeyLocation::Url(url) = location else {
                return Err(FetchError::new(
                    "HttpsFetcher fetches URLs only: key ids need the provider's own fetcher",
                ));
            };
            let response = self
                .client
                .get(url)
                .send()
                .await
                .map_err(|e| FetchError::new(format!("GET {url}: {e}")))?;
            read_limited(response, max_bytes).await
        })
    }
}

impl fmt::Debug for HttpsFetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpsFetcher").finish_non_exhaustive()
    }
}

/// An HTTPS-only client over `rustls` (reqwest's default TLS: `aws-lc-rs`, the platform's
/// certificate verifier and roots), following no redirects.
pub(crate) fn client() -> Result<reqwest::Client, FetchError> {
    reqwest::Client::builder()
        .https_only(true)
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .user_agent(concat!("webhook-guard/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| FetchError::new(format!("HTTPS client: {e}")))
}

/// The body of a 200 answer, refused past `max_bytes` (by its `Content-Length`, or as it
/// arrives).
pub(crate) async fn read_limited(
    mut response: reqwest::Response,
    max_bytes: usize,
) -> Result<Bytes, FetchError> {
    let url = response.url().to_string();
    if response.status() != reqwest::StatusCode::OK {
        return Err(FetchError::new(format!(
            "{url}: HTTP {}",
            response.status().as_u16()
        )));
    }
    let too_large = || FetchError::new(format!("{url}: more than {max_bytes} bytes"));
    if response
        .content_length()
        .is_some_and(|n| n > max_bytes as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| FetchError::new(format!("{url}: {e}")))?
    {
        if body.len().saturating_add(chunk.len()) > max_bytes {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(body))
}
