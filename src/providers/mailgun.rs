use std::borrow::Cow;

use super::{json, one};
use crate::rejection::RejectionKind;
use crate::scheme::format::{self, TagLen};
use crate::scheme::message::{Alternative, Payload, RequestView, Signed, Written};
use crate::scheme::time::{TimeFormat, Window};
use crate::scheme::{Encoding, Scheme, Signature, SignatureFormat, TimestampSource};

/// Mailgun: no header — `signature.{timestamp,token,signature}` in a JSON body, or the
/// `timestamp`, `token` and `signature` fields of a urlencoded form body (multipart bodies are
/// not read), with `signature` = hex HMAC-SHA256(signing key, timestamp + token)
/// ([docs](https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks)).
///
/// **The event data is not signed**: Mailgun signs only the timestamp and a random token, so a
/// verified delivery proves the token came from Mailgun, not that the rest of the body did.
/// Window ±900 s (mailgun-python). The replay guard keys on the signed timestamp and token.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::mailgun(), Keyring::from(Secret::new("mailgun signing key")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn mailgun() -> Scheme {
    Scheme::preset(
        "mailgun",
        one("x-mailgun-signature"),
        SignatureFormat::bare(),
    )
    .signature(Signature::Payload { header: None })
    .reading(Fields)
    .stamp(TimestampSource::Body(TimeFormat::Seconds))
    .window(Window::both(900))
}

/// Longest Mailgun token accepted (Mailgun's are 50 characters).
const MAX_TOKEN_LEN: usize = 512;

/// `{timestamp}{token}` from the body's signature fields.
struct Fields;

impl Payload for Fields {
    fn describe(&self) -> &'static str {
        "{timestamp}{token} of the body's signature fields (the event data is not signed)"
    }

    fn read(&self, _: &RequestView<'_>, body: &[u8]) -> Result<Signed, RejectionKind> {
        let fields = fields(body)?;
        let mut head = fields.timestamp.as_bytes().to_vec();
        head.extend_from_slice(fields.token.as_bytes());
        // Strictly decoded like any header signature: lowercase hex of a 32-byte MAC.
        let candidate = format::decode(&fields.signature, Encoding::Hex, TagLen::Exact(32))
            .map(|tag| tag.as_slice().to_vec());
        Ok(Signed {
            alternatives: vec![Alternative {
                head,
                timestamp: Some(fields.timestamp.into_owned()),
                candidates: candidate.into_iter().collect(),
                algorithm: None,
            }],
            ..Signed::default()
        })
    }

    /// Writes `timestamp`, `token` (the body's own if it has one, else a fresh one) and
    /// `signature` into a JSON object body's `signature` member, or as form fields.
    fn sign(
        &self,
        _: &RequestView<'_>,
        body: &[u8],
        stamp: &str,
        sign: &dyn Fn(&[u8]) -> String,
    ) -> Result<Written, &'static str> {
        fill(body, stamp, sign).map(|body| Written {
            headers: Vec::new(),
            body: Some(body),
        })
    }
}

/// [`Fields::sign`]'s body.
fn fill(body: &[u8], stamp: &str, sign: &dyn Fn(&[u8]) -> String) -> Result<Vec<u8>, &'static str> {
    {
        let json = body.trim_ascii().is_empty() || body.trim_ascii_start().first() == Some(&b'{');
        let token =
            existing_token(body, json).unwrap_or_else(|| crate::unique::token().replace('-', ""));
        let signature = sign(format!("{stamp}{token}").as_bytes());
        if json {
            let mut object: serde_json::Map<String, serde_json::Value> =
                if body.trim_ascii().is_empty() {
                    serde_json::Map::new()
                } else {
                    serde_json::from_slice(body)
                        .map_err(|_| "a Mailgun body must be a JSON object or a form")?
                };
            object.remove("signature");
            // The signature fields first, as Mailgun writes them; the rest after.
            let text = |t: &str| serde_json::Value::from(t).to_string();
            let mut out = format!(
                "{{\"signature\":{{\"timestamp\":{},\"token\":{},\"signature\":{}}}",
                text(stamp),
                text(&token),
                text(&signature)
            );
            for (key, value) in &object {
                let key = serde_json::Value::from(key.as_str());
                out.push_str(&format!(",{key}:{value}"));
            }
            out.push('}');
            return Ok(out.into_bytes());
        }
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (name, value) in form_urlencoded::parse(body) {
            if !matches!(&*name, "timestamp" | "token" | "signature") {
                out.append_pair(&name, &value);
            }
        }
        out.append_pair("timestamp", stamp);
        out.append_pair("token", &token);
        out.append_pair("signature", &signature);
        Ok(out.finish().into_bytes())
    }
}

/// The token a body to be signed already carries.
fn existing_token(body: &[u8], json: bool) -> Option<String> {
    if json {
        let value: serde_json::Value = serde_json::from_slice(body).ok()?;
        return Some(value.get("signature")?.get("token")?.as_str()?.to_owned());
    }
    form_urlencoded::parse(body)
        .find(|(name, _)| name == "token")
        .map(|(_, value)| value.into_owned())
}

/// The signature fields of a Mailgun delivery.
#[derive(serde::Deserialize)]
struct SignatureFields<'a> {
    #[serde(borrow)]
    timestamp: Cow<'a, str>,
    #[serde(borrow)]
    token: Cow<'a, str>,
    #[serde(borrow)]
    signature: Cow<'a, str>,
}

/// Reads `signature.{timestamp,token,signature}` from a JSON body (one whose first
/// non-whitespace byte is `{`; the other members are skipped by their structure, not parsed), or the
/// `timestamp`, `token` and `signature` fields of a form body. Each must be a string and appear
/// once.
fn fields(body: &[u8]) -> Result<SignatureFields<'_>, RejectionKind> {
    let bad = RejectionKind::MalformedBody;
    let fields = if body.trim_ascii_start().first() == Some(&b'{') {
        // The event data is skipped by its structure, not parsed: see `json`.
        let raw = json::member(body, "signature")
            .map_err(|_| bad)?
            .ok_or(bad)?;
        serde_json::from_slice::<SignatureFields<'_>>(raw).map_err(|_| bad)?
    } else {
        let (mut timestamp, mut token, mut signature) = (None, None, None);
        // Only the three fields are decoded: a name too long to be one of them even fully
        // %-escaped is skipped as it is, and other values are never decoded.
        for piece in body.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
            let name = piece.split(|&b| b == b'=').next().unwrap_or_default();
            if name.len() > 3 * "signature".len() {
                continue;
            }
            let Some((name, _)) = form_urlencoded::parse(name).next() else {
                continue;
            };
            let slot = match &*name {
                "timestamp" => &mut timestamp,
                "token" => &mut token,
                "signature" => &mut signature,
                _ => continue,
            };
            let value = form_urlencoded::parse(piece)
                .next()
                .map(|(_, v)| v)
                .unwrap_or_default();
            if slot.replace(value).is_some() {
                return Err(bad);
            }
        }
        SignatureFields {
            timestamp: timestamp.ok_or(bad)?,
            token: token.ok_or(bad)?,
            signature: signature.ok_or(bad)?,
        }
    };
    if fields.token.is_empty() || fields.token.len() > MAX_TOKEN_LEN {
        return Err(bad);
    }
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_from_json_and_form() {
        let json = br#"{"signature":{"timestamp":"1","token":"t","signature":"s"}}"#;
        let f = fields(json).unwrap();
        assert_eq!((&*f.timestamp, &*f.token, &*f.signature), ("1", "t", "s"));
        let spaced =
            b"\r\n {\"signature\":{\"timestamp\":\"1\",\"token\":\"t\",\"signature\":\"s\"}}";
        assert_eq!(&*fields(spaced).unwrap().token, "t");
        let f = fields(b"timestamp=1&token=t&signature=s&x=y").unwrap();
        assert_eq!((&*f.timestamp, &*f.token), ("1", "t"));
        assert!(fields(b"timestamp=1&token=t&signature=s&token=u").is_err());
        assert!(fields(br#"{"signature":{"timestamp":1,"token":"t","signature":"s"}}"#).is_err());
        assert!(
            fields(
                br#"{"signature":{"timestamp":"1","token":"t","signature":"s"},"signature":{}}"#
            )
            .is_err()
        );
        assert!(fields(b"{").is_err());
        assert!(fields(b"").is_err());
    }

    #[test]
    fn token_length_is_bounded() {
        let body = |n: usize| format!("timestamp=1&token={}&signature=s", "t".repeat(n));
        assert!(fields(body(MAX_TOKEN_LEN).as_bytes()).is_ok());
        assert!(fields(body(MAX_TOKEN_LEN + 1).as_bytes()).is_err());
        assert!(fields(body(0).as_bytes()).is_err());
    }
}
