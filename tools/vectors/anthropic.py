"""Anthropic (Claude Platform) webhooks fixture generator.

Signed with standardwebhooks.Webhook.sign, verdict from anthropic (python)
Anthropic(webhook_key=...).beta.webhooks.unwrap(payload, headers=...) (standardwebhooks inside) with
the clock frozen at `now`; node_sdk_verdict from @anthropic-ai/sdk beta.webhooks.unwrap.
Run: envs/standard-webhooks/.venv/bin/python anthropic.py   (from tools/vectors; see README.md)
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != HERE]
import anthropic  # noqa: E402
sys.path.append(HERE)

import base64  # noqa: E402
import hashlib  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from importlib.metadata import version  # noqa: E402

import standardwebhooks  # noqa: E402
from fixture_extra import node_verdicts, sw_family_cases, write_fixture  # noqa: E402

SECRET = "whsec_" + base64.b64encode(hashlib.sha256(b"g3-anthropic-secret").digest()).decode()
OTHER = "whsec_" + base64.b64encode(hashlib.sha256(b"g3-anthropic-other").digest()).decode()
MSG_ID = "msg_2yZ8mQ1b7PqXcVn4Kt6Rw0Ls3Hj"
BODIES = {
    "basic": '{"id":"wevt_01ABCDEFGHJKMNPQRSTVWXYZ","created_at":"2023-11-14T22:13:15Z","type":"event","data":{"type":"agent.created","id":"agent_01XYZ","organization_id":"org_01ABC","workspace_id":"wrkspc_01DEF"}}',
    "non_ascii": '{"id":"wevt_01ABCDEFGHJKMNPQRSTVWXZZ","created_at":"2023-11-14T22:13:15Z","type":"event","data":{"type":"agent.updated","id":"agent_01XYZ","organization_id":"org_01ABC","workspace_id":"wrkspc_01DEF","note":"Ça marche 😀 — naïve café, 日本語"}}',
    "empty": "",
}


def sign(secret, msg_id, ts, body):
    return standardwebhooks.Webhook(secret).sign(msg_id, datetime.fromtimestamp(ts, tz=timezone.utc), body)


def verify(secret, body, headers):
    client = anthropic.Anthropic(api_key="sk-ant-test", webhook_key=secret)
    client.beta.webhooks.unwrap(body, headers=headers, key=secret)


cases = sw_family_cases(prefix="webhook", secret=SECRET, other_secret=OTHER, msg_id=MSG_ID,
                        bodies=BODIES, sdk_sign=sign, sdk_verify=verify,
                        decode_key=lambda s: base64.b64decode(s[6:]))
for c in cases:
    if c["name"] == "empty_body":
        c["note"] = "signature matches; unwrap then fails parsing '' as JSON (Anthropic sends JSON events)"
for c, v in zip(cases, node_verdicts("anthropic", cases)):
    c["node_sdk_verdict"] = v
src = (f"anthropic=={version('anthropic')} (python): signed with standardwebhooks=={version('standardwebhooks')} "
       "Webhook.sign, verdict from Anthropic(webhook_key=secret).beta.webhooks.unwrap(payload, headers=..., key=secret) "
       "with the clock frozen at `now` (freezegun); node_sdk_verdict from @anthropic-ai/sdk@1.17.0 (node) "
       "beta.webhooks.unwrap with Date frozen.")
print(write_fixture("anthropic", src, cases))
