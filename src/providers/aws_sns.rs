use std::borrow::Cow;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::{json, one};
use crate::rejection::RejectionKind;
use crate::scheme::TimestampSource;
use crate::scheme::message::{Alternative, Payload, RequestView, Signed};
use crate::scheme::remote::{KeyLocation, RemoteKey, pem_certificate, strict_https};
use crate::scheme::time::{TimeFormat, Window};
use crate::scheme::{Algorithm, Encoding, KeyFormat, Scheme, Signature, SignatureFormat};

/// Amazon SNS HTTP/S subscriptions: the signature is **in the JSON body** (`Signature`, base64
/// RSA PKCS#1 v1.5), over a canonical string of the message's fields, checked with the public
/// key of the X.509 certificate at the body's `SigningCertURL`
/// ([docs](https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html)).
///
/// * **Signed bytes**: for each signed field present, `Name\nValue\n`, values JSON-decoded, in
///   this order: for a `Notification`, `Message`, `MessageId`, `Subject` (only if present),
///   `Timestamp`, `TopicArn`, `Type`; for a `SubscriptionConfirmation` or
///   `UnsubscribeConfirmation`, `Message`, `MessageId`, `SubscribeURL`, `Timestamp`, `Token`,
///   `TopicArn`, `Type`. Other types, and notifications carrying a `SubscribeURL` or `Token`
///   (which AWS never sends in one), are refused. The body bytes themselves are not signed.
/// * **Algorithm**: `SignatureVersion` `1` is RSA with SHA-1, `2` RSA with SHA-256; any other
///   version is refused. The version is not signed, so whoever can rewrite a delivery can make
///   a version 2 message claim version 1; it still needs AWS's SHA-1 signature of the same
///   fields.
/// * **Key**: the certificate at `SigningCertURL`, fetched at run time by a layer built with
///   [`WebhookLayer::with_key_fetcher`](crate::WebhookLayer::with_key_fetcher), or pinned:
///   give the certificate's PEM as the key ([`KeyFormat::CertificatePem`]). Either way the URL
///   must pass the allow-list, or the delivery is refused (401 `untrusted_key_location`) and
///   nothing is fetched: `https`, host `sns.<region>.amazonaws.com` or
///   `sns.<region>.amazonaws.com.cn` (any case), no port, no userinfo, a path ending in `.pem`,
///   no query, no fragment.
/// * **Window**: `Timestamp` (RFC 3339, signed) may be up to 3600 s old (SNS redelivers the
///   same signed message under its retry policy) and 300 s in the future. AWS's validator
///   checks no age.
/// * **Handshake**: a `SubscriptionConfirmation` is verified like any message and handed to
///   your handler as verified: the layer **never** visits `SubscribeURL` itself. Confirm it in
///   your handler (an HTTPS GET of `SubscribeURL`, after checking its host like the
///   certificate's, or the `ConfirmSubscription` API with `Token`) when the `TopicArn` is one
///   you expect.
/// * **Topics**: AWS signs every topic's messages with the same certificates, so a verified
///   message proves it came from SNS, **not** from your topic: anyone can subscribe your
///   endpoint to a topic of theirs. Use [`aws_sns_for_topics`], or check `TopicArn` in the
///   handler.
/// * Body limit 1 MiB (SNS messages are at most 256 KiB, escaped in JSON).
/// * Differences with AWS's `sns-validator` 0.3.5 (strict reading): the `.pem` suffix is
///   checked on the URL's path, not on path and query (`…/?x=cert.pem` passes there); an
///   `UnsubscribeConfirmation` is checked with the fields AWS documents (the validator uses the
///   `Notification` list for it and refuses what AWS signs); a timestamp older than an hour is
///   refused.
///
/// ```
/// # #[cfg(feature = "rsa")] {
/// use std::time::{Duration, UNIX_EPOCH};
/// use webhook_guard::{providers, Keyring, Secret, Verifier};
/// # let fixture: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/aws-sns.json"))?)?;
/// # let case = &fixture["cases"][0];
/// # let (certificate_pem, body) = (case["certificate"].as_str().unwrap(), case["body"].as_str().unwrap());
///
/// // A certificate pinned instead of fetched: no network at all.
/// let verifier = Verifier::new(providers::aws_sns(), Keyring::from(Secret::new(certificate_pem)?))?;
/// let delivery = http::Request::post("/sns").body(body)?;
/// let verified = verifier.verify(&delivery, UNIX_EPOCH + Duration::from_secs(1_700_000_000))?;
/// assert_eq!(verified.provider(), "aws-sns");
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Fetching certificates as deliveries name them (with the `fetch` feature,
/// [`HttpsFetcher`](crate::keys::HttpsFetcher) fetches them over HTTPS; any
/// [`KeyFetcher`](crate::keys::KeyFetcher) will do — here, offline, one that serves a
/// certificate from memory):
///
/// ```
/// # #[cfg(all(feature = "rsa", feature = "axum"))] {
/// use axum::{body::Body, routing::post, Router};
/// use tower::ServiceExt as _;
/// use webhook_guard::keys::{FetchError, KeyLocation};
/// use webhook_guard::{providers, Clock, Verified, WebhookLayer};
/// # let fixture: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/aws-sns.json"))?)?;
/// # let case = &fixture["cases"][0];
/// # let (certificate_pem, body) = (case["certificate"].as_str().unwrap().to_owned(), case["body"].as_str().unwrap().to_owned());
///
/// let layer = WebhookLayer::with_key_fetcher(providers::aws_sns(), move |location: KeyLocation| {
///     // Only an allow-listed https://sns.<region>.amazonaws.com/….pem gets here.
///     assert!(location.as_str().starts_with("https://sns.us-west-2.amazonaws.com/"));
///     let pem = certificate_pem.clone();
///     async move { Ok::<_, FetchError>(pem.into_bytes()) }
/// })?
/// # .clock(Clock::manual_at_unix(1_700_000_000))
/// ;
/// let app = Router::new()
///     .route("/sns", post(|v: Verified| async move { v.key_label().to_owned() }))
///     .route_layer(layer);
///
/// let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
/// let response = runtime.block_on(app.oneshot(http::Request::post("/sns").body(Body::from(body))?))?;
/// assert_eq!(response.status(), 200);
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn aws_sns() -> Scheme {
    sns(None)
}

/// [`aws_sns`] accepting only messages of the given topics (`TopicArn`, exact): a message of
/// any other topic is refused (401 `signature_mismatch`) before its certificate is fetched.
///
/// ```
/// # #[cfg(feature = "rsa")] {
/// use webhook_guard::{providers, Keyring, Secret, Verifier};
///
/// let sns = providers::aws_sns_for_topics(["arn:aws:sns:us-west-2:123456789012:MyTopic"]);
/// assert_eq!(sns.name(), "aws-sns");
/// # }
/// ```
#[must_use]
pub fn aws_sns_for_topics<I, T>(topics: I) -> Scheme
where
    I: IntoIterator<Item = T>,
    T: Into<String>,
{
    sns(Some(topics.into_iter().map(Into::into).collect()))
}

fn sns(topics: Option<Vec<String>>) -> Scheme {
    Scheme::preset(
        "aws-sns",
        one("x-amz-sns-message-type"),
        SignatureFormat::bare(),
    )
    .signature(Signature::Payload { header: None })
    .reading(Message)
    .algo(Algorithm::RsaPkcs1Sha256)
    .enc(Encoding::Base64)
    .key(KeyFormat::CertificatePem)
    .stamp(TimestampSource::Body(TimeFormat::Rfc3339))
    .window(Window::Enforce {
        past: Duration::from_secs(3600),
        future: Duration::from_secs(300),
    })
    .fetches(CertificateUrl { topics })
}

/// The fields of an SNS message, JSON-decoded; each a string, at most once.
struct Fields<'a> {
    kind: Cow<'a, str>,
    message: Cow<'a, str>,
    message_id: Cow<'a, str>,
    subject: Option<Cow<'a, str>>,
    subscribe_url: Option<Cow<'a, str>>,
    timestamp: Cow<'a, str>,
    token: Option<Cow<'a, str>>,
    topic_arn: Cow<'a, str>,
    signature_version: Cow<'a, str>,
    signature: Cow<'a, str>,
}

impl<'a> Fields<'a> {
    /// The fields of `body`, found in one pass over the object: its other members are skipped
    /// unparsed (`json::members`), so data a forger adds costs what skipping it costs.
    fn read(body: &'a [u8]) -> Result<Self, RejectionKind> {
        let [
            kind,
            message,
            message_id,
            subject,
            subscribe_url,
            timestamp,
            token,
            topic_arn,
            signature_version,
            signature,
        ] = json::members(
            body,
            [
                "Type",
                "Message",
                "MessageId",
                "Subject",
                "SubscribeURL",
                "Timestamp",
                "Token",
                "TopicArn",
                "SignatureVersion",
                "Signature",
            ],
        )
        .map_err(|_| RejectionKind::MalformedBody)?;
        Ok(Self {
            kind: required(kind)?,
            message: required(message)?,
            message_id: required(message_id)?,
            subject: optional(subject)?,
            subscribe_url: optional(subscribe_url)?,
            timestamp: required(timestamp)?,
            token: optional(token)?,
            topic_arn: required(topic_arn)?,
            signature_version: required(signature_version)?,
            signature: required(signature)?,
        })
    }
}

/// A member that must be a string.
fn required(raw: Option<&[u8]>) -> Result<Cow<'_, str>, RejectionKind> {
    json::parse(raw)
        .ok()
        .flatten()
        .ok_or(RejectionKind::MalformedBody)
}

/// A member that may be absent or `null`, else a string.
fn optional(raw: Option<&[u8]>) -> Result<Option<Cow<'_, str>>, RejectionKind> {
    json::parse::<Option<Cow<'_, str>>>(raw)
        .map(Option::flatten)
        .map_err(|_| RejectionKind::MalformedBody)
}

/// The canonical string of the message's signed fields.
struct Message;

impl Payload for Message {
    fn describe(&self) -> &'static str {
        "Name\\nValue\\n for each signed field of the message (body JSON)"
    }

    fn read(&self, _: &RequestView<'_>, body: &[u8]) -> Result<Signed, RejectionKind> {
        let fields = Fields::read(body)?;
        let head = canonical(&fields).ok_or(RejectionKind::MalformedBody)?;
        let algorithm = match &*fields.signature_version {
            "1" => Algorithm::RsaPkcs1Sha1,
            "2" => Algorithm::RsaPkcs1Sha256,
            _ => return Err(RejectionKind::MalformedBody),
        };
        // Strict base64 (canonical, padded) of an RSA signature of 2048 to 4096 bits.
        let candidate = STANDARD
            .decode(fields.signature.as_bytes())
            .ok()
            .filter(|s| (256..=512).contains(&s.len()));
        Ok(Signed {
            alternatives: vec![Alternative {
                head,
                timestamp: Some(fields.timestamp.into_owned()),
                candidates: candidate.into_iter().collect(),
                algorithm: Some(algorithm),
            }],
            ..Signed::default()
        })
    }
}

/// `Name\nValue\n` for each signed field of the message's type, in AWS's order; `None` for
/// another type or a confirmation without its `SubscribeURL` or `Token`.
fn canonical(fields: &Fields<'_>) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut add = |name: &str, value: &str| {
        for piece in [name, "\n", value, "\n"] {
            out.extend_from_slice(piece.as_bytes());
        }
    };
    add("Message", &fields.message);
    add("MessageId", &fields.message_id);
    match &*fields.kind {
        // AWS never sends these in a notification: one there was added by someone else.
        "Notification" if fields.subscribe_url.is_some() || fields.token.is_some() => return None,
        "Notification" => {
            if let Some(subject) = &fields.subject {
                add("Subject", subject);
            }
        }
        "SubscriptionConfirmation" | "UnsubscribeConfirmation" => {
            add("SubscribeURL", fields.subscribe_url.as_deref()?);
        }
        _ => return None,
    }
    add("Timestamp", &fields.timestamp);
    if fields.kind != "Notification" {
        add("Token", fields.token.as_deref()?);
    }
    add("TopicArn", &fields.topic_arn);
    add("Type", &fields.kind);
    Some(out)
}

/// The certificate named by the body's `SigningCertURL`, on AWS's hosts.
struct CertificateUrl {
    /// The topics accepted, when restricted.
    topics: Option<Vec<String>>,
}

impl RemoteKey for CertificateUrl {
    fn describe(&self) -> &'static str {
        "certificate at the body's SigningCertURL: https://sns.<region>.amazonaws.com[.cn]/….pem"
    }

    fn locate(&self, _: &RequestView<'_>, body: &[u8]) -> Result<KeyLocation, RejectionKind> {
        // One pass over the body, its other members skipped unparsed.
        let [url, topic] = json::members(body, ["SigningCertURL", "TopicArn"])
            .map_err(|_| RejectionKind::MalformedBody)?;
        let named = (required(url)?, required(topic)?);
        if let Some(topics) = &self.topics
            && !topics.iter().any(|t| *t == named.1)
        {
            return Err(RejectionKind::SignatureMismatch);
        }
        allowed(&named.0)
            .map(KeyLocation::Url)
            .ok_or(RejectionKind::UntrustedKeyLocation)
    }

    fn parse(&self, _: &KeyLocation, fetched: &[u8]) -> Option<String> {
        pem_certificate(fetched)
    }
}

/// The certificate URL if it is on the allow-list: `https://sns.<region>.amazonaws.com/…` (or
/// `.amazonaws.com.cn`), the region 3 to 32 letters, digits and dashes, the path ending in
/// `.pem`; nothing else (see [`strict_https`]).
fn allowed(url: &str) -> Option<String> {
    let url = strict_https(url)?;
    let region = url
        .host
        .strip_prefix("sns.")?
        .strip_suffix(".amazonaws.com")
        .or_else(|| {
            url.host
                .strip_prefix("sns.")?
                .strip_suffix(".amazonaws.com.cn")
        })?;
    let region_ok = (3..=32).contains(&region.len())
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    (region_ok && url.path.ends_with(".pem")).then(|| url.to_url())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_urls_are_allow_listed() {
        let good = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123abcd.pem";
        assert_eq!(allowed(good).as_deref(), Some(good));
        assert_eq!(
            allowed("https://SNS.US-EAST-1.AMAZONAWS.COM/SimpleNotificationService-1.pem")
                .as_deref(),
            Some("https://sns.us-east-1.amazonaws.com/SimpleNotificationService-1.pem")
        );
        assert!(allowed("https://sns.cn-north-1.amazonaws.com.cn/x.pem").is_some());
        for bad in [
            "http://sns.us-east-1.amazonaws.com/x.pem",
            "https://sns.us-east-1.amazonaws.com.evil.com/x.pem",
            "https://sns.us-east-1.amazonaws.com.cn.evil.com/x.pem",
            "https://evil.com/sns.us-east-1.amazonaws.com/x.pem",
            "https://sns.us-east-1.evil.amazonaws.com.evil.com/x.pem",
            "https://sqs.us-east-1.amazonaws.com/x.pem",
            "https://sns.amazonaws.com/x.pem",
            "https://sns.eu.amazonaws.com/x.pem",
            "https://sns.us_east.amazonaws.com/x.pem",
            "https://xsns.us-east-1.amazonaws.com/x.pem",
            "https://sns.us-east-1.amazonaws.com/x.pem?x",
            "https://sns.us-east-1.amazonaws.com/?file=x.pem",
            "https://sns.us-east-1.amazonaws.com/x.pem#frag",
            "https://sns.us-east-1.amazonaws.com/x.PEM.txt",
            "https://sns.us-east-1.amazonaws.com/x.crt",
            "https://sns.us-east-1.amazonaws.com:443/x.pem",
            "https://sns.us-east-1.amazonaws.com:8443/x.pem",
            "https://user@sns.us-east-1.amazonaws.com/x.pem",
            "https://evil.com@sns.us-east-1.amazonaws.com/x.pem",
            "https://sns.us-east-1.amazonaws.com@evil.com/x.pem",
            "https://sns.us-east-1.amazonaws.com\\@evil.com/x.pem",
            "https://sns.us-east-1.amazonaws.com/%2e%2e/x.pem",
            "https://sns.us-east-1.amazonaws.com/../x.pem",
            "https://sns.us-east-1.amazonaws.com./x.pem",
        ] {
            assert!(allowed(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn canonical_strings_follow_the_documented_field_lists() {
        let notification = Fields::read(
            r#"{"Type":"Notification","MessageId":"m","TopicArn":"t","Message":"a\nb","Timestamp":"ts","SignatureVersion":"1","Signature":"s","SigningCertURL":"u","UnsubscribeURL":"x"}"#.as_bytes(),
        )
        .unwrap();
        assert_eq!(
            canonical(&notification).unwrap(),
            b"Message\na\nb\nMessageId\nm\nTimestamp\nts\nTopicArn\nt\nType\nNotification\n"
        );
        let unsubscribe = Fields::read(
            r#"{"Type":"UnsubscribeConfirmation","MessageId":"m","TopicArn":"t","Message":"x","Timestamp":"ts","Token":"k","SubscribeURL":"s","SignatureVersion":"2","Signature":"s"}"#.as_bytes(),
        )
        .unwrap();
        assert_eq!(
            canonical(&unsubscribe).unwrap(),
            b"Message\nx\nMessageId\nm\nSubscribeURL\ns\nTimestamp\nts\nToken\nk\nTopicArn\nt\nType\nUnsubscribeConfirmation\n"
        );
        let no_token = Fields::read(
            r#"{"Type":"SubscriptionConfirmation","MessageId":"m","TopicArn":"t","Message":"x","Timestamp":"ts","SubscribeURL":"s","SignatureVersion":"2","Signature":"s"}"#.as_bytes(),
        )
        .unwrap();
        assert!(canonical(&no_token).is_none());
        let other = Fields::read(
            r#"{"Type":"Other","MessageId":"m","TopicArn":"t","Message":"x","Timestamp":"ts","SignatureVersion":"2","Signature":"s"}"#.as_bytes(),
        )
        .unwrap();
        assert!(canonical(&other).is_none());
        // Other members are skipped unparsed, however large; a signed one must be a string.
        let padded = format!(
            r#"{{"pad":[{}1],"Type":"Other","MessageId":"m","TopicArn":"t","Message":"x","Timestamp":"ts","SignatureVersion":"2","Signature":"s"}}"#,
            "1,".repeat(10_000)
        );
        assert!(Fields::read(padded.as_bytes()).is_ok());
        assert!(
            Fields::read(
                br#"{"Type":"Notification","MessageId":"m","TopicArn":"t","Message":1,"Timestamp":"ts","SignatureVersion":"2","Signature":"s"}"#
            )
            .is_err()
        );
        // A field given twice is refused.
        assert!(
            Fields::read(
                br#"{"Type":"Notification","Type":"Notification","MessageId":"m","TopicArn":"t","Message":"x","Timestamp":"ts","SignatureVersion":"2","Signature":"s"}"#
            )
            .is_err()
        );
    }
}
