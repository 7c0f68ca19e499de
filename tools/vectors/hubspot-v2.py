#!/usr/bin/env python3
"""Generates tests/vectors/hubspot-v2.json and tests/vectors/hubspot-v1.json (the legacy X-HubSpot-Signature,
versions v2 and v1) with the official HubSpot Python SDK: signed with Signature.get_signature(secret, body, version,
uri, method), verdict from Signature.is_valid(signature_version=<X-HubSpot-Signature-Version, else v1>); extra
node_sdk_verdict from @hubspot/api-client Signature.isValid (hubspot-node-check.mjs). The `docs_example` cases are
the worked examples of HubSpot's v1 and v2 request-validation pages (inputs and hash verbatim), judged by the SDK.
Cases added for webhook-guard (a v1 signature declared as v2 and the reverse, a missing version header) are
judged by the same SDK call."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

_here = sys.path.pop(0)  # avoid shadowing the `hubspot` package
from hubspot.utils.signature import Signature  # noqa: E402

sys.path.insert(0, _here)

from fixture import write_fixture  # noqa: E402
from fixture_g2 import judge_all, compact, pretty, tamper, UNICODE_TEXT, ver  # noqa: E402

SECRET = "8d9f1b2c-3a4e-4f5a-9b6c-7d8e9f0a1b2c"
URL = "https://example.com/webhooks/hubspot-workflow?source=wf"
# HubSpot's worked examples (developers.hubspot.com/docs/faq/v1-request-validation and v2-request-validation).
DOCS_SECRET = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy"
DOCS_BODY = ('[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":'
             '"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]')
DOCS_V1_HASH = "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de"
DOCS_V2_URI = "https://www.example.com/webhook_uri"
DOCS_V2_HASH = "eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e"


def judge(c):
    h = {k.lower(): v for k, v in c["headers"]}
    if "x-hubspot-signature" not in h:
        raise ValueError("no X-HubSpot-Signature header")
    return Signature.is_valid(signature=h["x-hubspot-signature"], client_secret=c["secret"], request_body=c["body"],
                              http_uri=c["url"], http_method=c["method"], signature_version=h.get("x-hubspot-signature-version", "v1"))


def sign(body, version="v2", url=URL, method="POST", secret=SECRET):
    return Signature.get_signature(secret, body, version, url, method)


def hdr(sig, version="v2"):
    return [["X-HubSpot-Signature", sig], ["X-HubSpot-Signature-Version", version], ["Content-Type", "application/json"]]


WF = compact({"callbackId": "ap-102670506-56776413549-7-0", "origin": {"portalId": 62515, "actionDefinitionId": 1000,
              "actionDefinitionVersion": 1}, "context": {"source": "WORKFLOWS", "workflowId": 123456},
              "object": {"objectId": 904, "objectType": "CONTACT"}, "inputFields": {"widgetName": "hello"}})
EVENTS = compact([{"eventId": 1, "subscriptionId": 12345, "portalId": 62515, "occurredAt": 1699999990000,
                   "subscriptionType": "contact.creation", "attemptNumber": 0, "objectId": 123, "changeSource": "CRM", "note": "hello"}])
UNI = compact({"callbackId": "ap-uni", "inputFields": {"widgetName": UNICODE_TEXT}})
S2 = sign(WF)
S1 = sign(EVENTS, "v1")

assert Signature.get_signature(DOCS_SECRET, DOCS_BODY, "v1") == DOCS_V1_HASH
assert Signature.get_signature(DOCS_SECRET, "", "v2", DOCS_V2_URI, "GET") == DOCS_V2_HASH

v2_specs = [
    dict(name="v2_workflow_signed", headers=hdr(S2), body=WF, expect="valid",
         note="v2: hex SHA-256 of client_secret + method + URI + body (a plain hash, not an HMAC)"),
    dict(name="docs_example", secret=DOCS_SECRET, method="GET", url=DOCS_V2_URI, headers=hdr(DOCS_V2_HASH)[:2], body="",
         expect="valid", note="HubSpot's v2 worked example (GET https://www.example.com/webhook_uri, no body), hash verbatim"),
    dict(name="v2_non_ascii_body", headers=hdr(sign(UNI)), body=UNI, expect="valid"),
    dict(name="v2_get_crm_card", method="GET", url="https://example.com/crm-card?userId=1&portalId=62515",
         headers=hdr(sign("", url="https://example.com/crm-card?userId=1&portalId=62515", method="GET"))[:2], body="", expect="valid"),
    dict(name="v2_tampered_body", headers=hdr(S2), body=tamper(WF), expect="invalid"),
    dict(name="v2_reserialized_pretty_json", headers=hdr(S2), body=pretty(WF), expect="invalid"),
    dict(name="v2_wrong_secret", headers=hdr(sign(WF, secret="other-secret")), body=WF, expect="invalid"),
    dict(name="v2_url_changed", url="https://example.com/webhooks/hubspot-workflow", headers=hdr(S2), body=WF, expect="invalid"),
    dict(name="v2_method_changed", method="PUT", headers=hdr(S2), body=WF, expect="invalid"),
    dict(name="v2_signature_checked_as_v1", headers=hdr(S2, "v1"), body=WF, expect="invalid",
         note="the version header selects the construction in the SDK"),
    dict(name="v2_uppercase_hex", headers=hdr(S2.upper()), body=WF, expect="invalid"),
    dict(name="v2_hmac_instead_of_hash", headers=hdr(__import__("hmac").new(SECRET.encode(), ("POST" + URL + WF).encode(), hashlib.sha256).hexdigest()),
         body=WF, expect="invalid", note="mutation: v1/v2 are SHA-256(secret ‖ …), not HMAC"),
    dict(name="v2_truncated", headers=hdr(S2[:-2]), body=WF, expect="invalid"),
    dict(name="missing_signature_header", headers=[["X-HubSpot-Signature-Version", "v2"], ["Content-Type", "application/json"]], body=WF,
         expect="invalid"),
]
v1_specs = [
    dict(name="v1_webhooks_api_signed", headers=hdr(S1, "v1"), body=EVENTS, expect="valid",
         note="v1 (webhooks API subscriptions): hex SHA-256 of client_secret + body; method and URI not covered"),
    dict(name="docs_example", secret=DOCS_SECRET, headers=hdr(DOCS_V1_HASH, "v1"), body=DOCS_BODY, expect="valid",
         note="HubSpot's v1 worked example (secret, body and hash verbatim)"),
    dict(name="v1_non_ascii_body", headers=hdr(sign(UNI, "v1"), "v1"), body=UNI, expect="valid"),
    dict(name="v1_url_irrelevant", url="https://attacker.example/other", headers=hdr(S1, "v1"), body=EVENTS, expect="valid",
         note="v1 does not cover the URL"),
    dict(name="v1_tampered_body", headers=hdr(S1, "v1"), body=tamper(EVENTS), expect="invalid"),
    dict(name="v1_wrong_secret", headers=hdr(sign(EVENTS, "v1", secret="other-secret"), "v1"), body=EVENTS, expect="invalid"),
    dict(name="v1_uppercase_hex", headers=hdr(S1.upper(), "v1"), body=EVENTS, expect="invalid"),
    dict(name="v1_truncated", headers=hdr(S1[:-2], "v1"), body=EVENTS, expect="invalid"),
    dict(name="v1_signature_declared_v2", headers=hdr(S1, "v2"), body=EVENTS, expect="invalid",
         note="a v1 signature under X-HubSpot-Signature-Version: v2 is checked as v2"),
    dict(name="sdk_quirk_missing_version_header", headers=hdr(S1)[:1] + hdr(S1)[2:], body=EVENTS, expect="valid",
         note="without X-HubSpot-Signature-Version the SDK call (signature_version defaulting to v1) accepts the v1 signature; "
              "HubSpot always sends the header"),
    dict(name="missing_signature_header", headers=[["X-HubSpot-Signature-Version", "v1"], ["Content-Type", "application/json"]],
         body=EVENTS, expect="invalid"),
]
ENV = dict(os.environ, G2_SDK_DIR=os.environ.get("G2_SDK_DIR", str(Path(__file__).with_name("envs") / "payloads")))
SOURCE = (f"hubspot-api-client=={ver('hubspot-api-client')} (python): signed with Signature.get_signature(client_secret, body, '{{v}}', url, method), "
          "verdict from Signature.is_valid(..., signature_version=X-HubSpot-Signature-Version); no timestamp. docs_example: HubSpot's "
          "worked example for {v}. Extra field node_sdk_verdict: @hubspot/api-client@13.5.0 Signature.isValid")

for provider, version, specs in (("hubspot-v2", "v2", v2_specs), ("hubspot-v1", "v1", v1_specs)):
    for s in specs:
        s.setdefault("secret", SECRET)
        s.setdefault("url", URL)
        s.setdefault("method", "POST")
    cases = judge_all(specs, judge)
    node = subprocess.run(["node", str(Path(__file__).with_name("hubspot-node-check.mjs"))], input=json.dumps(cases),
                          capture_output=True, text=True, check=True, env=ENV)
    for c, v in zip(cases, json.loads(node.stdout)):
        c["node_sdk_verdict"] = v
    print(write_fixture(provider, SOURCE.format(v=version), cases))
