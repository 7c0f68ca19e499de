//! Signed bytes and fields that come from parsing the body (Twilio, Mailgun, Linear,
//! WooCommerce's ping). Shared by the verifier and the signer.
//!
//! Everything here reads attacker-controlled bytes: no panics, work linear in the body (which
//! the layer has already bounded), strict field types.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

use crate::rejection::RejectionKind;

/// Twilio's parameter string for `url` and `body`: for a form body, each decoded parameter name
/// followed by each of its distinct values, names and values in sorted order (the
/// `sorted(set(…))` of twilio-python's `compute_signature`). When the URL's query carries
/// `bodySHA256` (JSON bodies), the body must hash to it (lowercase hex SHA-256) and the
/// parameter string is empty: the URL alone is signed.
pub(crate) fn twilio_params(url: &str, body: &[u8]) -> Result<Vec<u8>, RejectionKind> {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let declared = form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "bodySHA256")
        .map(|(_, v)| v);
    if let Some(declared) = declared {
        let actual = hex::encode(Sha256::digest(body));
        return if bool::from(actual.as_bytes().ct_eq(declared.as_bytes())) {
            Ok(Vec::new())
        } else {
            Err(RejectionKind::SignatureMismatch)
        };
    }
    let mut params: BTreeMap<Cow<'_, str>, BTreeSet<Cow<'_, str>>> = BTreeMap::new();
    for (name, value) in form_urlencoded::parse(body) {
        params.entry(name).or_default().insert(value);
    }
    let mut out = Vec::with_capacity(body.len());
    for (name, values) in &params {
        for value in values {
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(value.as_bytes());
        }
    }
    Ok(out)
}

/// The signature fields of a Mailgun delivery.
pub(crate) struct MailgunFields {
    pub(crate) timestamp: String,
    pub(crate) token: String,
    pub(crate) signature: String,
}

/// Longest Mailgun token accepted (Mailgun's are 50 characters).
const MAX_TOKEN_LEN: usize = 512;

/// Reads `signature.{timestamp,token,signature}` from a JSON body (one starting with `{`), or
/// the `timestamp`, `token` and `signature` fields of a form body. Each must be a string and
/// appear once.
pub(crate) fn mailgun_fields(body: &[u8]) -> Result<MailgunFields, RejectionKind> {
    let bad = RejectionKind::MalformedBody;
    let (timestamp, token, signature) = if body.first() == Some(&b'{') {
        let value: serde_json::Value = serde_json::from_slice(body).map_err(|_| bad)?;
        let sig = value.get("signature").ok_or(bad)?;
        let field = |name: &str| {
            sig.get(name)
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
                .ok_or(bad)
        };
        (field("timestamp")?, field("token")?, field("signature")?)
    } else {
        let (mut timestamp, mut token, mut signature) = (None, None, None);
        for (name, value) in form_urlencoded::parse(body) {
            let slot = match &*name {
                "timestamp" => &mut timestamp,
                "token" => &mut token,
                "signature" => &mut signature,
                _ => continue,
            };
            if slot.replace(value.into_owned()).is_some() {
                return Err(bad);
            }
        }
        (
            timestamp.ok_or(bad)?,
            token.ok_or(bad)?,
            signature.ok_or(bad)?,
        )
    };
    if token.is_empty() || token.len() > MAX_TOKEN_LEN {
        return Err(bad);
    }
    Ok(MailgunFields {
        timestamp,
        token,
        signature,
    })
}

/// A top-level JSON number field of the body, as non-negative integer milliseconds (Linear's
/// `webhookTimestamp`). Strings, fractions, negatives and a missing field are refused.
pub(crate) fn json_millis(body: &[u8], field: &str) -> Result<u64, RejectionKind> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| RejectionKind::InvalidTimestamp)?;
    value
        .get(field)
        .and_then(serde_json::Value::as_u64)
        .ok_or(RejectionKind::InvalidTimestamp)
}

/// Whether `body` is exactly WooCommerce's creation ping, `webhook_id=<1 to 20 digits>`.
pub(crate) fn is_woocommerce_ping(body: &[u8]) -> bool {
    body.strip_prefix(b"webhook_id=")
        .is_some_and(|id| (1..=20).contains(&id.len()) && id.iter().all(u8::is_ascii_digit))
}

/// The JSON a verified Zoom `endpoint.url_validation` event is answered with, given a function
/// computing the hex HMAC of the plain token; `None` for any other body.
pub(crate) fn zoom_url_validation(
    body: &[u8],
    hmac_hex: impl FnOnce(&[u8]) -> Option<String>,
) -> Option<Vec<u8>> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    if value.get("event")?.as_str()? != "endpoint.url_validation" {
        return None;
    }
    let plain = value.get("payload")?.get("plainToken")?.as_str()?;
    if plain.is_empty() || plain.len() > MAX_TOKEN_LEN {
        return None;
    }
    let encrypted = hmac_hex(plain.as_bytes())?;
    serde_json::to_vec(&serde_json::json!({
        "plainToken": plain,
        "encryptedToken": encrypted,
    }))
    .ok()
}

/// Whether a verified Discord interaction is a PING (`"type": 1`).
pub(crate) fn is_discord_ping(body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("type").and_then(serde_json::Value::as_u64))
        == Some(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twilio_params_sort_and_deduplicate_decoded_values() {
        let p = twilio_params("https://x/y", b"b=2&a=1&b=1&b=2&c=&d=%2B1+2").unwrap();
        assert_eq!(p, b"a1b1b2cd+1 2");
        assert_eq!(twilio_params("https://x/y", b"").unwrap(), b"");
    }

    #[test]
    fn twilio_body_hash_replaces_params() {
        let body = b"{}";
        let hash = hex::encode(Sha256::digest(body));
        let url = format!("https://x/y?bodySHA256={hash}");
        assert_eq!(twilio_params(&url, body).unwrap(), b"");
        assert_eq!(
            twilio_params(&url, b"{ }"),
            Err(RejectionKind::SignatureMismatch)
        );
        let upper = format!("https://x/y?bodySHA256={}", hash.to_uppercase());
        assert!(twilio_params(&upper, body).is_err());
    }

    #[test]
    fn mailgun_fields_from_json_and_form() {
        let json = br#"{"signature":{"timestamp":"1","token":"t","signature":"s"}}"#;
        let f = mailgun_fields(json).unwrap();
        assert_eq!((&*f.timestamp, &*f.token, &*f.signature), ("1", "t", "s"));
        let f = mailgun_fields(b"timestamp=1&token=t&signature=s&x=y").unwrap();
        assert_eq!((&*f.timestamp, &*f.token), ("1", "t"));
        assert!(mailgun_fields(b"timestamp=1&token=t&signature=s&token=u").is_err());
        assert!(
            mailgun_fields(br#"{"signature":{"timestamp":1,"token":"t","signature":"s"}}"#)
                .is_err()
        );
        assert!(mailgun_fields(b"{").is_err());
        assert!(mailgun_fields(b"").is_err());
    }

    #[test]
    fn json_millis_is_strict() {
        assert_eq!(
            json_millis(br#"{"t":1700000000000}"#, "t"),
            Ok(1_700_000_000_000)
        );
        for bad in [
            &br#"{"t":"1"}"#[..],
            br#"{"t":-1}"#,
            br#"{"t":1.5}"#,
            br#"{}"#,
            b"",
            b"[1]",
        ] {
            assert!(json_millis(bad, "t").is_err());
        }
    }

    #[test]
    fn woocommerce_ping_shape() {
        assert!(is_woocommerce_ping(b"webhook_id=12"));
        for bad in [
            &b"webhook_id="[..],
            b"webhook_id=12&x=1",
            b"webhook_id=a",
            b" webhook_id=1",
        ] {
            assert!(!is_woocommerce_ping(bad));
        }
    }
}
