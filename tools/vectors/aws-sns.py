"""AWS SNS HTTP(S) notifications fixture generator (group g3).

Fully offline: a fixed test RSA key (tools/vectors/keys_g3.json) and a self-signed certificate made from it
with fixed fields. Messages are signed per the AWS "Verifying the signatures of Amazon SNS
messages" algorithm (canonical `Key\\nValue\\n` string, RSA PKCS#1 v1.5 with SHA1 for
SignatureVersion 1 / SHA256 for 2). `sdk_verdict` from npm sns-validator (AWS's
aws-js-sns-message-validator) MessageValidator.validate with its https.get stubbed to return the
case's `certificate` for the SigningCertURL (tools/g3_node_verify.mjs). No clock involved (the
validator checks no timestamp); `now` is nominal.
Run (from tools/vectors): .venv/bin/python aws-sns.py
"""
import base64
import datetime as dt
import json
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.x509.oid import NameOID

from fixture_g3 import NOW, case, node_verdicts, write_fixture

KEYS = json.loads((Path(__file__).parent / "keys_g3.json").read_text())
KEY = serialization.load_pem_private_key(KEYS["sns"].encode(), None)
EVIL = serialization.load_pem_private_key(KEYS["sns_attacker"].encode(), None)


def self_signed(key, cn):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(0x5A5A0001)
            .not_valid_before(dt.datetime(2023, 1, 1, tzinfo=dt.timezone.utc))
            .not_valid_after(dt.datetime(2033, 1, 1, tzinfo=dt.timezone.utc))
            .sign(key, hashes.SHA256()))  # RSA PKCS#1 v1.5: deterministic
    return cert.public_bytes(serialization.Encoding.PEM).decode()


CERT = self_signed(KEY, "sns.amazonaws.com (webhook-guard test)")
EVIL_CERT = self_signed(EVIL, "sns.amazonaws.com (attacker test)")
CERT_URL = "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem"
TOPIC = "arn:aws:sns:us-west-2:123456789012:MyTopic"
NOTIF_KEYS = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
SUB_KEYS = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]


def canonical(msg):
    keys = SUB_KEYS if msg["Type"] in ("SubscriptionConfirmation", "UnsubscribeConfirmation") else NOTIF_KEYS
    return "".join(f"{k}\n{msg[k]}\n" for k in keys if k in msg and msg[k] is not None)


def sign(msg, key=KEY, version="1", hash_override=None):
    h = hash_override or (hashes.SHA1() if version == "1" else hashes.SHA256())
    return base64.b64encode(key.sign(canonical(msg).encode(), padding.PKCS1v15(), h)).decode()


def body_of(msg):
    # AWS sends pretty JSON with " : " separators; key order as in AWS's examples
    items = ",\n".join(f"  {json.dumps(k)} : {json.dumps(v, ensure_ascii=False)}" for k, v in msg.items())
    return "{\n" + items + "\n}"


cases = []


def add(name, msg, *, cert=CERT, note=None, headers_extra=(), expected_response=None, body=None):
    b = body if body is not None else body_of(msg)
    hdrs = [["x-amz-sns-message-type", msg.get("Type", "")], ["x-amz-sns-message-id", msg.get("MessageId", "")],
            ["x-amz-sns-topic-arn", msg.get("TopicArn", "")]]
    if msg.get("Type") == "Notification":
        hdrs.append(["x-amz-sns-subscription-arn", TOPIC + ":c9135db0-26c4-47ec-8998-413945fb5a96"])
    hdrs += [list(h) for h in headers_extra]
    kw = dict(name=name, secret=cert, headers=hdrs, body=b, content_type="text/plain; charset=UTF-8",
              sdk_verdict="invalid", certificate=cert, certificate_url=msg.get("SigningCertURL"),
              canonical_string=canonical(msg))
    if note:
        kw["note"] = note
    if expected_response:
        kw["expected_response"] = expected_response
    cases.append(case(**kw))


def notification(message="Hello world!", subject="My First Message", version="1", mid="22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
                 ts="2023-11-14T22:13:15.655Z", url=CERT_URL, key=KEY, hash_override=None):
    m = {"Type": "Notification", "MessageId": mid, "TopicArn": TOPIC}
    if subject is not None:
        m["Subject"] = subject
    m.update({"Message": message, "Timestamp": ts, "SignatureVersion": version})
    m["Signature"] = sign(m, key, version, hash_override)
    m["SigningCertURL"] = url
    m["UnsubscribeURL"] = ("https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn="
                          + TOPIC + ":c9135db0-26c4-47ec-8998-413945fb5a96")
    return m


add("notification_sigv1_sha1", notification(), note="SignatureVersion 1 = RSA-SHA1; AWS docs example values")
add("notification_sigv2_sha256_no_subject", notification(subject=None, version="2"),
    note="SignatureVersion 2 = RSA-SHA256; no Subject key: it is left out of the canonical string")
add("notification_non_ascii_message", notification(message="Ça marche 😀 — naïve café, 日本語", version="2"))
s3 = json.dumps({"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "my-bucket"}, "object": {"key": "a b.txt", "size": 12}}}]})
add("notification_json_message_with_newline", notification(message=s3 + "\nsecond line", version="2"),
    note="the canonical string uses the JSON-decoded Message value (escapes resolved), not body bytes")
add("notification_empty_subject_string", notification(subject="", version="2"),
    note="Subject present but empty is signed as `Subject\\n\\n`")
m = notification(version="2")
compact = json.dumps(dict(reversed(list(m.items()))), separators=(",", ":"), ensure_ascii=False)
add("notification_reordered_compact_json", m, body=compact,
    note="signature covers the parsed fields, not the body bytes: re-serialised JSON still verifies")
add("notification_old_timestamp_2012", notification(ts="2012-05-02T00:54:06.655Z", version="2"),
    note="the SDK checks no age; a preset may bound Timestamp (RFC 3339) itself")

sub = {"Type": "SubscriptionConfirmation", "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
       "Token": "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736",
       "TopicArn": TOPIC,
       "Message": "You have chosen to subscribe to the topic arn:aws:sns:us-west-2:123456789012:MyTopic.\nTo confirm the subscription, visit the SubscribeURL included in this message.",
       "SubscribeURL": "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-west-2:123456789012:MyTopic&Token=2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736",
       "Timestamp": "2023-11-14T22:13:15.633Z", "SignatureVersion": "1"}
sub["Signature"] = sign(sub, KEY, "1")
sub["SigningCertURL"] = CERT_URL
add("subscription_confirmation", sub,
    note="handshake: after verifying, confirm by an HTTPS GET of SubscribeURL (or the ConfirmSubscription "
         "API with Token); answer the POST with 2xx",
    expected_response={"status": 200, "then": "GET SubscribeURL (https, host sns.<region>.amazonaws.com)"})
unsub = dict(sub, Type="UnsubscribeConfirmation", MessageId="47138184-6831-46b8-8f7c-afc488602d7d",
             Message="You have been unsubscribed from the topic: arn:aws:sns:us-west-2:123456789012:MyTopic.",
             SignatureVersion="2")
unsub.pop("Signature")
unsub["Signature"] = sign(unsub, KEY, "2")
add("unsubscribe_confirmation_signed_per_aws_docs", unsub,
    note="signed over Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type (AWS docs). "
         "sns-validator 0.3.5 builds the Notification key list for this type (no Token): SDK bug")

bad = notification(version="2")
bad["Message"] = "Hello world?"
add("tampered_message", bad)
add("signed_by_other_key_cert_from_aws_url", notification(key=EVIL, version="2"),
    note="signature by a key that is not the certificate's")
add("attacker_cert_on_foreign_host", notification(key=EVIL, version="2", url="https://sns.evil.example.com/cert.pem"),
    cert=EVIL_CERT, note="host fails ^sns\\.[a-zA-Z0-9-]{3,}\\.amazonaws\\.com(\\.cn)?$")
add("attacker_cert_host_suffix_trick", notification(key=EVIL, version="2",
    url="https://sns.us-west-2.amazonaws.com.evil.example/cert.pem"), cert=EVIL_CERT)
add("cert_url_http_not_https", notification(version="2", url=CERT_URL.replace("https://", "http://")))
add("cert_url_not_pem", notification(version="2", url="https://sns.us-west-2.amazonaws.com/SimpleNotificationService.crt"))
add("cert_url_pem_only_in_query", notification(version="2", url="https://sns.us-west-2.amazonaws.com/?file=cert.pem"),
    note="sns-validator tests url.parse(...).path (path + query) for a .pem suffix: lenient. Strict: the path itself must end in .pem")
add("cert_url_china_region", notification(version="2", url="https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem"),
    note="amazonaws.com.cn hosts are allowed")
add("cert_url_with_port", notification(version="2", url="https://sns.us-west-2.amazonaws.com:443/SimpleNotificationService-abc.pem"),
    note="url.parse host includes the port, so the host pattern fails")
add("cert_url_uppercase_host", notification(version="2", url="https://SNS.US-WEST-2.AMAZONAWS.COM/SimpleNotificationService-abc.pem"),
    note="url.parse lower-cases the host: accepted")
def iso_ms(secs):
    return dt.datetime.fromtimestamp(secs, tz=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


# Window edges of the webhook-guard preset (3600 s past, 300 s future); the SDK checks no age.
add("timestamp_3600s_old", notification(ts=iso_ms(NOW - 3600), version="2"), note="preset window edge (past)")
add("timestamp_3601s_old", notification(ts=iso_ms(NOW - 3601), version="2"), note="just outside the preset window (past)")
add("timestamp_300s_future", notification(ts=iso_ms(NOW + 300), version="2"), note="preset window edge (future)")
add("timestamp_301s_future", notification(ts=iso_ms(NOW + 301), version="2"), note="just outside the preset window (future)")
add("notification_with_subscribe_url", dict(notification(version="2"),
    SubscribeURL="https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&Token=x"),
    note="a SubscribeURL added to a signed Notification: sns-validator signs it if present (so this fails); "
         "AWS never sends one in a Notification")
v3 = notification(version="2")
v3["SignatureVersion"] = "3"
add("signature_version_3", v3)
add("sigv1_declared_but_sha256_signature", notification(version="1", hash_override=hashes.SHA256()))
nosig = notification(version="2")
nosig.pop("Signature")
add("missing_signature_field", nosig)
hexsig = notification(version="2")
hexsig["Signature"] = base64.b64decode(hexsig["Signature"]).hex()
add("signature_hex_encoded", hexsig)

verd = node_verdicts("g3_node_verify.mjs", "aws-sns", cases)
for c, v in zip(cases, verd):
    c["sdk_verdict"] = v

src = ("sns-validator@0.3.5 (node, AWS aws-js-sns-message-validator): messages signed with a fixed test RSA key "
       "(tools/vectors/keys_g3.json 'sns') over the AWS canonical string (python cryptography PKCS#1 v1.5, SHA1 for "
       "SignatureVersion 1, SHA256 for 2), certificate = self-signed X.509 of that key (fixed fields); verdict "
       "from MessageValidator().validate(body) with https.get stubbed to serve `certificate` for "
       "`certificate_url`. The validator checks no timestamp. Extra fields: certificate, certificate_url, "
       "canonical_string.")
print(write_fixture("aws-sns", src, cases))
for c in cases:
    print(c["name"], c["sdk_verdict"])
