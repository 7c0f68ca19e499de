"""Replicate webhooks fixture generator.

Signed with standardwebhooks.Webhook.sign (Replicate's SDKs have no signer), verdict from
replicate.webhook.Webhooks.validate(headers=, body=, secret=WebhookSigningSecret(key=),
tolerance=300) with the clock frozen at `now` (the SDK's default tolerance is None = no
timestamp check; 300 is passed explicitly); node_sdk_verdict from npm replicate validateWebhook
(no timestamp check at all).
Run: envs/standard-webhooks/.venv/bin/python replicate.py   (from tools/vectors; see README.md)
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != HERE]
import replicate  # noqa: E402
from replicate.webhook import Webhooks, WebhookSigningSecret  # noqa: E402
sys.path.append(HERE)

import base64  # noqa: E402
import hashlib  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from importlib.metadata import version  # noqa: E402

import standardwebhooks  # noqa: E402
from fixture_extra import NOW, case, frozen_verdict, node_verdicts, sw_family_cases, write_fixture  # noqa: E402

SECRET = "whsec_" + base64.b64encode(hashlib.sha256(b"g3-replicate-secret").digest()[:24]).decode()
OTHER = "whsec_" + base64.b64encode(hashlib.sha256(b"g3-replicate-other").digest()[:24]).decode()
MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"

BODIES = {
    # prediction object as in replicate.com/docs/topics/webhooks
    "basic": '{"id":"ufawqhfynnddngldkgtslldrkq","version":"5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa","created_at":"2022-04-26T22:13:06.224088Z","started_at":"2022-04-26T22:13:06.370Z","completed_at":"2022-04-26T22:13:06.711Z","status":"succeeded","input":{"text":"Alice"},"output":"hello Alice","error":null,"logs":"","metrics":{"predict_time":0.34},"urls":{"get":"https://api.replicate.com/v1/predictions/ufawqhfynnddngldkgtslldrkq","cancel":"https://api.replicate.com/v1/predictions/ufawqhfynnddngldkgtslldrkq/cancel"}}',
    "non_ascii": '{"id":"rrr4z55ocneqzikepnug6xezpe","status":"succeeded","input":{"prompt":"naïve café, 日本語 😀"},"output":"Ça marche — ok","error":null}',
    "empty": "",
}


def sign(secret, msg_id, ts, body):
    return standardwebhooks.Webhook(secret).sign(msg_id, datetime.fromtimestamp(ts, tz=timezone.utc), body)


def verify(secret, body, headers):
    Webhooks.validate(headers=headers, body=body, secret=WebhookSigningSecret(key=secret), tolerance=300)


cases = sw_family_cases(prefix="webhook", secret=SECRET, other_secret=OTHER, msg_id=MSG_ID,
                        bodies=BODIES, sdk_sign=sign, sdk_verify=verify,
                        decode_key=lambda s: base64.b64decode(s[6:]))
t0 = NOW - 5
for c in cases:
    if c["name"] == "empty_body":
        c["note"] = "Replicate never sends an empty body; both SDKs refuse one before hashing"
# default python call (tolerance=None) does not look at the timestamp
ts = NOW - 3600
sig = sign(SECRET, MSG_ID, ts, BODIES["basic"])
hd = [["webhook-id", MSG_ID], ["webhook-timestamp", str(ts)], ["webhook-signature", sig]]
cases.append(case(name="timestamp_one_hour_old_sdk_default_tolerance", secret=SECRET, headers=hd,
                  body=BODIES["basic"],
                  sdk_verdict=frozen_verdict(NOW, lambda: Webhooks.validate(
                      headers=dict(hd), body=BODIES["basic"], secret=WebhookSigningSecret(key=SECRET))),
                  note="verdict with the SDK default tolerance=None: no timestamp check. Strict: reject (±300 s)"))

for c, v in zip(cases, node_verdicts("replicate", cases)):
    c["node_sdk_verdict"] = v

src = (f"replicate=={version('replicate')} (python): signed with standardwebhooks=={version('standardwebhooks')} "
       "Webhook.sign, verdict from replicate.webhook.Webhooks.validate(headers=, body=, "
       "secret=WebhookSigningSecret(key=secret), tolerance=300) with the clock frozen at `now` "
       "(freezegun); node_sdk_verdict from replicate@1.4.0 (node) validateWebhook (no timestamp check).")
print(write_fixture("replicate", src, cases))
