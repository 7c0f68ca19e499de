//! The public URL of a request, for schemes that sign it (Twilio, Square).
//!
//! Behind a reverse proxy or load balancer the application does not see the URL the provider
//! requested: TLS ends at the proxy (`https` becomes `http`), the `Host` is rewritten, a path
//! prefix may be stripped. The signature covers the URL the *provider* used, so it has to be
//! configured, never guessed. `X-Forwarded-*` headers are ignored unless you name them with
//! [`PublicUrl::trusted_headers`], because anyone can send them when nothing strips them.

use std::fmt;

use http::uri::{Authority, Scheme as UriScheme};
use http::{HeaderMap, HeaderName, Uri};

use super::headers::{HeaderNames, single};
use crate::error::ConfigError;
use crate::rejection::{Rejection, RejectionKind};

/// Where the public URL of a request comes from.
///
/// ```
/// use webhook_guard::{providers, PublicUrl};
///
/// // The origin the provider calls; the request's path and query are appended.
/// let twilio = providers::twilio(PublicUrl::parse("https://hooks.example.com")?);
///
/// // The notification URL exactly as configured at the provider.
/// let square = providers::square(PublicUrl::exact("https://hooks.example.com/square")?);
///
/// // Only behind a proxy that always sets (and overwrites) these headers.
/// let behind_proxy = PublicUrl::trusted_headers("x-forwarded-proto", "x-forwarded-host")?;
/// # let _ = (twilio, square, behind_proxy);
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct PublicUrl(Kind);

#[derive(Clone, PartialEq, Eq)]
enum Kind {
    /// `scheme://authority[/prefix]`, no trailing slash: the request's path and query follow.
    Base(String),
    /// The whole URL, used for every request.
    Exact(String),
    /// Scheme and host from two headers a trusted proxy sets; path and query from the request.
    Trusted {
        proto: HeaderNames,
        host: HeaderNames,
    },
}

impl PublicUrl {
    /// A base URL: `scheme://host[:port]` with an optional path prefix (for a proxy that strips
    /// one). The request's path and query string are appended to it, so one value serves every
    /// route: `https://example.com` + `/twilio/sms?x=1`.
    ///
    /// Write the host and port exactly as they appear in the URL configured at the provider;
    /// it is signed as text.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidPublicUrl`] unless it is an absolute `http`/`https` URL without
    /// user information, query or fragment.
    pub fn parse(base: &str) -> Result<Self, ConfigError> {
        let uri = absolute(base)?;
        if uri.query().is_some() {
            return Err(ConfigError::InvalidPublicUrl(
                "a base URL takes no query string (the request's is appended); use PublicUrl::exact"
                    .into(),
            ));
        }
        let prefix = uri.path().trim_end_matches('/');
        let scheme = uri.scheme_str().unwrap_or_default();
        let authority = uri.authority().map(Authority::as_str).unwrap_or_default();
        Ok(Self(Kind::Base(format!("{scheme}://{authority}{prefix}"))))
    }

    /// The full URL exactly as configured at the provider (Square's notification URL),
    /// including path, trailing slash and query string; the request's own path is not used.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidPublicUrl`] unless it is an absolute `http`/`https` URL without
    /// user information or fragment.
    pub fn exact(url: &str) -> Result<Self, ConfigError> {
        absolute(url)?;
        Ok(Self(Kind::Exact(url.to_owned())))
    }

    /// Scheme and host taken from two request headers, e.g. `X-Forwarded-Proto` and
    /// `X-Forwarded-Host`, with the request's path and query appended.
    ///
    /// Use this **only** when every request reaches the application through a proxy that sets
    /// both headers and overwrites whatever the client sent: otherwise a client chooses the URL
    /// that is checked. The protocol header must hold exactly `http` or `https` and the host
    /// header a host with an optional port; each must appear once, or the request is rejected.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidHeaderName`].
    pub fn trusted_headers(proto_header: &str, host_header: &str) -> Result<Self, ConfigError> {
        let name = |n: &str| {
            HeaderName::from_bytes(n.as_bytes())
                .map_err(|_| ConfigError::InvalidHeaderName(n.to_owned()))
        };
        Ok(Self(Kind::Trusted {
            proto: HeaderNames::one(name(proto_header)?),
            host: HeaderNames::one(name(host_header)?),
        }))
    }

    /// The public URL of one request.
    pub(crate) fn resolve(&self, headers: &HeaderMap, uri: &Uri) -> Result<String, Rejection> {
        let path = uri.path_and_query().map_or("/", |pq| pq.as_str());
        match &self.0 {
            Kind::Base(base) => Ok(format!("{base}{path}")),
            Kind::Exact(url) => Ok(url.clone()),
            Kind::Trusted { proto, host } => {
                let (proto_name, _, proto) = single(headers, proto)?;
                let (host_name, _, host) = single(headers, host)?;
                if proto != "http" && proto != "https" {
                    return Err(Rejection::header_error(
                        RejectionKind::MalformedHeader,
                        proto_name,
                    ));
                }
                match host.parse::<Authority>() {
                    Ok(a) if !a.as_str().contains('@') => {}
                    _ => {
                        return Err(Rejection::header_error(
                            RejectionKind::MalformedHeader,
                            host_name,
                        ));
                    }
                }
                Ok(format!("{proto}://{host}{path}"))
            }
        }
    }
}

/// Parses an absolute `http`/`https` URL without user information.
fn absolute(text: &str) -> Result<Uri, ConfigError> {
    let bad = |why: &str| ConfigError::InvalidPublicUrl(format!("`{text}`: {why}"));
    let uri: Uri = text
        .parse()
        .map_err(|_| bad("not a URL (a fragment is not allowed either)"))?;
    match uri.scheme() {
        Some(s) if *s == UriScheme::HTTP || *s == UriScheme::HTTPS => {}
        _ => return Err(bad("the scheme must be http or https")),
    }
    match uri.authority() {
        Some(a) if !a.as_str().contains('@') && !a.host().is_empty() => {}
        _ => {
            return Err(bad(
                "a host is required, and user information is not allowed",
            ));
        }
    }
    if !text.starts_with(uri.scheme_str().unwrap_or_default()) {
        return Err(bad("write the scheme in lowercase"));
    }
    Ok(uri)
}

/// The URL as given, plus the same URL with the scheme's default port added (when it has no
/// port) or removed (when it has the default one): the two forms Twilio's SDKs accept.
pub(crate) fn default_port_variants(url: &str) -> Vec<String> {
    let mut out = vec![url.to_owned()];
    let Ok(uri) = url.parse::<Uri>() else {
        return out;
    };
    let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
        return out;
    };
    let default = match scheme {
        "https" => 443,
        "http" => 80,
        _ => return out,
    };
    let rest = uri.path_and_query().map_or("", |pq| pq.as_str());
    // `Uri` turns an empty path into `/`; keep the text after the authority as it was.
    let rest = url
        .find("://")
        .and_then(|i| url.get(i.saturating_add(3)..))
        .and_then(|after| after.get(authority.as_str().len()..))
        .unwrap_or(rest);
    let host = authority.host();
    let host = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_owned()
    };
    match authority.port_u16() {
        None => out.push(format!("{scheme}://{host}:{default}{rest}")),
        Some(p) if p == default => out.push(format!("{scheme}://{host}{rest}")),
        Some(_) => {}
    }
    out
}

impl fmt::Debug for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Kind::Base(b) => write!(f, "PublicUrl({b} + request path)"),
            Kind::Exact(u) => write!(f, "PublicUrl({u})"),
            Kind::Trusted { proto, host } => write!(
                f,
                "PublicUrl({}://{} + request path)",
                proto.primary, host.primary
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_validated() {
        assert!(PublicUrl::parse("https://example.com").is_ok());
        assert!(PublicUrl::parse("https://example.com/prefix/").is_ok());
        for bad in [
            "example.com",
            "/path",
            "ftp://example.com",
            "https://user@example.com",
            "https://example.com/?q=1",
            "HTTPS://example.com",
            "https://exa mple.com",
        ] {
            assert!(PublicUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn resolve_appends_the_request_path() {
        let uri = Uri::from_static("/twilio/sms?x=1");
        let h = HeaderMap::new();
        let u = PublicUrl::parse("https://example.com/").unwrap();
        assert_eq!(
            u.resolve(&h, &uri).unwrap(),
            "https://example.com/twilio/sms?x=1"
        );
        let u = PublicUrl::parse("https://example.com/base").unwrap();
        assert_eq!(
            u.resolve(&h, &uri).unwrap(),
            "https://example.com/base/twilio/sms?x=1"
        );
        let u = PublicUrl::exact("https://example.com/hook/?a=b").unwrap();
        assert_eq!(
            u.resolve(&h, &uri).unwrap(),
            "https://example.com/hook/?a=b"
        );
    }

    #[test]
    fn trusted_headers_are_checked() {
        let u = PublicUrl::trusted_headers("x-forwarded-proto", "x-forwarded-host").unwrap();
        let uri = Uri::from_static("/a");
        let mut h = HeaderMap::new();
        assert!(u.resolve(&h, &uri).is_err());
        h.insert("x-forwarded-proto", "https".parse().unwrap());
        h.insert("x-forwarded-host", "example.com:8443".parse().unwrap());
        assert_eq!(u.resolve(&h, &uri).unwrap(), "https://example.com:8443/a");
        h.insert("x-forwarded-proto", "gopher".parse().unwrap());
        assert!(u.resolve(&h, &uri).is_err());
        h.insert("x-forwarded-proto", "http".parse().unwrap());
        h.insert("x-forwarded-host", "evil@example.com".parse().unwrap());
        assert!(u.resolve(&h, &uri).is_err());
    }

    #[test]
    fn port_variants() {
        assert_eq!(
            default_port_variants("https://example.com/a?b=1"),
            ["https://example.com/a?b=1", "https://example.com:443/a?b=1"]
        );
        assert_eq!(
            default_port_variants("http://example.com:80/a"),
            ["http://example.com:80/a", "http://example.com/a"]
        );
        assert_eq!(
            default_port_variants("https://example.com:8443/a"),
            ["https://example.com:8443/a"]
        );
        assert_eq!(
            default_port_variants("https://[::1]/a"),
            ["https://[::1]/a", "https://[::1]:443/a"]
        );
    }
}
