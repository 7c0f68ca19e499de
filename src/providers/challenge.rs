//! Answers to unsigned set-up challenges that echo a value the provider sent: Meta's
//! `hub.challenge`, Dropbox's `challenge`, Worldline's endpoint-verification header.
//!
//! The value comes from an unauthenticated request and goes back in a response body, so only a
//! short, plain value is echoed (never markup), as `text/plain` with `X-Content-Type-Options:
//! nosniff` (Dropbox's documented answer, which keeps a browser from sniffing it as HTML).

use std::borrow::Cow;

use http::{HeaderName, HeaderValue};

use crate::scheme::Answer;

/// Longest value echoed, in bytes.
pub(super) const MAX_ECHO_LEN: usize = 256;

/// Whether `value` may be echoed: 1 to [`MAX_ECHO_LEN`] bytes of ASCII letters, digits and
/// `-._~+/=` (URL-safe tokens, integers, UUIDs and base64 all fit).
pub(super) fn echoable(value: &str) -> bool {
    (1..=MAX_ECHO_LEN).contains(&value.len())
        && value.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/' | b'=')
        })
}

/// `value` answered as the body of a 200 `text/plain` response with `X-Content-Type-Options:
/// nosniff`, or `None` when it may not be echoed.
pub(super) fn echo(value: &str) -> Option<Answer> {
    if !echoable(value) {
        return None;
    }
    let mut answer = Answer::ok("text/plain", value.as_bytes().to_vec());
    answer.headers.push((
        HeaderName::from_static("x-content-type-options"),
        HeaderValue::from_static("nosniff"),
    ));
    Some(answer)
}

/// The value of the query parameter `key`, percent-decoded, when it appears exactly once.
pub(super) fn query_param<'q>(query: &'q str, key: &str) -> Option<Cow<'q, str>> {
    let mut found = None;
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if k == key && found.replace(v).is_some() {
            return None;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_values_are_echoed() {
        for ok in [
            "1158201444",
            "abc123",
            "7b7c3c1c-4f4b-4a57-9e8a-0d1f7f6d4b2e",
            "a+b/c==",
        ] {
            let answer = echo(ok).unwrap();
            assert_eq!(answer.body(), ok.as_bytes());
            assert_eq!(answer.content_type(), "text/plain");
            assert_eq!(answer.headers()[0].1, "nosniff");
        }
        let long = "a".repeat(MAX_ECHO_LEN + 1);
        for bad in ["", "<script>", "a b", "a\"b", "é", "a%20b", long.as_str()] {
            assert!(echo(bad).is_none(), "{bad:?}");
        }
        assert!(echo(&"a".repeat(MAX_ECHO_LEN)).is_some());
    }

    #[test]
    fn query_parameters_appear_once() {
        assert_eq!(query_param("a=1&b=%3Cx%3E", "b").as_deref(), Some("<x>"));
        assert_eq!(query_param("a=1&a=2", "a"), None);
        assert_eq!(query_param("a=1", "b"), None);
        assert_eq!(
            query_param("hub.challenge=12", "hub.challenge").as_deref(),
            Some("12")
        );
    }
}
