use std::borrow::Cow;

use serde::de::Deserializer;

use super::{json, one};
use crate::rejection::RejectionKind;
use crate::scheme::format::{self, TagLen};
use crate::scheme::message::{Alternative, Payload, RequestView, Signed, Written};
use crate::scheme::{Encoding, KeyFormat, Scheme, Signature, SignatureFormat};

/// Adyen standard webhooks (payments): the HMAC signature is **in the body**, in
/// `notificationItems[0].NotificationRequestItem.additionalData.hmacSignature`, as base64
/// HMAC-SHA256 (hex-decoded HMAC key) of the item's fields joined with `:`
/// ([docs](https://docs.adyen.com/development-resources/webhooks/verify-hmac-signatures)):
///
/// `pspReference:originalReference:merchantAccountCode:merchantReference:amount.value:amount.currency:eventCode:success`
///
/// An absent field is empty; `amount.value` is the JSON integer in decimal. The key is the
/// webhook's **HMAC key** from the Customer Area (64 hex characters, either case). No header,
/// no timestamp (the replay guard keys on the signed string, which holds `pspReference`,
/// `eventCode` and `success`). Body limit 1 MiB (none documented). No handshake.
///
/// **Only the listed fields are signed**: `eventDate`, `paymentMethod`, `reason`,
/// `operations` and the rest of `additionalData` are not authenticated. And the values are
/// joined unescaped, so a `:` moved from one field into its neighbour (`merchantAccountCode`
/// `"A:B"` and `merchantReference` `"C"` versus `"A"` and `"B:C"`) keeps the signature: that
/// is Adyen's scheme.
///
/// Differences from Adyen's SDKs (`Adyen.util.is_valid_hmac_notification`, `@adyen/api-library`
/// `HmacValidator.validateHMAC`), which check the first item only: a body with **more than one
/// item is refused** (`malformed_body`). Every item carries its own signature and a verifier
/// could only accept the delivery if all of them verify, which this crate's model (one message
/// per delivery) does not express, so a batch is refused rather than half verified (Adyen's
/// examples carry one item). Fields are read strictly:
/// the signed fields must be JSON strings (a JSON `true` for `success`, or `null`, is refused),
/// `amount` must be present with an integer `value` and a string `currency`, a duplicated
/// member is refused, and the signature must be canonical, padded base64. The JSON is read
/// without building a tree: only these fields are kept.
///
/// For the Balance Platform and Management API webhooks, which sign the body in a header, use
/// [`adyen_platform`].
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let key = Secret::new("44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056")?;
/// let layer = WebhookLayer::new(providers::adyen(), Keyring::from(key))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn adyen() -> Scheme {
    Scheme::preset("adyen", one("hmacsignature"), SignatureFormat::bare())
        .signature(Signature::Payload { header: None })
        .reading(NotificationItem)
        .enc(Encoding::Base64)
        .key(KeyFormat::Hex)
}

/// Adyen Balance Platform, Management API and other newer webhooks:
/// `HmacSignature: <base64 HMAC-SHA256(key, body)>`, the key being the webhook's HMAC key
/// (hex, either case), as Adyen's SDKs check it (`Adyen.util.is_valid_hmac_payload`,
/// `HmacValidator.validateHMACSignature`).
///
/// The raw body is signed; no timestamp is (the body's own `timestamp` field is not checked),
/// so pair it with a replay guard. Standard, padded base64, compared in constant time. Body
/// limit 1 MiB (none documented). No handshake. For the payments (standard) webhooks, whose
/// signature is in the body, use [`adyen`].
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let key = Secret::new("7A3C9E1B5D2F4A6C8E0B1D3F5A7C9E1B3D5F7A9C1E3B5D7F9A1C3E5B7D9F1A3C")?;
/// let layer = WebhookLayer::new(providers::adyen_platform(), Keyring::from(key))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn adyen_platform() -> Scheme {
    Scheme::preset(
        "adyen-platform",
        one("hmacsignature"),
        SignatureFormat::bare(),
    )
    .enc(Encoding::Base64)
    .key(KeyFormat::Hex)
}

/// The signing string of the body's one notification item, and its signature.
struct NotificationItem;

impl Payload for NotificationItem {
    fn describe(&self) -> &'static str {
        "notificationItems[0]: {pspReference}:{originalReference}:{merchantAccountCode}:{merchantReference}:{amount.value}:{amount.currency}:{eventCode}:{success}"
    }

    fn read(&self, _: &RequestView<'_>, body: &[u8]) -> Result<Signed, RejectionKind> {
        let item = item(body)?;
        let head = signing_string(&item).into_bytes();
        let signature = item.hmac_signature.ok_or(RejectionKind::MalformedBody)?;
        // Strictly decoded like any header signature: canonical, padded base64 of 32 bytes.
        let candidate = format::decode(&signature, Encoding::Base64, TagLen::Exact(32))
            .map(|tag| tag.as_slice().to_vec());
        Ok(Signed {
            alternatives: vec![Alternative {
                head,
                candidates: candidate.into_iter().collect(),
                ..Alternative::default()
            }],
            ..Signed::default()
        })
    }

    /// Writes `additionalData.hmacSignature` into the body's one item (the body is written
    /// again, compactly).
    fn sign(
        &self,
        _: &RequestView<'_>,
        body: &[u8],
        _stamp: &str,
        sign: &dyn Fn(&[u8]) -> String,
    ) -> Result<Written, &'static str> {
        const NOT_ADYEN: &str = "an Adyen body is a JSON object whose notificationItems holds one NotificationRequestItem";
        let signature = sign(signing_string(&item(body).map_err(|_| NOT_ADYEN)?).as_bytes());
        let mut document: serde_json::Value =
            serde_json::from_slice(body).map_err(|_| NOT_ADYEN)?;
        let item = document
            .get_mut("notificationItems")
            .and_then(|items| items.get_mut(0))
            .and_then(|wrapper| wrapper.get_mut("NotificationRequestItem"))
            .and_then(serde_json::Value::as_object_mut)
            .ok_or(NOT_ADYEN)?;
        let data = item
            .entry("additionalData")
            .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
        let data = data.as_object_mut().ok_or(NOT_ADYEN)?;
        data.insert("hmacSignature".to_owned(), signature.into());
        Ok(Written {
            headers: Vec::new(),
            body: Some(serde_json::to_vec(&document).map_err(|_| NOT_ADYEN)?),
        })
    }
}

/// `pspReference:originalReference:merchantAccountCode:merchantReference:value:currency:eventCode:success`.
fn signing_string(f: &Item<'_>) -> String {
    let text = |t: &Text<'_>| t.0.as_deref().unwrap_or_default().to_owned();
    [
        text(&f.psp_reference),
        text(&f.original_reference),
        text(&f.merchant_account_code),
        text(&f.merchant_reference),
        f.amount.value.to_string(),
        f.amount.currency.to_string(),
        text(&f.event_code),
        text(&f.success),
    ]
    .join(":")
}

/// The one notification item of an Adyen body, read by structure (`json::members`): only the
/// signed members and the signature are parsed, every other member of the body, of the item,
/// of its `amount` and of its `additionalData` is skipped unparsed — a forger may add any amount
/// of data anywhere.
fn item(body: &[u8]) -> Result<Item<'_>, RejectionKind> {
    let items = present(json::member(body, "notificationItems").map_err(malformed)?)?;
    // An array of exactly one object: `member` refuses anything else in it.
    let wrapper = json::array_contents(items).map_err(malformed)?;
    let item = present(json::member(wrapper, "NotificationRequestItem").map_err(malformed)?)?;
    let [
        psp,
        original,
        account,
        reference,
        amount,
        event,
        success,
        data,
    ] = json::members(
        item,
        [
            "pspReference",
            "originalReference",
            "merchantAccountCode",
            "merchantReference",
            "amount",
            "eventCode",
            "success",
            "additionalData",
        ],
    )
    .map_err(malformed)?;
    let [value, currency] =
        json::members(present(amount)?, ["value", "currency"]).map_err(malformed)?;
    let signature = match data {
        Some(data) => json::member(data, "hmacSignature").map_err(malformed)?,
        None => None,
    };
    let text = |raw| json::parse::<Text<'_>>(raw).map(Option::unwrap_or_default);
    let read = || -> Result<Item<'_>, json::NotAnObject> {
        Ok(Item {
            psp_reference: text(psp)?,
            original_reference: text(original)?,
            merchant_account_code: text(account)?,
            merchant_reference: text(reference)?,
            amount: Amount {
                value: json::parse(value)?.ok_or(json::NotAnObject)?,
                currency: json::parse(currency)?.ok_or(json::NotAnObject)?,
            },
            event_code: text(event)?,
            success: text(success)?,
            hmac_signature: json::parse(signature)?,
        })
    };
    read().map_err(malformed)
}

/// A member that must be there.
fn present(found: Option<&[u8]>) -> Result<&[u8], RejectionKind> {
    found.ok_or(RejectionKind::MalformedBody)
}

/// Any error reading the body: it is not an Adyen notification.
fn malformed<E>(_: E) -> RejectionKind {
    RejectionKind::MalformedBody
}

/// A string member that may be absent (then empty in the signing string), never `null` or
/// another type.
#[derive(Default)]
struct Text<'a>(Option<Cow<'a, str>>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Cow::<'a, str>::deserialize(deserializer).map(|text| Self(Some(text)))
    }
}

/// The members of a `NotificationRequestItem` this scheme reads: the signed ones and
/// `additionalData.hmacSignature` (the others are skipped, not kept).
struct Item<'a> {
    psp_reference: Text<'a>,
    original_reference: Text<'a>,
    merchant_account_code: Text<'a>,
    merchant_reference: Text<'a>,
    amount: Amount<'a>,
    event_code: Text<'a>,
    success: Text<'a>,
    /// `additionalData.hmacSignature`.
    hmac_signature: Option<Cow<'a, str>>,
}

struct Amount<'a> {
    value: i64,
    currency: Cow<'a, str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(item: &str) -> String {
        format!(r#"{{"live":"false","notificationItems":[{{"NotificationRequestItem":{item}}}]}}"#)
    }

    #[test]
    fn signing_string_follows_adyen() {
        let b = body(
            r#"{"amount":{"value":1130,"currency":"EUR"},"pspReference":"7914073381342284","eventCode":"AUTHORISATION","merchantAccountCode":"TestMerchant","merchantReference":"TestPayment-1407325143704","success":"true","additionalData":{"hmacSignature":"x"}}"#,
        );
        let parsed = item(b.as_bytes()).unwrap();
        assert_eq!(
            signing_string(&parsed),
            "7914073381342284::TestMerchant:TestPayment-1407325143704:1130:EUR:AUTHORISATION:true"
        );
    }

    #[test]
    fn strict_fields() {
        let ok = r#"{"amount":{"value":-5,"currency":"EUR"},"success":"false"}"#;
        let b = body(ok);
        let item = item(b.as_bytes()).unwrap();
        assert_eq!(signing_string(&item), "::::-5:EUR::false");
        for bad in [
            r#"{"amount":{"value":1,"currency":"EUR"},"success":true}"#,
            r#"{"amount":{"value":1,"currency":"EUR"},"pspReference":null}"#,
            r#"{"amount":{"value":1.0,"currency":"EUR"}}"#,
            r#"{"amount":{"value":1}}"#,
            r#"{"success":"true"}"#,
            r#"{"amount":{"value":1,"currency":"EUR"},"eventCode":"A","eventCode":"B"}"#,
        ] {
            assert!(super::item(body(bad).as_bytes()).is_err(), "{bad}");
        }
        let two = r#"{"live":"false","notificationItems":[{"NotificationRequestItem":{"amount":{"value":1,"currency":"EUR"}}},{"NotificationRequestItem":{}}]}"#;
        assert!(super::item(two.as_bytes()).is_err());
        assert!(super::item(br#"{"notificationItems":[]}"#).is_err());
        assert!(super::item(b"[]").is_err());
    }

    #[test]
    fn unsigned_data_anywhere_is_skipped_and_the_signed_fields_still_read() {
        let pad = format!("[{}1]", "1,".repeat(1000));
        let item = format!(
            r#"{{"pad":{pad},"amount":{{"pad":{pad},"value":7,"currency":"EUR"}},"pspReference":"p","additionalData":{{"pad":{pad},"hmacSignature":"s"}},"success":"true"}}"#
        );
        let padded = format!(
            r#"{{"pad":{pad},"notificationItems":[{{"pad":{pad},"NotificationRequestItem":{item}}}]}}"#
        );
        let read = super::item(padded.as_bytes()).unwrap();
        assert_eq!(signing_string(&read), "p::::7:EUR::true");
        assert_eq!(read.hmac_signature.as_deref(), Some("s"));
    }
}
