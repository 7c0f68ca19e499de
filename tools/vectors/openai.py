"""OpenAI webhooks (Standard Webhooks headers) fixture generator.

Signed with standardwebhooks.Webhook.sign (the Standard Webhooks reference library; OpenAI's SDK
has no signer), verdict from openai.OpenAI().webhooks.verify_signature(payload, headers,
secret=..., tolerance=300 default) with the clock frozen at `now`; node verdict from
openai (npm) client.webhooks.verifySignature with Date frozen.
Run: envs/standard-webhooks/.venv/bin/python openai.py   (from tools/vectors; see README.md)
"""
import os
import sys

# this file is named like the SDK package: import the SDK, not this script
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != HERE]
import openai  # noqa: E402
sys.path.append(HERE)

import base64
import hashlib
from datetime import datetime, timezone
from importlib.metadata import version

import standardwebhooks
from fixture_extra import node_verdicts, sw_family_cases, write_fixture, case, frozen_verdict, NOW

SECRET = "whsec_" + base64.b64encode(hashlib.sha256(b"g3-openai-secret").digest()).decode()
OTHER = "whsec_" + base64.b64encode(hashlib.sha256(b"g3-openai-other").digest()).decode()
MSG_ID = "wh_685342e6c53c8190a1be43f081506c52"
UA = ("User-Agent", "OpenAI/1.0 (+https://platform.openai.com/docs/webhooks)")

BODIES = {
    # docs example event (platform.openai.com/docs/guides/webhooks)
    "basic": '{"object":"event","id":"evt_685343a1381c819085d44c354e1b330e","type":"response.completed","created_at":1750287018,"data":{"id":"resp_abc123"}}',
    "non_ascii": '{"object":"event","id":"evt_685343a1381c819085d44c354e1b330f","type":"batch.completed","created_at":1750287018,"data":{"id":"batch_abc123","note":"hello Ça marche 😀 — naïve café, 日本語"}}',
    "empty": "",
}


def sign(secret, msg_id, ts, body):
    return standardwebhooks.Webhook(secret).sign(msg_id, datetime.fromtimestamp(ts, tz=timezone.utc), body)


def verify(secret, body, headers):
    client = openai.OpenAI(api_key="sk-test", webhook_secret=secret)
    client.webhooks.verify_signature(body, headers, secret=secret)


def decode_key(secret):
    return base64.b64decode(secret[len("whsec_"):])


cases = sw_family_cases(prefix="webhook", secret=SECRET, other_secret=OTHER, msg_id=MSG_ID,
                        bodies=BODIES, sdk_sign=sign, sdk_verify=verify, extra_headers=[UA],
                        decode_key=decode_key)

# secret given without the whsec_ prefix: OpenAI's SDK then uses the text itself as the key
t0 = NOW - 5
sig = sign(SECRET, MSG_ID, t0, BODIES["basic"])
bare = SECRET[len("whsec_"):]
hd = [["webhook-id", MSG_ID], ["webhook-timestamp", str(t0)], ["webhook-signature", sig], list(UA)]
cases.append(case(name="secret_without_whsec_prefix", secret=bare, headers=hd, body=BODIES["basic"],
                  sdk_verdict=frozen_verdict(NOW, lambda: verify(bare, BODIES["basic"], dict(hd))),
                  note="the SDK uses a secret without `whsec_` as raw UTF-8 text, not base64"))
# svix-* header names are not read by OpenAI's SDK
hs = [["svix-id", MSG_ID], ["svix-timestamp", str(t0)], ["svix-signature", sig], list(UA)]
cases.append(case(name="svix_header_names", secret=SECRET, headers=hs, body=BODIES["basic"],
                  sdk_verdict=frozen_verdict(NOW, lambda: verify(SECRET, BODIES["basic"], dict(hs))),
                  note="OpenAI sends webhook-* headers; svix-* names are not read"))

for c, v in zip(cases, node_verdicts("openai", cases)):
    c["node_sdk_verdict"] = v

src = (f"openai=={version('openai')} (python): signed with standardwebhooks=={version('standardwebhooks')} "
       "Webhook.sign, verdict from openai.OpenAI().webhooks.verify_signature(payload, headers, secret, "
       "tolerance=300) with the clock frozen at `now` (freezegun); node_sdk_verdict from openai@6.49.0 "
       "(node) webhooks.verifySignature with Date frozen.")
print(write_fixture("openai", src, cases))
