use std::collections::BTreeSet;

use http::{HeaderName, Method};

use super::one;
use crate::rejection::{Rejection, RejectionKind};
use crate::scheme::format::{self, TagLen};
use crate::scheme::headers::{self, HeaderNames};
use crate::scheme::message::{Alternative, Payload, RequestView, Signed, Tail, Written};
use crate::scheme::time::{TimeFormat, Window};
use crate::scheme::{Encoding, Scheme, Signature, SignatureFormat, TimestampSource};

/// The signature header.
const SIGNATURE: HeaderName = HeaderName::from_static("x-contentful-signature");
/// The list of signed headers.
const SIGNED_HEADERS: HeaderName = HeaderName::from_static("x-contentful-signed-headers");
/// The timestamp header (unix milliseconds).
const TIMESTAMP: HeaderName = HeaderName::from_static("x-contentful-timestamp");

/// Most headers the list may name.
const MAX_SIGNED_HEADERS: usize = 32;

/// Contentful request verification (webhooks and app requests): `x-contentful-signature: <hex
/// HMAC-SHA256(signing secret, canonical request)>` with `x-contentful-signed-headers` and
/// `x-contentful-timestamp: <unix milliseconds>`, as `@contentful/node-apps-toolkit`
/// `verifyRequest` checks it
/// ([docs](https://www.contentful.com/developers/docs/extensibility/webhooks/request-verification/)).
///
/// The canonical request is four lines joined by `\n`: the method; the request target (path
/// and query) as received, normalised like the toolkit (`encodeURI` of the path and of the
/// query after Node's `querystring.escape`, so `?a=1&b=2` is signed as `?a%253D1%2526b%253D2`);
/// the headers named in `x-contentful-signed-headers`, sorted, each `name:value` with the value
/// trimmed, joined by `;`; and the raw body. The key is the webhook's (or app's) **signing
/// secret**, 64 characters, as text. Lowercase hex.
///
/// The list must name `x-contentful-signed-headers` and `x-contentful-timestamp` (so the
/// timestamp is signed), at most 32 distinct lowercase header names, and every header it names
/// must be present once; headers it does not name are not authenticated. The request target
/// is the one the application receives: behind a proxy that rewrites paths, verify before the
/// rewrite. Body limit 1 MiB (none documented). No handshake.
///
/// Window ±30 s: the toolkit's default time to live is 30 s, looking back only; this preset
/// also bounds future timestamps, and keeps an age of exactly 30 s (the toolkit refuses it).
/// Other differences: the toolkit ignores anything after a second `?` in the target, which is
/// signed here; it re-sorts a list sent unsorted, which is signed sorted here too.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let secret = Secret::new("k3v9Qp2Lw8Zr5Tx1Yb7Nc4Md6Fg0Hj2Kl5Ps8Rt1Uv4Wx7Yz0Ab3Cd6Ef9Gh2IjK")?;
/// let layer = WebhookLayer::new(providers::contentful(), Keyring::from(secret))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn contentful() -> Scheme {
    Scheme::preset(
        "contentful",
        one("x-contentful-signature"),
        SignatureFormat::bare(),
    )
    .signature(Signature::Payload {
        header: Some(one("x-contentful-signature")),
    })
    .reading(CanonicalRequest)
    .stamp(TimestampSource::Header(
        one("x-contentful-timestamp"),
        TimeFormat::Millis,
    ))
    .window(Window::both(30))
}

/// Contentful's canonical request.
struct CanonicalRequest;

impl Payload for CanonicalRequest {
    fn describe(&self) -> &'static str {
        "{method}\\n{encoded path and query}\\n{sorted signed headers name:value;…}\\n{body}"
    }

    fn check_head(&self, request: &RequestView<'_>) -> Result<(), Rejection> {
        candidate(request)?;
        head(request).map(|_| ())
    }

    fn read(&self, request: &RequestView<'_>, _body: &[u8]) -> Result<Signed, RejectionKind> {
        let candidate = candidate(request).map_err(|r| r.kind())?;
        Ok(Signed {
            alternatives: vec![Alternative {
                head: head(request).map_err(|r| r.kind())?,
                candidates: vec![candidate],
                ..Alternative::default()
            }],
            tail: Tail::Body,
            identity: None,
        })
    }

    /// Writes the timestamp, a list of the two required headers, and the signature.
    fn sign(
        &self,
        request: &RequestView<'_>,
        body: &[u8],
        stamp: &str,
        sign: &dyn Fn(&[u8]) -> String,
    ) -> Result<Written, &'static str> {
        let list = format!("{SIGNED_HEADERS},{TIMESTAMP}");
        let mut message = canonical(
            request.method,
            request.uri.path_and_query().map_or("/", |pq| pq.as_str()),
            &[
                (SIGNED_HEADERS.as_str(), list.as_str()),
                (TIMESTAMP.as_str(), stamp),
            ],
        )
        .map_err(|_| "Contentful signs GET, PATCH, HEAD, POST, DELETE, OPTIONS and PUT")?;
        message.extend_from_slice(body);
        Ok(Written {
            headers: vec![
                (TIMESTAMP, stamp.to_owned()),
                (SIGNED_HEADERS, list),
                (SIGNATURE, sign(&message)),
            ],
            body: None,
        })
    }
}

/// The signature: present once, 64 lowercase hex characters.
fn candidate(request: &RequestView<'_>) -> Result<Vec<u8>, Rejection> {
    let (_, _, value) = headers::single(request.headers, &HeaderNames::one(SIGNATURE))?;
    format::decode(value, Encoding::Hex, TagLen::Exact(32))
        .map(|tag| tag.as_slice().to_vec())
        .ok_or_else(|| Rejection::new(RejectionKind::SignatureMismatch))
}

/// The canonical request up to and including the `\n` before the body.
fn head(request: &RequestView<'_>) -> Result<Vec<u8>, Rejection> {
    let malformed = || Rejection::header_error(RejectionKind::MalformedHeader, &SIGNED_HEADERS);
    let (_, _, list) = headers::single(request.headers, &HeaderNames::one(SIGNED_HEADERS))?;
    if list.len() > format::MAX_HEADER_LEN {
        return Err(malformed());
    }
    let mut names = BTreeSet::new();
    for name in list.split(',') {
        let valid = HeaderName::from_bytes(name.as_bytes()).is_ok_and(|h| h.as_str() == name);
        if !valid || names.len() == MAX_SIGNED_HEADERS || !names.insert(name) {
            return Err(malformed());
        }
    }
    if !names.contains(SIGNED_HEADERS.as_str()) || !names.contains(TIMESTAMP.as_str()) {
        return Err(malformed());
    }
    // The list as the toolkit writes it: the names, sorted.
    let sorted = names.iter().copied().collect::<Vec<_>>().join(",");
    let mut pairs = Vec::with_capacity(names.len());
    for name in &names {
        let value = if *name == SIGNED_HEADERS.as_str() {
            sorted.as_str()
        } else {
            let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| malformed())?;
            match headers::once(request.headers, &header)? {
                Some((_, value)) => value.trim_matches([' ', '\t']),
                None => {
                    return Err(Rejection::header_error(
                        RejectionKind::MissingHeader,
                        &header,
                    ));
                }
            }
        };
        pairs.push((*name, value));
    }
    let target = request.uri.path_and_query().map_or("/", |pq| pq.as_str());
    canonical(request.method, target, &pairs)
        .map_err(|()| Rejection::new(RejectionKind::SignatureMismatch))
}

/// `{method}\n{encoded target}\n{name:value;…}\n` for `pairs` sorted by name.
fn canonical(method: &Method, target: &str, pairs: &[(&str, &str)]) -> Result<Vec<u8>, ()> {
    const METHODS: [Method; 7] = [
        Method::GET,
        Method::PATCH,
        Method::HEAD,
        Method::POST,
        Method::DELETE,
        Method::OPTIONS,
        Method::PUT,
    ];
    if !METHODS.contains(method) {
        return Err(());
    }
    let mut out = Vec::with_capacity(128);
    out.extend_from_slice(method.as_str().as_bytes());
    out.push(b'\n');
    out.extend_from_slice(encoded_target(target).as_bytes());
    out.push(b'\n');
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(b';');
        }
        out.extend_from_slice(name.as_bytes());
        out.push(b':');
        out.extend_from_slice(value.as_bytes());
    }
    out.push(b'\n');
    Ok(out)
}

/// The toolkit's `getNormalizedEncodedURI`: `encodeURI(path + "?" + querystring.escape(query))`
/// (`encodeURI(path)` without a query).
fn encoded_target(target: &str) -> String {
    match target.split_once('?') {
        Some((path, query)) if !query.is_empty() => {
            let mut raw = String::with_capacity(target.len() * 3);
            raw.push_str(path);
            raw.push('?');
            escape(&mut raw, query, QUERYSTRING_UNRESERVED);
            let mut out = String::with_capacity(raw.len() * 3);
            escape(&mut out, &raw, ENCODE_URI_UNRESERVED);
            out
        }
        Some((path, _)) => {
            let mut out = String::new();
            escape(&mut out, path, ENCODE_URI_UNRESERVED);
            out
        }
        None => {
            let mut out = String::new();
            escape(&mut out, target, ENCODE_URI_UNRESERVED);
            out
        }
    }
}

/// What Node's `querystring.escape` leaves as it is besides ASCII letters and digits.
const QUERYSTRING_UNRESERVED: &[u8] = b"-_.!~*'()";
/// What `encodeURI` leaves as it is besides ASCII letters and digits.
const ENCODE_URI_UNRESERVED: &[u8] = b";,/?:@&=+$-_.!~*'()#";

/// Appends `text` to `out`, each byte that is not an ASCII letter, digit or one of `keep`
/// written `%XX` (uppercase) — the UTF-8 percent-encoding both JavaScript functions apply.
fn escape(out: &mut String, text: &str, keep: &[u8]) {
    let digit = |d: u8| {
        char::from_digit(u32::from(d), 16)
            .unwrap_or('0')
            .to_ascii_uppercase()
    };
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || keep.contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(digit(b >> 4));
            out.push(digit(b & 0x0f));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_encoded_like_the_toolkit() {
        assert_eq!(
            encoded_target("/webhooks/contentful"),
            "/webhooks/contentful"
        );
        assert_eq!(
            encoded_target("/webhooks/contentful?env=master&x=1"),
            "/webhooks/contentful?env%253Dmaster%2526x%253D1"
        );
        assert_eq!(encoded_target("/a%20b"), "/a%2520b");
        assert_eq!(encoded_target("/a?"), "/a");
        assert_eq!(encoded_target("/a?b?c"), "/a?b%253Fc");
        assert_eq!(encoded_target("/a?x=(ok)*"), "/a?x%253D(ok)*");
    }
}
