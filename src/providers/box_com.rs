use std::borrow::Cow;
use std::time::Duration;

use http::HeaderName;

use super::one;
use crate::scheme::message::Part;
use crate::scheme::time::{TimeFormat, Window};
use crate::scheme::{
    Declared, DeclaredValue, Encoding, Scheme, Signature, SignatureFormat, TimestampSource,
};

/// The two signature headers: one per signature key.
const HEADERS: &[&str] = &["box-signature-primary", "box-signature-secondary"];

/// What is signed: the body, then the timestamp text, with nothing between.
const SIGNED: &[Part] = &[Part::Body, Part::Timestamp];

/// Box: `BOX-SIGNATURE-PRIMARY` and `BOX-SIGNATURE-SECONDARY`, each
/// `<base64 HMAC-SHA256(key, "{body}{t}")>` under one of the app's two signature keys, with
/// `BOX-DELIVERY-TIMESTAMP: <RFC 3339 time>` and `BOX-SIGNATURE-ALGORITHM: HmacSHA256`, as
/// Box's SDKs check them. Registered as `box` (`box` is a Rust keyword, hence the function's
/// name).
///
/// The keys are the app's **primary and secondary signature keys** (Developer Console → app →
/// Webhooks → Manage signature keys), as text: put both in the keyring, so that either key can
/// be rotated while the other still verifies. The raw body is signed, **then** the timestamp
/// text exactly as sent (`2023-11-14T14:13:15-08:00`). Standard, padded base64. Body limit
/// 1 MiB (none documented). No handshake.
///
/// Box's SDK (`boxsdk` `WebhooksManager.validate_message`) checks the primary header with the
/// primary key only and the secondary header with the secondary key only. Here **each header is
/// checked against every key of the keyring**: a keyring does not say which key is which, and a
/// signature that matches one of your keys is authentic whichever header carries it. The SDK
/// also requires `BOX-SIGNATURE-VERSION: 1`; this preset checks `BOX-SIGNATURE-ALGORITHM` but
/// not the version (a scheme declares one header), and a signature of another version cannot
/// match anyway. The SDK additionally accepts a signature over the body with non-ASCII
/// characters re-escaped as `\uXXXX`; here only the raw bytes are verified.
///
/// Window 600 s in the past, as the SDK, and **1 s** in the future, where the SDK allows none
/// (the smallest allowance a window takes; widen it with [`Scheme::tolerance_future`] if your
/// clock lags Box's).
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let keys = Keyring::new()
///     .key("primary", Secret::new("box primary signature key")?)
///     .key("secondary", Secret::new("box secondary signature key")?);
/// let layer = WebhookLayer::new(providers::box_com(), keys)?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn box_com() -> Scheme {
    Scheme::preset("box", one("box-signature-primary"), SignatureFormat::bare())
        .signature(Signature::Headers {
            names: Cow::Owned(HEADERS.iter().map(|n| HeaderName::from_static(n)).collect()),
            format: SignatureFormat::bare(),
        })
        .enc(Encoding::Base64)
        .signing(SIGNED)
        .stamp(TimestampSource::Header(
            one("box-delivery-timestamp"),
            TimeFormat::Rfc3339,
        ))
        .window(Window::Enforce {
            past: Duration::from_secs(600),
            future: Duration::from_secs(1),
        })
        .declares(Declared {
            header: one("box-signature-algorithm"),
            value: DeclaredValue::Exact("HmacSHA256"),
        })
}
