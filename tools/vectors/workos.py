#!/usr/bin/env python3
"""Generates tests/vectors/workos.json with the official WorkOS Python SDK (verdicts) and records the
official Node SDK's verdict for the same inputs as `node_sdk_verdict` (workos-node-check.mjs)."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import sys

_here = sys.path.pop(0)  # this script is named workos.py: import the SDK, not itself
from workos import WorkOSClient  # noqa: E402

sys.path.insert(0, _here)

from fixture import write_fixture
from fixture_g2 import judge_all, compact, pretty, tamper, hmac_hex, hmac_b64, UNICODE_TEXT, ver, NOW

SECRET = "wH7sQ2nR5tY8uI1oP4aS6dF9gJ3kL0zX"
TMS = 1699999995123  # milliseconds


def sign(tms, body, secret=SECRET):
    return f"t={tms}, v1={hmac_hex('sha256', secret, f'{tms}.{body}')}"


def hdr(v):
    return [["WorkOS-Signature", v], ["Content-Type", "application/json"], ["User-Agent", "WorkOS Webhooks"]]


client = WorkOSClient(api_key="sk_test_123", client_id="client_123")


def judge(c):
    sig = next((v for k, v in c["headers"] if k.lower() == "workos-signature"), None)
    if sig is None:
        raise ValueError("no WorkOS-Signature header")
    client.webhooks.verify_header(event_body=c["body"].encode(), event_signature=sig, secret=c["secret"])
    return True


BASIC = compact({"id": "event_01HTK0JN6A6HJ4Z7Y3R7Q0S1VW", "event": "dsync.user.created", "data": {
    "id": "directory_user_01E1X1B89NH8Z3SDFJR4H7RGX7", "directory_id": "directory_01ECAZ4NV9QMV47GW873HDCX74",
    "organization_id": "org_01EZTR6WYX1A0DSE2CYMGXQ24Y", "idp_id": "8931", "first_name": "Lela", "last_name": "Block",
    "email": "lela.block@example.com", "state": "active", "custom_attributes": {"department": "hello"},
    "created_at": "2023-11-14T22:13:10.000Z", "updated_at": "2023-11-14T22:13:10.000Z", "object": "directory_user"},
    "created_at": "2023-11-14T22:13:14.000Z"})
UNI = compact({"id": "event_01HTK0JN6A6HJ4Z7Y3R7Q0S1VX", "event": "user.updated", "data": {
    "object": "user", "id": "user_01E4ZCR3C56J083X43JQXF3JK5", "email": "zoe@example.com", "first_name": "Zoë",
    "last_name": UNICODE_TEXT}, "created_at": "2023-11-14T22:13:14.000Z"})
PRETTY = json.dumps(json.loads(BASIC), indent=2)
S = sign(TMS, BASIC)
H = hmac_hex("sha256", SECRET, f"{TMS}.{BASIC}")

specs = [
    dict(name="sdk_signed_basic", headers=hdr(S), body=BASIC, expect="valid"),
    dict(name="non_ascii_body", headers=hdr(sign(TMS, UNI)), body=UNI, expect="valid"),
    dict(name="pretty_printed_body_signed_as_sent", headers=hdr(sign(TMS, PRETTY)), body=PRETTY, expect="valid",
         note="signature over the bytes as sent; the Node SDK re-serialises the parsed payload (JSON.stringify) and so rejects this"),
    dict(name="window_exactly_180s_old", headers=hdr(sign(1699999820000, BASIC)), body=BASIC, expect="valid",
         note="t is in MILLISECONDS; python: abs(now - t/1000) > 180 rejects, so 180.000 s passes"),
    dict(name="window_180_001s_old", headers=hdr(sign(1699999819999, BASIC)), body=BASIC, expect="invalid",
         note="180.001 s old: the comparison is on fractional seconds"),
    dict(name="window_181s_old", headers=hdr(sign(1699999819000, BASIC)), body=BASIC, expect="invalid"),
    dict(name="window_179s_old", headers=hdr(sign(1699999821000, BASIC)), body=BASIC, expect="valid"),
    dict(name="future_180s", headers=hdr(sign(1700000180000, BASIC)), body=BASIC, expect="valid"),
    dict(name="future_181s", headers=hdr(sign(1700000181000, BASIC)), body=BASIC, expect="invalid",
         note="python window is symmetric; the Node SDK's window only looks back and accepts this"),
    dict(name="timestamp_in_seconds", headers=hdr(sign(1699999995, BASIC)), body=BASIC, expect="invalid",
         note="a seconds timestamp is read as ms (1970) and is far outside the window"),
    dict(name="tampered_body", headers=hdr(S), body=tamper(BASIC), expect="invalid"),
    dict(name="reserialized_pretty_json", headers=hdr(S), body=PRETTY, expect="invalid",
         note="python rejects (raw bytes); the Node SDK accepts because it re-serialises the parsed JSON"),
    dict(name="wrong_secret", headers=hdr(sign(TMS, BASIC, "another-secret")), body=BASIC, expect="invalid"),
    dict(name="timestamp_changed", headers=hdr(f"t={TMS + 1}, v1={H}"), body=BASIC, expect="invalid"),
    dict(name="uppercase_hex", headers=hdr(f"t={TMS}, v1={H.upper()}"), body=BASIC, expect="invalid"),
    dict(name="base64_signature", headers=hdr(f"t={TMS}, v1={hmac_b64('sha256', SECRET, f'{TMS}.{BASIC}')}"), body=BASIC, expect="invalid"),
    dict(name="truncated_signature", headers=hdr(S[:-1]), body=BASIC, expect="invalid"),
    dict(name="no_space_after_comma", headers=hdr(f"t={TMS},v1={H}"), body=BASIC, expect="invalid",
         note="python splits on ', ' (comma + space) exactly; the Node SDK splits on ',' and accepts"),
    dict(name="sdk_quirk_prefix_not_checked", headers=hdr(f"x={TMS}, v9={H}"), body=BASIC, expect="valid",
         note="SDK quirk: python strips the first 2 / 3 characters without checking they are `t=` / `v1=`; a strict verifier rejects"),
    dict(name="stripe_style_seconds_dot", headers=hdr(f"t={TMS}, v1={hmac_hex('sha256', SECRET, BASIC)}"), body=BASIC, expect="invalid",
         note="mutation: signature over the body alone"),
    dict(name="missing_signature_header", headers=[["Content-Type", "application/json"]], body=BASIC, expect="invalid"),
]
for s in specs:
    s.setdefault("secret", SECRET)

cases = judge_all(specs, judge)
node = subprocess.run(["node", str(Path(__file__).with_name("workos-node-check.mjs"))], input=json.dumps(cases),
                      capture_output=True, text=True, check=True)
for c, v in zip(cases, json.loads(node.stdout)):
    c["node_sdk_verdict"] = v
print(write_fixture("workos",
    f"workos=={ver('workos')} (python): signed with hmac in the SDK's layout (HMAC-SHA256(secret, f'{{t_ms}}.{{body}}') hex; the SDK has no webhook signer), "
    "verdict from WorkOSClient.webhooks.verify_header(event_body=bytes, event_signature=header, secret, tolerance=None→180) with time.time() frozen at `now`. "
    "Extra field node_sdk_verdict: @workos-inc/node@8.13.0 webhooks.verifyHeader({payload: JSON.parse(body), sigHeader, secret}) with Date.now() frozen",
    cases))
