"""Resend webhooks (Svix) fixture generator.

Signed with svix.webhooks.Webhook.sign, verdict from resend.Webhooks.verify({"payload",
"headers": {"id","timestamp","signature"} (from svix-* headers), "webhook_secret"}) with the clock
frozen at `now`; node_sdk_verdict from npm resend Resend#webhooks.verify (standardwebhooks@1.1.1).
Run: .venv/bin/python resend.py   (from tools/vectors; see README.md)
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != HERE]
import resend  # noqa: E402
sys.path.append(HERE)

import base64  # noqa: E402
import hashlib  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from importlib.metadata import version  # noqa: E402

from svix.webhooks import Webhook as SvixWebhook  # noqa: E402
from fixture_extra import node_verdicts, sw_family_cases, write_fixture  # noqa: E402

SECRET = "whsec_" + base64.b64encode(hashlib.sha256(b"g3-resend-secret").digest()[:24]).decode()
OTHER = "whsec_" + base64.b64encode(hashlib.sha256(b"g3-resend-other").digest()[:24]).decode()
MSG_ID = "msg_2cp5DR0eTXkxK2TtOMP8XGWFbv1"

BODIES = {
    # email.delivered example payload (resend.com/docs/dashboard/webhooks/event-types)
    "basic": '{"type":"email.delivered","created_at":"2024-02-22T23:41:12.126Z","data":{"created_at":"2024-02-22T23:41:11.894719+00:00","email_id":"56761188-7520-42d8-8898-ff6fc54ce618","from":"Acme <onboarding@resend.dev>","to":["delivered@resend.dev"],"subject":"Sending this example"}}',
    "non_ascii": '{"type":"email.received","created_at":"2024-02-22T23:41:12.126Z","data":{"email_id":"56761188-7520-42d8-8898-ff6fc54ce619","from":"Zoë <zoe@example.com>","to":["delivered@resend.dev"],"subject":"Ça marche 😀 — naïve café, 日本語"}}',
    "empty": "",
}


def sign(secret, msg_id, ts, body):
    return SvixWebhook(secret).sign(msg_id, datetime.fromtimestamp(ts, tz=timezone.utc), body)


def verify(secret, body, headers):
    h = {k.lower(): v for k, v in headers.items()}
    resend.Webhooks.verify({"payload": body, "webhook_secret": secret,
                            "headers": {"id": h.get("svix-id"), "timestamp": h.get("svix-timestamp"),
                                        "signature": h.get("svix-signature")}})


cases = sw_family_cases(prefix="svix", secret=SECRET, other_secret=OTHER, msg_id=MSG_ID,
                        bodies=BODIES, sdk_sign=sign, sdk_verify=verify,
                        decode_key=lambda s: base64.b64decode(s[6:]))
for c in cases:
    if c["name"] == "empty_body":
        c["note"] = ("Resend never sends an empty body; python SDK refuses an empty payload, node "
                     "(standardwebhooks) verifies it")
for c, v in zip(cases, node_verdicts("resend", cases)):
    c["node_sdk_verdict"] = v

src = (f"resend=={version('resend')} (python): signed with svix=={version('svix')} Webhook.sign, "
       "verdict from resend.Webhooks.verify({payload, headers:{id,timestamp,signature} taken from "
       "svix-id/svix-timestamp/svix-signature, webhook_secret}) with the clock frozen at `now` "
       "(freezegun); node_sdk_verdict from resend@6.38.0 (node) webhooks.verify (standardwebhooks@1.1.1) "
       "with Date frozen.")
print(write_fixture("resend", src, cases))
