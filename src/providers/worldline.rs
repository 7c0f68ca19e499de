use std::sync::Arc;

use http::{HeaderName, Method};

use super::challenge::echo;
use super::one;
use crate::scheme::headers;
use crate::scheme::hooks::{Handshake, KeyedMac, Reply};
use crate::scheme::message::RequestView;
use crate::scheme::{Encoding, Scheme, SignatureFormat};

/// The endpoint-verification header.
const VERIFICATION: HeaderName = HeaderName::from_static("x-gcs-webhooks-endpoint-verification");

/// Worldline (Direct, and Connect — formerly GlobalCollect / Ingenico ePayments):
/// `X-GCS-Signature: <base64 HMAC-SHA256(secret key, body)>` with `X-GCS-KeyId`
/// ([docs](https://docs.connect.worldline-solutions.com/documentation/webhooks/)).
///
/// - **Signed:** the raw body. No timestamp (the event's `created` is signed, not checked); the
///   body's `id` identifies the event.
/// - **Key:** the webhooks **secret key** (Merchant Portal / Configuration Center → Webhooks), as
///   text. Worldline names the key it signed with in `X-GCS-KeyId`; this preset does not read it:
///   every active key of the keyring is tried, so keep both keys in the keyring while you rotate.
///   Worldline's SDKs also refuse a delivery whose `X-GCS-KeyId` is missing or names no stored
///   key; here such a delivery verifies when its signature matches a configured key.
/// - **Encoding:** standard, padded, canonical base64, in exactly one `X-GCS-Signature` header
///   (two are refused, as the SDKs do), compared in constant time. Verified like
///   `onlinepayments-sdk-python3` / `connect-sdk-python3` `SignatureValidator.validate`.
/// - **Window:** none. **Body limit:** 1 MiB (undocumented).
/// - **Handshake:** Worldline Connect verifies an endpoint with an unsigned `GET` carrying
///   `X-GCS-Webhooks-Endpoint-Verification: <value>` and expects the value echoed as the body.
///   With [`Scheme::answer_handshakes`] the layer answers it (`200`, `text/plain`,
///   `X-Content-Type-Options: nosniff`; the handler is not called) when the header appears once
///   and its value is 1 to 256 ASCII letters, digits or `-._~+/=`; otherwise the GET is refused
///   like any unsigned request. The GET must reach the layer (`post(handler).layer(layer)` or
///   `Router::route_layer`, not `MethodRouter::route_layer`). Worldline Direct's own endpoint
///   check is not documented here.
///
/// ```
/// use std::time::SystemTime;
/// use webhook_guard::{providers, Keyring, Secret, Verifier};
///
/// let worldline = providers::worldline().answer_handshakes();
/// let verifier = Verifier::new(worldline, Keyring::from(Secret::new("worldline secret key")?))?;
/// let get = http::Request::get("/webhooks/worldline")
///     .header("X-GCS-Webhooks-Endpoint-Verification", "7b7c3c1c-4f4b-4a57-9e8a-0d1f7f6d4b2e")
///     .body(Vec::new())?;
/// let answer = verifier.handshake(&get, SystemTime::now()).expect("answered");
/// assert_eq!(&answer.body()[..], b"7b7c3c1c-4f4b-4a57-9e8a-0d1f7f6d4b2e");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn worldline() -> Scheme {
    Scheme::preset("worldline", one("x-gcs-signature"), SignatureFormat::bare())
        .enc(Encoding::Base64)
        .handshake(Arc::new(EndpointVerification))
}

/// Echoes Worldline's endpoint-verification header.
struct EndpointVerification;

impl Handshake for EndpointVerification {
    fn recognise(&self, request: &RequestView<'_>) -> Option<usize> {
        (request.method == Method::GET && request.headers.contains_key(VERIFICATION)).then_some(0)
    }

    fn unsigned(&self, request: &RequestView<'_>, _: &[u8], _: KeyedMac<'_>) -> Option<Reply> {
        let (_, value) = headers::once(request.headers, &VERIFICATION).ok()??;
        echo(value).map(Reply::Answer)
    }
}
