use std::ops::Range;

use http::{HeaderName, Method};

use super::form::{self, Pair};
use super::one;
use crate::rejection::{Rejection, RejectionKind};
use crate::scheme::format::{self, TagLen};
use crate::scheme::headers::{self, HeaderNames};
use crate::scheme::message::{Alternative, Payload, RequestView, Signed, Tail, Written};
use crate::scheme::{Encoding, PublicUrl, Scheme, Signature, SignatureFormat};

/// The signature header: one or more comma-separated signatures.
const HEADER: HeaderName = HeaderName::from_static("x-plivo-signature-v3");

/// The nonce header.
const NONCE: HeaderName = HeaderName::from_static("x-plivo-signature-v3-nonce");

/// Longest nonce accepted (Plivo's are 20 digits).
const MAX_NONCE_LEN: usize = 256;

/// Most parameters a form body or a query may hold.
const MAX_PARAMS: usize = 1000;

/// Plivo, signature V3: `X-Plivo-Signature-V3: <base64 HMAC-SHA256(Auth Token, message)>[,…]`
/// with `X-Plivo-Signature-V3-Nonce`, as Plivo's SDKs check it (`plivo`
/// `utils.signature_v3.validate_v3_signature`, Node `validateV3Signature`).
///
/// The message is built from the **public URL** Plivo called and the request's parameters:
/// the URL without its query (`scheme://host[:port]/path`), then for a `GET` `?` and the query
/// parameters sorted by name (and the values of a repeated name sorted), written `k=v&k=v`
/// with decoded values; for a form `POST`, `?`, the sorted query (and `.` when there is one),
/// then every decoded form parameter as its name immediately followed by its value, sorted the
/// same way (a `POST` without parameters signs the URL alone). Then `.` and the nonce. The key
/// is the account's (or subaccount's) **Auth Token** as text. The header may hold several
/// comma-separated signatures; any may match (each strictly decoded: padded base64).
///
/// The public URL is configuration (see [`PublicUrl`]): give the origin Plivo calls with
/// [`PublicUrl::parse`] and the request's path and query are appended. Only form bodies are
/// read (Plivo's JSON callbacks, which its Python SDK flattens, are not supported), a `GET`
/// must have no body, and other methods are refused; at most 1 000 parameters. No timestamp:
/// the nonce is random, so pair the preset with a replay guard (it keys on the signed message).
/// Body limit 1 MiB (none documented). No handshake.
///
/// Differences from the SDKs: the candidates are compared in constant time (the SDKs test
/// membership in the list); non-ASCII in the URL's query is decoded as UTF-8, as the Node SDK
/// does (the Python SDK re-encodes its bytes as Latin-1).
///
/// ```
/// use webhook_guard::{providers, Keyring, PublicUrl, Secret, WebhookLayer};
///
/// let plivo = providers::plivo(PublicUrl::parse("https://hooks.example.com")?);
/// let layer = WebhookLayer::new(plivo, Keyring::from(Secret::new("plivo auth token")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn plivo(public_url: PublicUrl) -> Scheme {
    unconfigured().public_url(public_url)
}

/// The preset without its public URL (for [`by_name`](super::by_name)).
pub(super) fn unconfigured() -> Scheme {
    Scheme::preset(
        "plivo",
        one("x-plivo-signature-v3"),
        SignatureFormat::bare(),
    )
    .signature(Signature::Payload {
        header: Some(one("x-plivo-signature-v3")),
    })
    .reading(UrlParamsNonce)
    .enc(Encoding::Base64)
}

/// The URL, the sorted parameters and the nonce.
struct UrlParamsNonce;

impl Payload for UrlParamsNonce {
    fn describe(&self) -> &'static str {
        "{url without query}?{sorted query k=v&…}.{sorted form name+value…}.{nonce}"
    }

    fn signs_url(&self) -> bool {
        true
    }

    fn check_head(&self, request: &RequestView<'_>) -> Result<(), Rejection> {
        candidates(request)?;
        nonce(request).map(|_| ())
    }

    fn read(&self, request: &RequestView<'_>, body: &[u8]) -> Result<Signed, RejectionKind> {
        let candidates = candidates(request).map_err(|r| r.kind())?;
        let nonce = nonce(request).map_err(|r| r.kind())?;
        let (head, tail) = message(request.method, request.url.unwrap_or_default(), nonce, body)?;
        Ok(Signed {
            alternatives: vec![Alternative {
                head,
                candidates,
                ..Alternative::default()
            }],
            tail,
            identity: None,
        })
    }

    /// Writes the nonce (the request's own, else the signing time's digits) and the signature.
    fn sign(
        &self,
        request: &RequestView<'_>,
        body: &[u8],
        stamp: &str,
        sign: &dyn Fn(&[u8]) -> String,
    ) -> Result<Written, &'static str> {
        let nonce = match nonce(request) {
            Ok(nonce) => nonce.to_owned(),
            Err(_) => stamp.to_owned(),
        };
        let (mut head, tail) = message(
            request.method,
            request.url.unwrap_or_default(),
            &nonce,
            body,
        )
        .map_err(|_| "Plivo signs a form body of a POST, or a GET without a body")?;
        head.extend(tail.parts(body).concat());
        Ok(Written {
            headers: vec![(NONCE, nonce), (HEADER, sign(&head))],
            body: None,
        })
    }
}

/// The decoded candidates of the signature header: present once, at most ten, each padded
/// base64 of 32 bytes (others are skipped); none decoding is a mismatch.
fn candidates(request: &RequestView<'_>) -> Result<Vec<Vec<u8>>, Rejection> {
    let Some((_, value)) = headers::once(request.headers, &HEADER)? else {
        return Err(Rejection::header_error(
            RejectionKind::MissingHeader,
            &HEADER,
        ));
    };
    if value.len() > format::MAX_HEADER_LEN || value.split(',').nth(format::MAX_ENTRIES).is_some() {
        return Err(Rejection::header_error(
            RejectionKind::MalformedHeader,
            &HEADER,
        ));
    }
    let out: Vec<Vec<u8>> = value
        .split(',')
        .filter_map(|sig| format::decode(sig, Encoding::Base64, TagLen::Exact(32)))
        .map(|tag| tag.as_slice().to_vec())
        .collect();
    if out.is_empty() {
        return Err(Rejection::new(RejectionKind::SignatureMismatch));
    }
    Ok(out)
}

/// The nonce header: present once, at most [`MAX_NONCE_LEN`] bytes.
fn nonce<'r>(request: &RequestView<'r>) -> Result<&'r str, Rejection> {
    let (_, _, value) = headers::single(request.headers, &HeaderNames::one(NONCE))?;
    if value.len() > MAX_NONCE_LEN {
        return Err(Rejection::header_error(
            RejectionKind::MalformedHeader,
            &NONCE,
        ));
    }
    Ok(value)
}

/// The signed message for `method` at `url` with `body`: the URL part as the head, the sorted
/// form parameters and `.{nonce}` as the tail (pieces of one decoded buffer).
fn message(
    method: &Method,
    url: &str,
    nonce: &str,
    body: &[u8],
) -> Result<(Vec<u8>, Tail), RejectionKind> {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, query),
        None => (url, ""),
    };
    // The query, decoded and sorted, written `k=v&k=v`.
    let mut query_buf = Vec::new();
    let query_pairs = sorted_pairs(&mut query_buf, query.as_bytes())?;
    let mut q = Vec::with_capacity(query_buf.len() + 2 * query_pairs.len());
    for (i, (name, value)) in query_pairs.iter().enumerate() {
        if i > 0 {
            q.push(b'&');
        }
        q.extend_from_slice(query_buf.get(name.clone()).unwrap_or_default());
        q.push(b'=');
        q.extend_from_slice(query_buf.get(value.clone()).unwrap_or_default());
    }
    let mut decoded = Vec::new();
    let params = if *method == Method::GET {
        if !body.is_empty() {
            return Err(RejectionKind::MalformedBody);
        }
        Vec::new()
    } else if *method == Method::POST {
        // The body strictly (what Plivo never sends is refused before hashing: see
        // `form::Decoder`); the query, from the URL, as the SDKs decode it.
        let (bytes, mut pairs) = form::pairs(body, MAX_PARAMS)?;
        decoded = bytes;
        sort(&decoded, &mut pairs);
        pairs
    } else {
        return Err(RejectionKind::SignatureMismatch);
    };
    let mut head = base.as_bytes().to_vec();
    let posted = !params.is_empty();
    if !q.is_empty() || posted {
        head.push(b'?');
        head.extend_from_slice(&q);
    }
    if !q.is_empty() && posted {
        head.push(b'.');
    }
    let mut pieces: Vec<Range<usize>> = params
        .into_iter()
        .flat_map(|(name, value)| [name, value])
        .collect();
    let start = decoded.len();
    decoded.push(b'.');
    decoded.extend_from_slice(nonce.as_bytes());
    pieces.push(start..decoded.len());
    Ok((
        head,
        Tail::Pieces {
            bytes: decoded,
            pieces,
        },
    ))
}

/// The pairs of a URL's query `raw`, decoded into `buf` (as Python's
/// `parse_qs(keep_blank_values=True)`: `+` is a space, invalid UTF-8 becomes U+FFFD, a piece
/// without `=` has an empty value), sorted by name and then value (every pair kept). At most
/// [`MAX_PARAMS`]. The query is part of the URL, so its length is bounded by the request line.
fn sorted_pairs(buf: &mut Vec<u8>, raw: &[u8]) -> Result<Vec<Pair>, RejectionKind> {
    let mut pairs = Vec::new();
    for (name, value) in form_urlencoded::parse(raw) {
        if pairs.len() == MAX_PARAMS {
            return Err(RejectionKind::MalformedBody);
        }
        let n = buf.len()..buf.len() + name.len();
        buf.extend_from_slice(name.as_bytes());
        let v = buf.len()..buf.len() + value.len();
        buf.extend_from_slice(value.as_bytes());
        pairs.push((n, v));
    }
    sort(buf, &mut pairs);
    Ok(pairs)
}

/// Sorts `pairs` of `buf` by name and then value (every pair kept).
fn sort(buf: &[u8], pairs: &mut [Pair]) {
    let text = |r: &Range<usize>| buf.get(r.clone()).unwrap_or_default();
    pairs.sort_by(|a, b| (text(&a.0), text(&a.1)).cmp(&(text(&b.0), text(&b.1))));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(method: Method, url: &str, body: &[u8]) -> String {
        let (mut head, tail) = message(&method, url, "123", body).unwrap();
        head.extend(tail.parts(body).concat());
        String::from_utf8(head).unwrap()
    }

    #[test]
    fn what_plivo_never_sends_in_a_body_is_refused_before_hashing() {
        for body in [&b"a=%FF"[..], b"a=%", b"a=%zz", "a=\u{e9}".as_bytes()] {
            assert_eq!(
                message(&Method::POST, "https://x/y", "n", body).err(),
                Some(RejectionKind::MalformedBody),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        // Escaped as Plivo escapes them, the same characters are read.
        assert!(message(&Method::POST, "https://x/y", "n", b"a=%C3%A9&b=%25").is_ok());
    }

    #[test]
    fn messages_follow_the_sdk() {
        let url = "https://example.com/plivo/answer";
        assert_eq!(
            joined(Method::POST, url, b"b=2&a=1&b=1"),
            "https://example.com/plivo/answer?a1b1b2.123"
        );
        assert_eq!(
            joined(Method::POST, "https://x/y?t=4&a=b", b"z=%2B+1"),
            "https://x/y?a=b&t=4.z+ 1.123"
        );
        assert_eq!(joined(Method::POST, url, b""), format!("{url}.123"));
        assert_eq!(
            joined(Method::POST, "https://x/y?t=4", b""),
            "https://x/y?t=4.123"
        );
        assert_eq!(
            joined(Method::GET, "https://x/s?c=3&a=%20&a=1", b""),
            "https://x/s?a= &a=1&c=3.123"
        );
        assert_eq!(joined(Method::GET, "https://x/s", b""), "https://x/s.123");
        assert!(message(&Method::GET, "https://x/s", "1", b"a=1").is_err());
        assert!(message(&Method::PUT, "https://x/s", "1", b"").is_err());
        let many = "a=1&".repeat(MAX_PARAMS + 1);
        assert!(message(&Method::POST, "https://x/s", "1", many.as_bytes()).is_err());
    }
}
