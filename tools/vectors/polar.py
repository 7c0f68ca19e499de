"""Polar webhooks fixture generator.

Polar follows Standard Webhooks *except for the key*: the HMAC key is the UTF-8 text of the
secret (node SDK: base64-encodes the text before handing it to standardwebhooks). Signed with
standardwebhooks.Webhook(base64(secret)).sign (the node SDK's own construction), `sdk_verdict`
from polar-sdk (python) polar.webhooks._verify_signature (the signature step of
validate_event) with the clock frozen at `now`; `node_sdk_verdict` from @polar-sh/sdk
validateEvent (WebhookVerificationError = invalid).
Run: envs/standard-webhooks/.venv/bin/python polar.py   (from tools/vectors; see README.md)
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != HERE]
from polar.webhooks import _verify_signature  # noqa: E402
sys.path.append(HERE)

import base64  # noqa: E402
from datetime import datetime, timezone
from importlib.metadata import version

import standardwebhooks
from fixture_extra import NOW, case, frozen_verdict, node_verdicts, sw_family_cases, write_fixture

# same shape as the secret in polar.sh/docs/integrate/webhooks/locally (32 [0-9a-z] chars)
SECRET = "7k4d9ce2b47c1f3a0ade20vfa5184e75"
OTHER = "9q2x8aa1c03d4e5f6a7b8c9d0e1f2a3b"
MSG_ID = "msg_2tIVtEg84Qq4Fp5UfDT7RDyq0Jg"

BODIES = {
    "basic": '{"type":"order.paid","timestamp":"2025-06-01T12:00:00.000000Z","data":{"id":"b4c7e0f4-8b7e-4a39-9c2e-2b5f1f1f7a11","created_at":"2025-06-01T11:59:58.000000Z","status":"paid","paid":true,"subtotal_amount":2000,"total_amount":2000,"currency":"usd","billing_reason":"purchase","customer_id":"0f6f4e3b-2a34-4e1d-8f55-52d6c2f7e0aa","product_id":"5b1e0f0a-6a41-4f8e-9d1c-8f0d4f9d2b33"}}',
    "non_ascii": '{"type":"customer.updated","timestamp":"2025-06-01T12:00:00.000000Z","data":{"id":"0f6f4e3b-2a34-4e1d-8f55-52d6c2f7e0aa","email":"zoe@example.com","name":"Zoë Ça marche 😀 — naïve café, 日本語"}}',
    "empty": "",
}


def sign(secret, msg_id, ts, body):
    b64 = base64.b64encode(secret.encode()).decode()
    return standardwebhooks.Webhook(b64).sign(msg_id, datetime.fromtimestamp(ts, tz=timezone.utc), body)


def verify(secret, body, headers):
    _verify_signature(body, headers, secret)


cases = sw_family_cases(prefix="webhook", secret=SECRET, other_secret=OTHER, msg_id=MSG_ID,
                        bodies=BODIES, sdk_sign=sign, sdk_verify=verify,
                        decode_key=lambda s: s.encode())
# the usual Standard Webhooks key derivation (base64-decode the secret) is NOT Polar's
t0 = NOW - 5
sw_sig = standardwebhooks.Webhook(SECRET).sign(MSG_ID, datetime.fromtimestamp(t0, tz=timezone.utc), BODIES["basic"])
hd = [["webhook-id", MSG_ID], ["webhook-timestamp", str(t0)], ["webhook-signature", sw_sig]]
cases.append(case(name="key_base64_decoded_instead_of_utf8", secret=SECRET, headers=hd, body=BODIES["basic"],
                  sdk_verdict=frozen_verdict(NOW, lambda: verify(SECRET, BODIES["basic"], dict(hd))),
                  note="MAC keyed with base64-decode(secret) (plain Standard Webhooks). polar-sdk python "
                       "also tries that key when the secret is valid base64; the node SDK does not"))

for c, v in zip(cases, node_verdicts("polar", cases)):
    c["node_sdk_verdict"] = v

src = (f"polar-sdk=={version('polar-sdk')} (python): signed with standardwebhooks=={version('standardwebhooks')} "
       "Webhook(base64(utf8(secret))).sign (what @polar-sh/sdk validateEvent builds), verdict from "
       "polar.webhooks._verify_signature(body, headers, secret) (the signature step of "
       "validate_event) with the clock frozen at `now` (freezegun); node_sdk_verdict from "
       "@polar-sh/sdk@0.49.0 (node) validateEvent with Date frozen (only WebhookVerificationError "
       "counts as invalid; event-shape errors come after the signature was accepted).")
print(write_fixture("polar", src, cases))
