"""Telnyx webhooks (Ed25519) fixture generator.

Signed with PyNaCl SigningKey(seed).sign (Ed25519 is deterministic) over "{t}|{body}", verdict from
telnyx (python) telnyx.lib.webhook_verification.verify_webhook_signature(payload, headers,
public_key) with the clock frozen at `now`; node_sdk_verdict from telnyx (npm)
lib/webhooks TelnyxWebhook(publicKey).verify(body, headers) with Date frozen.
Run: .venv/bin/python telnyx.py   (from tools/vectors; see README.md)
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != HERE]
from telnyx.lib.webhook_verification import verify_webhook_signature  # noqa: E402
sys.path.append(HERE)

import base64  # noqa: E402
import hashlib  # noqa: E402
from importlib.metadata import version  # noqa: E402

from nacl.signing import SigningKey  # noqa: E402
from fixture_extra import NOW, case, frozen_verdict, node_verdicts, write_fixture  # noqa: E402

SEED = hashlib.sha256(b"g3-telnyx-seed").digest()
SK = SigningKey(SEED)
PK = base64.b64encode(bytes(SK.verify_key)).decode()
OTHER_PK = base64.b64encode(bytes(SigningKey(hashlib.sha256(b"g3-telnyx-other").digest()).verify_key)).decode()
SEED_B64 = base64.b64encode(SEED).decode()


def sig_for(t, body, sk=SK):
    return base64.b64encode(sk.sign(f"{t}|{body}".encode()).signature).decode()


def body_for(event_type, payload, event_id="0ccc7b54-4df3-4bca-a65a-3da1ecc777f0", attempt=1):
    return ('{"data":{"event_type":"%s","id":"%s","occurred_at":"2023-11-14T22:13:15.000+00:00",'
            '"payload":%s,"record_type":"event"},"meta":{"attempt":%d,"delivered_to":"https://example.com/webhooks/telnyx"}}'
            % (event_type, event_id, payload, attempt))


BASIC = body_for("message.received", '{"id":"b301ed3f-1490-491f-995f-6e64e69674d4","direction":"inbound","from":{"phone_number":"+13125550001","carrier":"T-Mobile USA","line_type":"long_code"},"to":[{"phone_number":"+17735550002","status":"webhook_delivered"}],"text":"Hello from Telnyx!","type":"SMS","record_type":"message"}')
NON_ASCII = body_for("message.received", '{"id":"b301ed3f-1490-491f-995f-6e64e69674d5","direction":"inbound","text":"Ça marche 😀 — naïve café, 日本語","type":"SMS","record_type":"message"}', event_id="0ccc7b54-4df3-4bca-a65a-3da1ecc777f1")
RETRY = body_for("message.received", '{"id":"b301ed3f-1490-491f-995f-6e64e69674d4","direction":"inbound","text":"Hello from Telnyx!","type":"SMS","record_type":"message"}', attempt=2)

cases = []


def add(name, body, headers, *, secret=PK, note=None, now=NOW):
    hd = dict(headers)
    kw = dict(name=name, secret=secret, signing_key=SEED_B64, headers=[list(h) for h in headers], body=body,
              now=now, sdk_verdict=frozen_verdict(now, lambda: verify_webhook_signature(body, hd, secret)))
    if note:
        kw["note"] = note
    cases.append(case(**kw))


def H(t, sig):
    return [("telnyx-signature-ed25519", sig), ("telnyx-timestamp", str(t))]


t0 = NOW - 5
s0 = sig_for(t0, BASIC)
add("sdk_signed_basic", BASIC, H(t0, s0), note="signed bytes `{t}|{body}`")
add("non_ascii_body", NON_ASCII, H(t0, sig_for(t0, NON_ASCII)))
add("empty_body", "", H(t0, sig_for(t0, "")), note="signed bytes `{t}|`")
add("retry_attempt_2_new_timestamp", RETRY, H(NOW - 1, sig_for(NOW - 1, RETRY)),
    note="a retry differs in meta.attempt, so it is a new signature over a new body and timestamp")
add("tampered_body", BASIC.replace("Hello from", "Hallo from"), H(t0, s0))
add("wrong_public_key", BASIC, H(t0, s0), secret=OTHER_PK)
for label, off in (("past_at_tolerance", -300), ("past_over_tolerance", -301),
                   ("future_at_tolerance", 300), ("future_over_tolerance", 301)):
    t = NOW + off
    add(f"timestamp_{label}", BASIC, H(t, sig_for(t, BASIC)), note=f"telnyx-timestamp = now {'+' if off >= 0 else '-'} {abs(off)} s")
add("timestamp_header_changed", BASIC, H(t0 + 1, s0))
add("missing_signature_header", BASIC, [("telnyx-timestamp", str(t0))])
add("missing_timestamp_header", BASIC, [("telnyx-signature-ed25519", s0)])
add("timestamp_with_fraction_signed_as_sent", BASIC, H(f"{t0}.0", sig_for(f"{t0}.0", BASIC)),
    note="non-digit timestamp: both SDKs reject before verifying")
add("timestamp_in_milliseconds", BASIC, H(t0 * 1000, sig_for(t0 * 1000, BASIC)), note="ms timestamp is outside the window")
raw = base64.b64decode(s0)
add("hex_encoded_signature", BASIC, H(t0, raw.hex()))
add("unpadded_base64_signature", BASIC, H(t0, s0.rstrip("=")))
add("base64url_signature", BASIC, H(t0, base64.urlsafe_b64encode(raw).decode()),
    note="only differs from the standard form if the signature has + or /")
add("base64_with_junk_character", BASIC, H(t0, s0[:10] + "!" + s0[10:]),
    note="python b64decode (non-validating) drops the '!', node's strict decoder rejects")
add("truncated_signature", BASIC, H(t0, base64.b64encode(raw[:63]).decode()))
add("signed_with_dot_separator", BASIC, H(t0, base64.b64encode(SK.sign(f"{t0}.{BASIC}".encode()).signature).decode()),
    note="`{t}.{body}` is not Telnyx's message; `|` is")
add("signed_body_only", BASIC, H(t0, base64.b64encode(SK.sign(BASIC.encode()).signature).decode()))
add("public_key_as_hex", BASIC, H(t0, s0), secret=bytes(SK.verify_key).hex(),
    note="the dashboard key is base64; the SDKs refuse a hex key")

for c, v in zip(cases, node_verdicts("telnyx", cases)):
    c["node_sdk_verdict"] = v

src = (f"telnyx=={version('telnyx')} (python): signed with PyNaCl=={version('PyNaCl')} SigningKey(seed).sign "
       "(Ed25519, deterministic; signing_key = base64 seed) over `{t}|{body}`, verdict from "
       "telnyx.lib.webhook_verification.verify_webhook_signature(body, headers, public_key) with the "
       "clock frozen at `now` (freezegun); node_sdk_verdict from telnyx@7.24.0 (node) "
       "TelnyxWebhook(publicKey).verify(body, headers) (lib/webhooks.js) with Date frozen.")
print(write_fixture("telnyx", src, cases))
