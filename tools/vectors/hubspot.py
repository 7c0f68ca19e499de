#!/usr/bin/env python3
"""Generates tests/vectors/hubspot.json (signature v3) with the official HubSpot Python SDK:
signed with hubspot.utils.signature.Signature.get_signature(..., 'v3', uri, method, timestamp), verdict
from Signature.is_valid(signature_version='v3') with the clock frozen at `now`; extra field
node_sdk_verdict from @hubspot/api-client Signature.isValid (hubspot-node-check.mjs)."""
from __future__ import annotations

import datetime as _dt
import json
import subprocess
from pathlib import Path
from unittest import mock

import os
import sys

_here = sys.path.pop(0)  # this script is named hubspot.py: import the SDK, not itself
from hubspot.utils.signature import Signature  # noqa: E402

sys.path.insert(0, _here)

from fixture import write_fixture
from fixture_g2 import judge_all, compact, pretty, tamper, hmac_hex, UNICODE_TEXT, ver

SECRET = "8d9f1b2c-3a4e-4f5a-9b6c-7d8e9f0a1b2c"  # the app's client secret
URL = "https://example.com/webhooks/hubspot?portal=62515"
TMS = "1699999995123"
REAL_DT = _dt.datetime


def judge(c):
    class FrozenDT(REAL_DT):
        @classmethod
        def now(cls, tz=None):
            return REAL_DT.fromtimestamp(c["now"], tz)

    h = {k.lower(): v for k, v in c["headers"]}
    if "x-hubspot-signature-v3" not in h:
        raise ValueError("no X-HubSpot-Signature-v3 header")
    with mock.patch("hubspot.utils.signature.datetime", FrozenDT):
        return Signature.is_valid(signature=h["x-hubspot-signature-v3"], client_secret=c["secret"], request_body=c["body"],
                                  http_uri=c["url"], http_method=c["method"], signature_version="v3",
                                  timestamp=h.get("x-hubspot-request-timestamp"))


def sign(body, url=URL, method="POST", t=TMS, secret=SECRET):
    return Signature.get_signature(secret, body, "v3", url, method, t)


def hdr(sig, t=TMS):
    return [["X-HubSpot-Signature-v3", sig], ["X-HubSpot-Request-Timestamp", t], ["Content-Type", "application/json"],
            ["User-Agent", "HubSpot Connect 2.0 (http://dev.hubspot.com/) (namespace: webhooks-nio-http-client) - WebhooksExecutorDaemon-executor"]]


EVENTS = compact([{"eventId": 1, "subscriptionId": 12345, "portalId": 62515, "appId": 54321, "occurredAt": 1699999990000,
                   "subscriptionType": "contact.propertyChange", "attemptNumber": 0, "objectId": 123, "changeSource": "CRM",
                   "propertyName": "firstname", "propertyValue": "hello"}])
UNI = compact([{"eventId": 2, "subscriptionId": 12345, "portalId": 62515, "appId": 54321, "occurredAt": 1699999990000,
                "subscriptionType": "contact.propertyChange", "attemptNumber": 0, "objectId": 124, "propertyName": "lastname",
                "propertyValue": f"Yllä {UNICODE_TEXT}"}])
S = sign(EVENTS)


def at(age_ms):  # timestamp `age_ms` before now (ms)
    return str(1_700_000_000_000 - age_ms)


specs = [
    dict(name="sdk_signed_basic", headers=hdr(S), body=EVENTS, expect="valid"),
    dict(name="non_ascii_body", headers=hdr(sign(UNI)), body=UNI, expect="valid"),
    dict(name="get_request_empty_body", method="GET", url="https://example.com/crm-card?userId=1&portalId=62515&associatedObjectId=123",
         headers=hdr(sign("", "https://example.com/crm-card?userId=1&portalId=62515&associatedObjectId=123", "GET"))[:2], body="",
         expect="valid", note="CRM cards / app requests use GET: method + full URI (with query) + '' + timestamp"),
    dict(name="window_299s_old", headers=hdr(sign(EVENTS, t=at(299_000)), at(299_000)), body=EVENTS, expect="valid"),
    dict(name="window_299_001s_old", headers=hdr(sign(EVENTS, t=at(299_001)), at(299_001)), body=EVENTS, expect="invalid",
         note="python floors t to whole seconds (t // 1000) and requires now - t < 300 s strictly; node accepts (299 001 ms <= 300 000)"),
    dict(name="window_exactly_300s_old", headers=hdr(sign(EVENTS, t=at(300_000)), at(300_000)), body=EVENTS, expect="invalid",
         note="python: 300 is not < 300 → reject; node: 300000 is not > 300000 → accept"),
    dict(name="window_301s_old", headers=hdr(sign(EVENTS, t=at(301_000)), at(301_000)), body=EVENTS, expect="invalid"),
    dict(name="sdk_quirk_future_one_hour", headers=hdr(sign(EVENTS, t=at(-3_600_000)), at(-3_600_000)), body=EVENTS, expect="valid",
         note="SDK quirk: both SDKs only look back; any future timestamp passes. Strict: ±300 s"),
    dict(name="future_300s", headers=hdr(sign(EVENTS, t=at(-300_000)), at(-300_000)), body=EVENTS, expect="valid",
         note="added for webhook-guard: 300 s ahead, the edge of a two-sided 5-minute window"),
    dict(name="sdk_quirk_future_301s", headers=hdr(sign(EVENTS, t=at(-301_000)), at(-301_000)), body=EVENTS, expect="valid",
         note="added for webhook-guard: SDK quirk, any future timestamp passes; strict: ±300 s"),
    dict(name="timestamp_in_seconds", headers=hdr(sign(EVENTS, t="1699999995"), "1699999995"), body=EVENTS, expect="invalid",
         note="the timestamp is milliseconds; a seconds value reads as 1970"),
    dict(name="tampered_body", headers=hdr(S), body=tamper(EVENTS), expect="invalid"),
    dict(name="reserialized_pretty_json", headers=hdr(S), body=pretty(EVENTS), expect="invalid"),
    dict(name="wrong_secret", headers=hdr(sign(EVENTS, secret="not-the-client-secret")), body=EVENTS, expect="invalid"),
    dict(name="url_query_dropped", url="https://example.com/webhooks/hubspot", headers=hdr(S), body=EVENTS, expect="invalid",
         note="the full URI including the query string is signed"),
    dict(name="url_scheme_http", url="http://example.com/webhooks/hubspot?portal=62515", headers=hdr(S), body=EVENTS, expect="invalid"),
    dict(name="method_lowercase", method="post", headers=hdr(S), body=EVENTS, expect="invalid", note="method is signed as sent (upper case)"),
    dict(name="timestamp_header_changed", headers=hdr(S, str(int(TMS) + 1)), body=EVENTS, expect="invalid"),
    dict(name="hex_signature", headers=hdr(hmac_hex("sha256", SECRET, "POST" + URL + EVENTS + TMS)), body=EVENTS, expect="invalid"),
    dict(name="v2_style_signature_in_v3_header", headers=hdr(Signature.get_signature(SECRET, EVENTS, "v2", URL, "POST")), body=EVENTS,
         expect="invalid"),
    dict(name="truncated_signature", headers=hdr(S[:-2]), body=EVENTS, expect="invalid"),
    dict(name="missing_timestamp_header", headers=hdr(S)[:1] + hdr(S)[2:], body=EVENTS, expect="invalid"),
    dict(name="missing_signature_header", headers=hdr(S)[1:], body=EVENTS, expect="invalid"),
]
for s in specs:
    s.setdefault("secret", SECRET)
    s.setdefault("url", URL)
    s.setdefault("method", "POST")

cases = judge_all(specs, judge)
ENV = dict(os.environ, G2_SDK_DIR=os.environ.get("G2_SDK_DIR", str(Path(__file__).with_name("envs") / "payloads")))
node = subprocess.run(["node", str(Path(__file__).with_name("hubspot-node-check.mjs"))], input=json.dumps(cases),
                      capture_output=True, text=True, check=True, env=ENV)
for c, v in zip(cases, json.loads(node.stdout)):
    c["node_sdk_verdict"] = v
print(write_fixture("hubspot",
    f"hubspot-api-client=={ver('hubspot-api-client')} (python): signed with hubspot.utils.signature.Signature.get_signature(client_secret, body, 'v3', url, method, timestamp), "
    "verdict from Signature.is_valid(signature, client_secret, body, http_uri=url, http_method=method, signature_version='v3', timestamp) with datetime.now frozen at `now`; "
    "extra field node_sdk_verdict: @hubspot/api-client@13.5.0 Signature.isValid with Date.now() frozen",
    cases))
