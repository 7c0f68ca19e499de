#!/usr/bin/env python3
"""Generates tests/vectors/elevenlabs.json with the official ElevenLabs Python SDK (verdicts), plus
the official Node SDK's verdict as `node_sdk_verdict` (elevenlabs-node-check.mjs)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

_here = sys.path.pop(0)  # this script is named elevenlabs.py: import the SDK, not itself
from elevenlabs import ElevenLabs  # noqa: E402

sys.path.insert(0, _here)

from fixture import write_fixture  # noqa: E402
from fixture_g2 import judge_all, compact, pretty, tamper, hmac_hex, hmac_b64, UNICODE_TEXT, ver  # noqa: E402

SECRET = "wsec_3e1f0c9b8a7d6e5f4a3b2c1d0e9f8a7b"
T = 1699999995

client = ElevenLabs(api_key="sk_test")


def judge(c):
    sig = next((v for k, v in c["headers"] if k.lower() == "elevenlabs-signature"), None)
    client.webhooks.construct_event(rawBody=c["body"], sig_header=sig, secret=c["secret"])
    return True


def sign(t, body, secret=SECRET):
    return f"t={t},v0={hmac_hex('sha256', secret, f'{t}.{body}')}"


def hdr(v):
    return [["ElevenLabs-Signature", v], ["Content-Type", "application/json"]]


BASIC = compact({"type": "post_call_transcription", "event_timestamp": 1699999990, "data": {
    "agent_id": "xyz", "conversation_id": "abc", "status": "done", "transcript": [
        {"role": "agent", "message": "hello, how can I help?", "time_in_call_secs": 0},
        {"role": "user", "message": "Just checking in.", "time_in_call_secs": 2}],
    "metadata": {"start_time_unix_secs": 1699999900, "call_duration_secs": 22, "cost": 296},
    "analysis": {"call_successful": "success", "transcript_summary": "A short call."}}})
UNI = compact({"type": "post_call_transcription", "event_timestamp": 1699999990, "data": {
    "agent_id": "xyz", "conversation_id": "uni", "status": "done",
    "transcript": [{"role": "user", "message": UNICODE_TEXT, "time_in_call_secs": 1}]}})
H = hmac_hex("sha256", SECRET, f"{T}.{BASIC}")
S = f"t={T},v0={H}"

specs = [
    dict(name="sdk_signed_basic", headers=hdr(S), body=BASIC, expect="valid"),
    dict(name="non_ascii_body", headers=hdr(sign(T, UNI)), body=UNI, expect="valid"),
    dict(name="empty_body", headers=hdr(sign(T, "")), body="", expect="invalid",
         note="the signature matches, but construct_event then json.loads('') and fails"),
    dict(name="window_exactly_1800s_old", headers=hdr(sign(1699998200, BASIC)), body=BASIC, expect="valid",
         note="30-minute past-only window: t*1000 < now_ms - 1800000 rejects"),
    dict(name="window_1801s_old", headers=hdr(sign(1699998199, BASIC)), body=BASIC, expect="invalid"),
    dict(name="window_300s_old", headers=hdr(sign(1699999700, BASIC)), body=BASIC, expect="valid"),
    dict(name="sdk_quirk_future_1801s", headers=hdr(sign(1700001801, BASIC)), body=BASIC, expect="valid",
         note="SDK quirk: the window only looks back; any future timestamp passes. Strict: ±1800 s"),
    dict(name="tampered_body", headers=hdr(S), body=tamper(BASIC), expect="invalid"),
    dict(name="reserialized_pretty_json", headers=hdr(S), body=pretty(BASIC), expect="invalid"),
    dict(name="wrong_secret", headers=hdr(sign(T, BASIC, "wsec_other")), body=BASIC, expect="invalid"),
    dict(name="timestamp_changed", headers=hdr(f"t={T + 1},v0={H}"), body=BASIC, expect="invalid"),
    dict(name="uppercase_hex", headers=hdr(f"t={T},v0={H.upper()}"), body=BASIC, expect="invalid"),
    dict(name="base64_signature", headers=hdr(f"t={T},v0={hmac_b64('sha256', SECRET, f'{T}.{BASIC}')}"), body=BASIC, expect="invalid"),
    dict(name="v1_scheme_instead_of_v0", headers=hdr(f"t={T},v1={H}"), body=BASIC, expect="invalid"),
    dict(name="truncated_signature", headers=hdr(S[:-1]), body=BASIC, expect="invalid"),
    dict(name="space_after_comma", headers=hdr(f"t={T}, v0={H}"), body=BASIC, expect="invalid",
         note="items are matched with startswith('v0=') without trimming"),
    dict(name="signature_first_order", headers=hdr(f"v0={H},t={T}"), body=BASIC, expect="valid",
         note="item order does not matter"),
    dict(name="timestamp_in_ms", headers=hdr(sign(T * 1000, BASIC)), body=BASIC, expect="valid",
         note="SDK quirk: a millisecond t looks far in the future and passes the past-only check; strict verifiers reject"),
    dict(name="missing_signature_header", headers=[["Content-Type", "application/json"]], body=BASIC, expect="invalid"),
    # Added for webhook-guard: the future edge of a two-sided ±1800 s window, and a missing timestamp.
    dict(name="future_1800s", headers=hdr(sign(1_700_001_800, BASIC)), body=BASIC, expect="valid"),
    dict(name="missing_timestamp", headers=hdr(f"v0={H}"), body=BASIC, expect="invalid"),
]
for s in specs:
    s.setdefault("secret", SECRET)
specs[[s["name"] for s in specs].index("timestamp_in_ms")]["name"] = "sdk_quirk_timestamp_in_ms"

cases = judge_all(specs, judge)
node = subprocess.run(["node", str(Path(__file__).with_name("elevenlabs-node-check.mjs"))], input=json.dumps(cases),
                      capture_output=True, text=True, check=True)
for c, v in zip(cases, json.loads(node.stdout)):
    c["node_sdk_verdict"] = v
print(write_fixture("elevenlabs",
    f"elevenlabs=={ver('elevenlabs')} (python): signed with hmac in the SDK's layout (the SDK has no signer), verdict from "
    "ElevenLabs(...).webhooks.construct_event(rawBody, sig_header, secret) with time.time() frozen at `now`; extra field "
    "node_sdk_verdict: @elevenlabs/elevenlabs-js@2.73.0 client.webhooks.constructEvent with Date.now() frozen",
    cases))
