"""PayPal REST webhooks fixture generator (group g3).

Fully offline. Fixed test RSA keys (tools/vectors/keys_g3.json): a test root CA ('paypal_test_root') and a
leaf 'messageverificationcerts.paypal.com' ('paypal') issued by it, fixed serials and dates.
Signed per PayPal's algorithm: RSA PKCS#1 v1.5 SHA-256 over
`<transmission id>|<transmission time>|<webhook id>|<CRC32(raw body), unsigned decimal>`.
Verdict from paypalrestsdk (python, PayPal's deprecated official SDK) WebhookEvent.verify(...) with
its certificate download (requests.get) stubbed to return the case's `certificate`, and its trust
store (normally the bundled DigiCert root + intermediate) replaced by the case's `trust_anchor`.
Certificate expiry is judged by OpenSSL on the real clock (the test certs run 2023-2033).
Run (from tools/vectors): .venv/bin/python paypal.py
"""
import base64
import binascii
import datetime as dt
import json
from importlib.metadata import version
from pathlib import Path
from unittest import mock

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.x509.oid import NameOID
from OpenSSL import crypto
from paypalrestsdk.notifications import WebhookEvent

from fixture_g3 import NOW, case, write_fixture

KEYS = json.loads((Path(__file__).parent / "keys_g3.json").read_text())
load = lambda n: serialization.load_pem_private_key(KEYS[n].encode(), None)  # noqa: E731
ROOT_KEY, LEAF_KEY, EVIL_KEY = load("paypal_test_root"), load("paypal"), load("paypal_attacker")
NB, NA = dt.datetime(2023, 1, 1, tzinfo=dt.timezone.utc), dt.datetime(2033, 1, 1, tzinfo=dt.timezone.utc)


def name(cn, o=None):
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    if o:
        attrs.insert(0, x509.NameAttribute(NameOID.ORGANIZATION_NAME, o))
    return x509.Name(attrs)


def cert(subject, issuer, pub, signer, serial, ca=False, nb=NB, na=NA):
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(pub)
         .serial_number(serial).not_valid_before(nb).not_valid_after(na)
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    return b.sign(signer, hashes.SHA256()).public_bytes(serialization.Encoding.PEM).decode()


ROOT_NAME = name("webhook-guard Test Root CA (not PayPal)", "webhook-guard tests")
ROOT = cert(ROOT_NAME, ROOT_NAME, ROOT_KEY.public_key(), ROOT_KEY, 0x1001, ca=True)
LEAF = cert(name("messageverificationcerts.paypal.com", "PayPal, Inc."), ROOT_NAME, LEAF_KEY.public_key(), ROOT_KEY, 0x1002)
LEAF_OTHER_CN = cert(name("www.example.com", "Example"), ROOT_NAME, LEAF_KEY.public_key(), ROOT_KEY, 0x1003)
LEAF_EXPIRED = cert(name("messageverificationcerts.paypal.com", "PayPal, Inc."), ROOT_NAME, LEAF_KEY.public_key(), ROOT_KEY,
                    0x1004, nb=dt.datetime(2015, 1, 1, tzinfo=dt.timezone.utc), na=dt.datetime(2016, 1, 1, tzinfo=dt.timezone.utc))
EVIL_SELF = cert(name("messageverificationcerts.paypal.com", "PayPal, Inc."), name("messageverificationcerts.paypal.com", "PayPal, Inc."),
                 EVIL_KEY.public_key(), EVIL_KEY, 0x1005)

WEBHOOK_ID = "9XL90610J3647323C"
CERT_URL = "https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77"
SANDBOX_URL = "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77"


def crc(body):
    return binascii.crc32(body.encode()) & 0xFFFFFFFF


def signed_string(tid, ttime, wid, body):
    return f"{tid}|{ttime}|{wid}|{crc(body)}"


def sign(s, key=LEAF_KEY, h=None):
    return base64.b64encode(key.sign(s.encode(), padding.PKCS1v15(), h or hashes.SHA256())).decode()


def sdk_verdict(headers, body, webhook_id, certificate, anchor):
    h = {k.upper(): v for k, v in headers}
    store = crypto.X509Store()
    store.add_cert(crypto.load_certificate(crypto.FILETYPE_PEM, anchor.encode()))
    def fake_get(url, *a, **k):  # what the download of PAYPAL-CERT-URL would return
        if not url:
            raise ValueError("no certificate URL")
        return mock.Mock(text=certificate)
    with mock.patch("paypalrestsdk.notifications.requests.get", side_effect=fake_get), \
         mock.patch.object(WebhookEvent, "_get_certificate_store", classmethod(lambda cls: store)), \
         mock.patch("builtins.print"):
        try:
            ok = WebhookEvent.verify(h.get("PAYPAL-TRANSMISSION-ID"), h.get("PAYPAL-TRANSMISSION-TIME"), webhook_id, body,
                                     h.get("PAYPAL-CERT-URL"), h.get("PAYPAL-TRANSMISSION-SIG"),
                                     h.get("PAYPAL-AUTH-ALGO", "sha256"))
        except Exception:
            ok = False
    return "valid" if ok else "invalid"


BASIC = ('{"id":"WH-9UG43882HX7271132-6E0871324L7949614","event_version":"1.0","create_time":"2023-11-14T22:13:15Z",'
         '"resource_type":"capture","resource_version":"2.0","event_type":"PAYMENT.CAPTURE.COMPLETED",'
         '"summary":"Payment completed for $ 21.0 USD","resource":{"id":"80F85758S3080410K","status":"COMPLETED",'
         '"amount":{"currency_code":"USD","value":"21.00"},"final_capture":true,"create_time":"2023-11-14T22:12:59Z"},'
         '"links":[{"href":"https://api.paypal.com/v1/notifications/webhooks-events/WH-9UG43882HX7271132-6E0871324L7949614","rel":"self","method":"GET"}]}')
NON_ASCII = BASIC.replace("Payment completed for $ 21.0 USD", "Paiement effectué — 21,00 € ✓ 日本語 😀")
TID = "d938e770-8046-11e6-8103-6b62a8a99ac4"
TTIME = "2023-11-14T22:13:15Z"
cases = []


def add(name, body, *, tid=TID, ttime=TTIME, wid_signed=WEBHOOK_ID, wid=WEBHOOK_ID, url=CERT_URL, certificate=LEAF,
        anchor=ROOT, key=LEAF_KEY, algo="SHA256withRSA", h=None, sig=None, drop=(), note=None):
    s = signed_string(tid, ttime, wid_signed, body)
    sg = sig if sig is not None else sign(s, key, h)
    headers = [["PAYPAL-AUTH-ALGO", algo], ["PAYPAL-CERT-URL", url], ["PAYPAL-TRANSMISSION-ID", tid],
               ["PAYPAL-TRANSMISSION-SIG", sg], ["PAYPAL-TRANSMISSION-TIME", ttime]]
    headers = [x for x in headers if x[0] not in drop]
    kw = dict(name=name, secret=wid, headers=headers, body=body,
              sdk_verdict=sdk_verdict(headers, body, wid, certificate, anchor),
              webhook_id=wid, certificate=certificate, certificate_url=url, trust_anchor=anchor,
              signed_string=s, crc32=crc(body))
    if note:
        kw["note"] = note
    cases.append(case(**kw))


add("sdk_signed_basic", BASIC, note="signed string `id|time|webhook_id|crc32(body)`")
add("non_ascii_body", NON_ASCII, note="CRC32 over the UTF-8 bytes of the raw body")
add("empty_body", "", note="crc32('') = 0")
add("sandbox_cert_url", BASIC, url=SANDBOX_URL)
add("tampered_body", BASIC.replace("21.00", "2100.00"), sig=sign(signed_string(TID, TTIME, WEBHOOK_ID, BASIC)))
add("other_webhook_id_configured", BASIC, wid="4JH86294D6297924G",
    note="signed for webhook 9XL90610J3647323C; receiver configured with another id")
add("transmission_time_changed", BASIC, sig=sign(signed_string(TID, TTIME, WEBHOOK_ID, BASIC)),
    ttime="2023-11-14T22:13:16Z")
add("transmission_id_changed", BASIC, sig=sign(signed_string(TID, TTIME, WEBHOOK_ID, BASIC)),
    tid="d938e770-8046-11e6-8103-6b62a8a99ac5")
add("old_transmission_time", BASIC, ttime="2016-09-21T22:00:46Z",
    note="no age check in the SDKs; a preset should bound PAYPAL-TRANSMISSION-TIME (RFC 3339)")
def iso(secs):
    return dt.datetime.fromtimestamp(secs, tz=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# Window edges of the webhook-guard preset (±300 s); the SDKs check no age.
add("transmission_time_300s_old", BASIC, ttime=iso(NOW - 300), note="preset window edge (past)")
add("transmission_time_301s_old", BASIC, ttime=iso(NOW - 301), note="just outside the preset window (past)")
add("transmission_time_300s_future", BASIC, ttime=iso(NOW + 300), note="preset window edge (future)")
add("transmission_time_301s_future", BASIC, ttime=iso(NOW + 301), note="just outside the preset window (future)")
add("signed_by_key_not_in_cert", BASIC, key=EVIL_KEY)
add("attacker_self_signed_cert_paypal_cn", BASIC, key=EVIL_KEY, certificate=EVIL_SELF,
    url="https://evil.example/v1/notifications/certs/CERT-1",
    note="chain does not reach the trust anchor; note the SDK never looks at the URL host")
add("attacker_cert_but_paypal_url", BASIC, key=EVIL_KEY, certificate=EVIL_SELF,
    note="what an attacker-controlled download would give: rejected by the chain check")
add("cert_with_non_paypal_cn", BASIC, certificate=LEAF_OTHER_CN, note="python SDK: CN must end with .paypal.com")
add("expired_cert", BASIC, certificate=LEAF_EXPIRED, note="cert valid 2015-2016 only")
add("cert_url_foreign_host_genuine_cert", BASIC, url="https://evil.example/cert.pem",
    note="python and Java SDKs do not check the URL host: valid there. Strict: allow-list PayPal hosts")
add("auth_algo_sha1_declared_sha256_signature", BASIC, algo="SHA1withRSA")
add("sha1_signature_and_algo", BASIC, algo="SHA1withRSA", h=hashes.SHA1(),
    note="SHA1withRSA is still mapped by the SDK; PayPal sends SHA256withRSA")
add("missing_transmission_sig", BASIC, drop=("PAYPAL-TRANSMISSION-SIG",))
add("missing_cert_url", BASIC, drop=("PAYPAL-CERT-URL",))
raw = base64.b64decode(sign(signed_string(TID, TTIME, WEBHOOK_ID, BASIC)))
add("signature_hex_encoded", BASIC, sig=raw.hex())
add("crc32_signed_as_hex", BASIC, sig=sign(f"{TID}|{TTIME}|{WEBHOOK_ID}|{crc(BASIC):08x}"),
    note="the CRC is signed as an unsigned decimal, not hex")
add("crc32_signed_as_signed_int", BASIC.replace("21.00", "21.01"),
    sig=sign(f"{TID}|{TTIME}|{WEBHOOK_ID}|{crc(BASIC.replace('21.00', '21.01')) - (1 << 32) if crc(BASIC.replace('21.00', '21.01')) >= 1 << 31 else crc(BASIC.replace('21.00', '21.01'))}"),
    note="signed with a signed 32-bit CRC (Java int style); only differs when the CRC >= 2^31")

src = (f"paypalrestsdk=={version('paypalrestsdk')} (python; pyOpenSSL=={version('pyOpenSSL')}): signed with a fixed test "
       "RSA key (tools/vectors/keys_g3.json 'paypal', leaf cert CN messageverificationcerts.paypal.com issued by test root "
       "'paypal_test_root') using python cryptography PKCS#1 v1.5 SHA-256 over `id|time|webhook_id|crc32`; verdict "
       "from paypalrestsdk.notifications.WebhookEvent.verify(transmission_id, timestamp, webhook_id, body, cert_url, "
       "sig, auth_algo) with requests.get stubbed to return `certificate` and the trust store replaced by "
       "`trust_anchor`. No clock in the SDK except OpenSSL's expiry check (real time). Extra fields: webhook_id, "
       "certificate, certificate_url, trust_anchor, signed_string, crc32.")
print(write_fixture("paypal", src, cases))
for c in cases:
    print(c["name"], c["sdk_verdict"], c["crc32"])
