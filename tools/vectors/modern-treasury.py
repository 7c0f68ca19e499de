#!/usr/bin/env python3
"""Generates tests/vectors/modern-treasury.json with the official Modern Treasury Python SDK:
signed with ModernTreasury(...).webhooks.get_signature(payload, key=...), verdict from
webhooks.validate_signature(payload, headers, key=...). No timestamp in the scheme."""
from __future__ import annotations

from modern_treasury import ModernTreasury

from fixture import write_fixture
from fixture_g2 import judge_all, compact, pretty, tamper, hmac_b64, UNICODE_TEXT, ver

KEY = "5f3c9e1a7b2d4f6e8a0c1b3d5e7f9a2b"  # webhook key, Developer Settings → Webhooks
client = ModernTreasury(api_key="test", organization_id="org-test")


def judge(c):
    return client.webhooks.validate_signature(c["body"], dict(c["headers"]), key=c["secret"])


def sign(body, key=KEY):
    return client.webhooks.get_signature(body, key=key)


def hdr(sig):
    return [["X-Signature", sig], ["Content-Type", "application/json"]]


BASIC = compact({"event": "completed", "data": {"id": "e3b9f6a0-0000-4000-8000-c1d2e3f4a5b6", "object": "payment_order", "type": "ach",
                 "amount": 20000, "direction": "credit", "currency": "USD", "status": "completed", "description": "hello vendor",
                 "originating_account_id": "0f8e3719-3dfd-4613-9bbf-c0333781b59f", "created_at": "2023-11-14T22:10:00Z",
                 "updated_at": "2023-11-14T22:13:14Z", "live_mode": False}})
UNI = compact({"event": "created", "data": {"id": "cp-uni", "object": "counterparty", "name": f"Société {UNICODE_TEXT}", "live_mode": False}})
S = sign(BASIC)

specs = [
    dict(name="sdk_signed_basic", headers=hdr(S), body=BASIC, expect="valid"),
    dict(name="non_ascii_body", headers=hdr(sign(UNI)), body=UNI, expect="valid"),
    dict(name="empty_body", headers=hdr(sign("")), body="", expect="valid"),
    dict(name="tampered_body", headers=hdr(S), body=tamper(BASIC), expect="invalid"),
    dict(name="reserialized_pretty_json", headers=hdr(S), body=pretty(BASIC), expect="invalid"),
    dict(name="wrong_key", headers=hdr(sign(BASIC, "not-the-webhook-key")), body=BASIC, expect="invalid"),
    dict(name="uppercase_hex", headers=hdr(S.upper()), body=BASIC, expect="invalid"),
    dict(name="base64_signature", headers=hdr(hmac_b64("sha256", KEY, BASIC)), body=BASIC, expect="invalid"),
    dict(name="sha256_prefixed", headers=hdr("sha256=" + S), body=BASIC, expect="invalid"),
    dict(name="truncated_signature", headers=hdr(S[:-1]), body=BASIC, expect="invalid"),
    dict(name="missing_signature_header", headers=hdr(S)[1:], body=BASIC, expect="invalid"),
]
for s in specs:
    s.setdefault("secret", KEY)

cases = judge_all(specs, judge)
print(write_fixture("modern-treasury",
    f"modern-treasury=={ver('modern-treasury')} (python): signed with ModernTreasury(...).webhooks.get_signature(body, key=...), verdict from "
    "webhooks.validate_signature(body, headers, key=...); npm modern-treasury@3.3.0 resources/webhooks.js is the same construction",
    cases))
