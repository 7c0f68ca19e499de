use http::HeaderName;

use super::one;
use crate::scheme::format::{self, TagLen};
use crate::scheme::headers;
use crate::scheme::message::{Alternative, Payload, RequestView, Signed, Written};
use crate::scheme::time::TimeFormat;
use crate::scheme::{Encoding, Scheme, Signature, SignatureFormat, TimestampSource};
use crate::verify::{Rejection, RejectionKind};

/// The signature header.
const HEADER: HeaderName = HeaderName::from_static("gcms-signature");

/// The environment a signer names when the request does not say (Hygraph's default one).
const DEFAULT_ENVIRONMENT: &str = "master";

/// Hygraph (formerly GraphCMS): `gcms-signature: sign=<base64>, env=<environment>, t=<unix ms>`
/// ([docs](https://hygraph.com/docs/api-reference/basics/webhooks); `@hygraph/utils`
/// `verifyWebhookSignature`).
///
/// - Signed bytes: not the raw body but a JSON envelope around it, exactly as JavaScript's
///   `JSON.stringify({Body, EnvironmentName, TimeStamp})` writes it:
///   `{"Body":<the raw body as a JSON string>,"EnvironmentName":<env as a JSON string>,"TimeStamp":<t>}`.
///   Strings are escaped as `JSON.stringify` escapes them (`"`, `\`, and control characters;
///   everything else, non-ASCII, U+2028 and U+2029 included, as UTF-8), so the body must be
///   non-empty UTF-8. The raw bytes are embedded; nothing is re-serialised.
/// - Header: exactly the three items, in this order, separated by `", "` (Hygraph's SDK reads
///   them by position). The environment name is signed but not checked against anything: a
///   secret belongs to one webhook.
/// - Algorithm and encoding: HMAC-SHA256, standard padded base64.
/// - Key: the webhook's "Secret key" text, as its UTF-8 bytes.
/// - Window: ±300 s on the millisecond timestamp. Hygraph's SDK checks none. Body limit: 1 MiB
///   (undocumented). No handshake.
///
/// Differences from `verifyWebhookSignature`, all deliberate: the window; the timestamp must be
/// plain digits without a leading zero, and is signed as sent (the SDK's `parseInt` takes
/// `t=0170…abc` and signs the integer); a fourth item or other separators are refused; an empty
/// body is refused (the SDK would drop `Body` from the envelope).
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let secret = Secret::new("rCNwyiloY3oJYYkxgpBXaleIiUv5MYlx")?;
/// let layer = WebhookLayer::new(providers::hygraph(), Keyring::from(secret))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn hygraph() -> Scheme {
    Scheme::preset("hygraph", one("gcms-signature"), SignatureFormat::bare())
        .signature(Signature::Payload {
            header: Some(one("gcms-signature")),
        })
        .reading(Envelope)
        .enc(Encoding::Base64)
        .stamp(TimestampSource::Body(TimeFormat::Millis))
}

/// `JSON.stringify({Body, EnvironmentName, TimeStamp})` from the body and the header's items.
struct Envelope;

impl Payload for Envelope {
    fn describe(&self) -> &'static str {
        "JSON.stringify({Body: {body}, EnvironmentName: <env>, TimeStamp: <t>}) from sign=<sig>, env=<env>, t=<unix ms>"
    }

    fn check_head(&self, request: &RequestView<'_>) -> Result<(), Rejection> {
        items(request).map(|_| ())
    }

    fn read(&self, request: &RequestView<'_>, body: &[u8]) -> Result<Signed, RejectionKind> {
        let items = items(request).map_err(|r| r.kind())?;
        let body = std::str::from_utf8(body)
            .ok()
            .filter(|b| !b.is_empty())
            .ok_or(RejectionKind::MalformedBody)?;
        // Hygraph sends JSON, which holds no control character but whitespace: the others,
        // six bytes each in the envelope, would make a forged message six times the body.
        if body
            .bytes()
            .any(|b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
        {
            return Err(RejectionKind::MalformedBody);
        }
        Ok(Signed {
            alternatives: vec![Alternative {
                head: envelope(body, items.env, items.t),
                timestamp: Some(items.t.to_owned()),
                candidates: vec![items.candidate],
                ..Alternative::default()
            }],
            ..Signed::default()
        })
    }

    /// Writes `sign=…, env=master, t=<stamp>` for a non-empty UTF-8 body.
    fn sign(
        &self,
        _: &RequestView<'_>,
        body: &[u8],
        stamp: &str,
        sign: &dyn Fn(&[u8]) -> String,
    ) -> Result<Written, &'static str> {
        let body = std::str::from_utf8(body)
            .ok()
            .filter(|b| !b.is_empty())
            .ok_or("a Hygraph body is non-empty UTF-8")?;
        let signature = sign(&envelope(body, DEFAULT_ENVIRONMENT, stamp));
        Ok(Written {
            headers: vec![(
                HEADER,
                format!("sign={signature}, env={DEFAULT_ENVIRONMENT}, t={stamp}"),
            )],
            body: None,
        })
    }
}

/// What the header holds.
struct Items<'a> {
    candidate: Vec<u8>,
    env: &'a str,
    t: &'a str,
}

/// The header's three items: present once, at most [`format::MAX_HEADER_LEN`] bytes, exactly
/// `sign=<padded base64 of 32 bytes>, env=<name>, t=<unix ms>`.
fn items<'r>(request: &RequestView<'r>) -> Result<Items<'r>, Rejection> {
    let malformed = || Rejection::header_error(RejectionKind::MalformedHeader, &HEADER);
    let Some((_, value)) = headers::once(request.headers, &HEADER)? else {
        return Err(Rejection::header_error(
            RejectionKind::MissingHeader,
            &HEADER,
        ));
    };
    if value.len() > format::MAX_HEADER_LEN {
        return Err(malformed());
    }
    let mut parts = value.split(", ");
    let (Some(sign), Some(env), Some(t), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed());
    };
    let sign = sign.strip_prefix("sign=").ok_or_else(malformed)?;
    let env = env.strip_prefix("env=").ok_or_else(malformed)?;
    let t = t.strip_prefix("t=").ok_or_else(malformed)?;
    if TimeFormat::Millis.parse_millis(t).is_none() {
        return Err(Rejection::new(RejectionKind::InvalidTimestamp));
    }
    let candidate = format::decode(sign, Encoding::Base64, TagLen::Exact(32))
        .ok_or(Rejection::new(RejectionKind::SignatureMismatch))?;
    Ok(Items {
        candidate: candidate.as_slice().to_vec(),
        env,
        t,
    })
}

/// `{"Body":…,"EnvironmentName":…,"TimeStamp":t}` as `JSON.stringify` writes it. `t` is plain
/// digits without a leading zero (checked), which is how `JSON.stringify` writes that integer.
fn envelope(body: &str, env: &str, t: &str) -> Vec<u8> {
    // Sized once: what escaping adds to the body and the environment's name, and the rest.
    let escaped = |text: &str| {
        let bytes = text.as_bytes();
        // One more byte for each escaped character, four more for the `\u00xx` ones.
        let short = |b: u8| matches!(b, b'"' | b'\\' | 0x08 | b'\t' | b'\n' | 0x0c | b'\r');
        let escaped = bytes.iter().filter(|&&b| b < 0x20 || short(b)).count();
        let long = bytes.iter().filter(|&&b| b < 0x20 && !short(b)).count();
        bytes
            .len()
            .saturating_add(escaped)
            .saturating_add(long.saturating_mul(4))
    };
    let len = escaped(body)
        .saturating_add(escaped(env))
        .saturating_add(t.len())
        .saturating_add(64);
    let mut out = Vec::with_capacity(len);
    out.extend_from_slice(b"{\"Body\":");
    json_string(&mut out, body);
    out.extend_from_slice(b",\"EnvironmentName\":");
    json_string(&mut out, env);
    out.extend_from_slice(b",\"TimeStamp\":");
    out.extend_from_slice(t.as_bytes());
    out.push(b'}');
    out
}

/// Appends `text` as a JSON string the way `JSON.stringify` writes it: `"` and `\` escaped,
/// `\b \t \n \f \r` for those controls, `\u00xx` (lowercase hex) for the other C0 controls,
/// every other character as UTF-8 (DEL, U+2028 and U+2029 included). A Rust `str` holds no
/// lone surrogate, the one other case `JSON.stringify` escapes.
fn json_string(out: &mut Vec<u8>, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let mut start = 0;
    for (i, byte) in text.bytes().enumerate() {
        let code = match byte {
            b'"' => b'"',
            b'\\' => b'\\',
            0x08 => b'b',
            b'\t' => b't',
            b'\n' => b'n',
            0x0c => b'f',
            b'\r' => b'r',
            0x00..=0x1f => 0,
            _ => continue,
        };
        if start < i {
            out.extend_from_slice(text.as_bytes().get(start..i).unwrap_or_default());
        }
        if code == 0 {
            let digit = |nibble: u8| HEX.get(usize::from(nibble)).copied().unwrap_or(b'0');
            out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                digit(byte >> 4),
                digit(byte & 0x0f),
            ]);
        } else {
            out.push(b'\\');
            out.push(code);
        }
        start = i.saturating_add(1);
    }
    out.extend_from_slice(text.as_bytes().get(start..).unwrap_or_default());
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> String {
        let mut out = Vec::new();
        json_string(&mut out, text);
        String::from_utf8(out).unwrap()
    }

    /// Every character class `JSON.stringify` treats differently, against serde_json (whose
    /// string escaping is the same for valid UTF-8) and the literal expectations.
    #[test]
    fn strings_are_escaped_like_json_stringify() {
        let all_controls: String = (0u8..0x20).map(char::from).collect();
        for text in [
            "",
            "plain",
            "quote \" backslash \\ slash / tab\t",
            "line\u{2028}sep para\u{2029}end del\u{7f}",
            "Ça marche 😀 — naïve café, 日本語",
            "<>&'",
            all_controls.as_str(),
        ] {
            assert_eq!(json(text), serde_json::to_string(text).unwrap(), "{text:?}");
        }
        assert_eq!(json("\u{1}\u{1f}\u{8}\u{c}"), r#""\u0001\u001f\b\f""#);
        assert_eq!(json("a\u{2028}b"), "\"a\u{2028}b\"");
    }

    #[test]
    fn the_envelope_has_the_sdk_layout() {
        assert_eq!(
            envelope("{\"a\":1}\n", "master", "1700000000000"),
            br#"{"Body":"{\"a\":1}\n","EnvironmentName":"master","TimeStamp":1700000000000}"#
        );
    }
}
