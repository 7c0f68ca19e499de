//! Keys that come from the provider at run time: where a delivery names the key that verifies
//! it ([`RemoteKey`]), and the strict allow-list every such reference must pass before anything
//! is fetched.
//!
//! Everything here reads attacker-controlled text: a reference is checked against a small,
//! unambiguous grammar (no userinfo, no port, no percent-escapes, no query, no fragment, no dot
//! segments), so that whatever URL parser the fetcher uses sees the same host and path.
#![warn(clippy::arithmetic_side_effects)]

use std::fmt;

use super::message::RequestView;
use crate::rejection::RejectionKind;

/// Where a delivery says the key that verifies it is: what a
/// [`KeyFetcher`](crate::keys::KeyFetcher) is asked to fetch. It has passed the scheme's
/// allow-list before any fetcher sees it.
///
/// ```
/// use webhook_guard::keys::KeyLocation;
///
/// let url = KeyLocation::Url("https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem".into());
/// assert_eq!(url.as_str(), "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem");
/// assert!(url.is_url());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyLocation {
    /// An `https` URL on the scheme's allow-list (its host lowercased), to be fetched with a
    /// plain GET: a certificate (AWS SNS, PayPal).
    Url(String),
    /// A key id that the provider's API resolves (Plaid's JWT `kid`): the fetcher calls that
    /// API with the user's credentials.
    KeyId(String),
}

impl KeyLocation {
    /// The URL or key id.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Url(s) | Self::KeyId(s) => s,
        }
    }

    /// Whether this is a URL to GET.
    #[must_use]
    pub fn is_url(&self) -> bool {
        matches!(self, Self::Url(_))
    }

    /// The key under which fetched keys are cached: URLs and key ids never collide.
    pub(crate) fn cache_key(&self) -> String {
        match self {
            Self::Url(s) => format!("url {s}"),
            Self::KeyId(s) => format!("kid {s}"),
        }
    }
}

impl fmt::Debug for KeyLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Url(s) => f.debug_tuple("Url").field(s).finish(),
            Self::KeyId(s) => f.debug_tuple("KeyId").field(s).finish(),
        }
    }
}

impl fmt::Display for KeyLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A provider whose deliveries name the key that verifies them, and how the provider publishes
/// it. Implemented by provider code; the core and the layer only call it.
pub(crate) trait RemoteKey: Send + Sync + 'static {
    /// Where the key is named and what the allow-list admits, in a few words.
    fn describe(&self) -> &'static str;

    /// The key this delivery names, checked against the allow-list: a reference outside it is
    /// [`RejectionKind::UntrustedKeyLocation`] and is never fetched; a delivery that names
    /// none is malformed. Called once the body has arrived (AWS SNS names its key in the body).
    fn locate(&self, request: &RequestView<'_>, body: &[u8]) -> Result<KeyLocation, RejectionKind>;

    /// The key in what a fetcher returned for `location`, as text in the scheme's
    /// [`KeyFormat`](super::KeyFormat) (a PEM certificate, a JWK), or `None` when it holds no
    /// usable key.
    fn parse(&self, location: &KeyLocation, fetched: &[u8]) -> Option<String>;
}

/// Longest key reference accepted, in bytes.
pub(crate) const MAX_LOCATION_LEN: usize = 512;

/// The parts of a URL that passed [`strict_https`].
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct StrictUrl {
    /// The host, lowercased.
    pub(crate) host: String,
    /// The path, starting with `/`.
    pub(crate) path: String,
}

impl StrictUrl {
    /// The URL, rebuilt from its checked parts.
    pub(crate) fn to_url(&self) -> String {
        format!("https://{}{}", self.host, self.path)
    }
}

/// A fetched answer that is a PEM certificate (checked again, strictly, when the key is
/// prepared), as text; `None` for anything else.
pub(crate) fn pem_certificate(fetched: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(fetched).ok()?;
    text.contains("-----BEGIN CERTIFICATE-----")
        .then(|| text.to_owned())
}

/// Reads `text` as `https://<host><path>` in a strict grammar, or `None`:
///
/// * the scheme is `https` (either case), followed by `://`;
/// * the host is 1 to 253 bytes of ASCII letters, digits, `-` and `.` (lowercased; no empty
///   label, no userinfo `@`, no port `:`, no IP literal `[…]`, no percent-escape, no trailing
///   dot);
/// * the path is `/` then segments of ASCII letters, digits, `-`, `_`, `.` and `~`, none empty,
///   `.` or `..`;
/// * nothing else: no query `?`, no fragment `#`, no backslash, no whitespace.
pub(crate) fn strict_https(text: &str) -> Option<StrictUrl> {
    if text.len() > MAX_LOCATION_LEN || !text.is_ascii() {
        return None;
    }
    let scheme = text.get(..8)?;
    if !scheme.eq_ignore_ascii_case("https://") {
        return None;
    }
    let rest = text.get(8..)?;
    let slash = rest.find('/')?;
    let host = rest.get(..slash)?;
    let path = rest.get(slash..)?;
    let host_ok = !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    if !host_ok {
        return None;
    }
    let segments = path.get(1..)?;
    let path_ok = segments.split('/').all(|segment| {
        !segment.is_empty()
            && segment != "."
            && segment != ".."
            && segment
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
    });
    if !path_ok {
        return None;
    }
    Some(StrictUrl {
        host: host.to_ascii_lowercase(),
        path: path.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_https_urls_pass() {
        let ok = strict_https("https://Sns.us-east-1.amazonaws.com/a/b-c_d.pem").unwrap();
        assert_eq!(ok.host, "sns.us-east-1.amazonaws.com");
        assert_eq!(ok.path, "/a/b-c_d.pem");
        assert_eq!(
            ok.to_url(),
            "https://sns.us-east-1.amazonaws.com/a/b-c_d.pem"
        );
        assert!(strict_https("HTTPS://example.com/x").is_some());
        for bad in [
            "http://example.com/x",
            "https:/example.com/x",
            "https//example.com/x",
            "https://example.com",
            "https://example.com/",
            "https://example.com//x",
            "https://example.com/x/",
            "https://example.com/./x",
            "https://example.com/../x",
            "https://example.com/x?y",
            "https://example.com/x#y",
            "https://example.com/x%2e",
            "https://example.com/x\\y",
            "https://example.com/x y",
            "https://user@example.com/x",
            "https://user:pw@example.com/x",
            "https://example.com:443/x",
            "https://example.com./x",
            "https://.example.com/x",
            "https://exa..mple.com/x",
            "https://[::1]/x",
            "https://127.0.0.1:8443/x",
            "https://exämple.com/x",
            " https://example.com/x",
            "https://example.com/x\n",
            "",
        ] {
            assert!(strict_https(bad).is_none(), "{bad:?}");
        }
        let long = format!("https://example.com/{}", "a".repeat(MAX_LOCATION_LEN));
        assert!(strict_https(&long).is_none());
    }
}
