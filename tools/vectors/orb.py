#!/usr/bin/env python3
"""Generates tests/vectors/orb.json with the official Orb Python SDK (PyPI orb-billing):
verdicts from Orb(...).webhooks.verify_signature(payload, headers, secret=…) with datetime.now frozen
(signatures in the SDK's layout: hex HMAC-SHA256(secret, f"v1:{X-Orb-Timestamp}:{body}"), header
`v1=<hex>`; the SDK has no signer)."""
from __future__ import annotations

import datetime as _dt
from unittest import mock

import sys

_here = sys.path.pop(0)  # this script is named orb.py: import the SDK, not itself
from orb import Orb  # noqa: E402

sys.path.insert(0, _here)

from fixture import write_fixture
from fixture_g2 import judge_all, compact, pretty, tamper, hmac_hex, hmac_b64, UNICODE_TEXT, ver

SECRET = "whsec_orb_2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c"  # webhook secret from the Orb dashboard (raw text key)
REAL_DT = _dt.datetime
client = Orb(api_key="test-key")


def iso(offset=0.0, suffix=""):
    return REAL_DT.fromtimestamp(1_700_000_000 + offset, _dt.timezone.utc).replace(tzinfo=None).isoformat(timespec="microseconds") + suffix


TS = iso(-4.876544)


def judge(c):
    class FrozenDT(REAL_DT):
        @classmethod
        def now(cls, tz=None):
            return REAL_DT.fromtimestamp(c["now"], tz)

    with mock.patch("orb.resources.webhooks.webhooks.datetime", FrozenDT):
        client.webhooks.verify_signature(payload=c["body"], headers=dict(c["headers"]), secret=c["secret"])
    return True


def sign(body, ts=TS, secret=SECRET):
    return "v1=" + hmac_hex("sha256", secret, f"v1:{ts}:{body}")


def hdr(sig, ts=TS):
    return [["X-Orb-Signature", sig], ["X-Orb-Timestamp", ts], ["Content-Type", "application/json"]]


BASIC = compact({"id": "8PZ5AZwyDyQq7QvA", "created_at": "2023-11-14T22:13:14.000000+00:00", "type": "subscription.started",
                 "properties": {}, "subscription": {"id": "GmgLN5ZPqSWHBwSL", "status": "active", "customer": {"id": "97DPcZE9hxsbb9Y9",
                 "external_customer_id": "hello-customer"}, "plan": {"id": "T8xdjD8BSa5d5kMU", "name": "Pro"}}})
UNI = compact({"id": "uniEvt", "created_at": "2023-11-14T22:13:14.000000+00:00", "type": "customer.edited",
               "properties": {"previous_attributes": {"name": "Zoë"}}, "customer": {"id": "c1", "name": UNICODE_TEXT}})
TEST = compact({"id": "testEvt", "created_at": "2023-11-14T22:13:14.000000+00:00", "type": "resource_event.test", "message": "hello"})
S = sign(BASIC)
H = S[3:]

specs = [
    dict(name="signed_basic", headers=hdr(S), body=BASIC, expect="valid"),
    dict(name="non_ascii_body", headers=hdr(sign(UNI)), body=UNI, expect="valid"),
    dict(name="test_event", headers=hdr(sign(TEST)), body=TEST, expect="valid"),
    dict(name="empty_body", headers=hdr(sign("")), body="", expect="valid"),
    dict(name="timestamp_with_utc_offset", headers=hdr(sign(BASIC, iso(-5, "+00:00")), iso(-5, "+00:00")), body=BASIC, expect="valid",
         note="naive timestamps are read as UTC; an explicit offset also parses; the raw header text is what is signed"),
    dict(name="two_signatures_space_separated", headers=hdr("v1=" + hmac_hex("sha256", "old-secret", f"v1:{TS}:{BASIC}") + " " + S),
         body=BASIC, expect="valid", note="space-separated list of v1=<hex>; any match"),
    dict(name="window_exactly_300s_old", headers=hdr(sign(BASIC, iso(-300)), iso(-300)), body=BASIC, expect="valid",
         note="±5 minutes, inclusive, symmetric"),
    dict(name="window_301s_old", headers=hdr(sign(BASIC, iso(-301)), iso(-301)), body=BASIC, expect="invalid"),
    dict(name="future_300s", headers=hdr(sign(BASIC, iso(300)), iso(300)), body=BASIC, expect="valid"),
    dict(name="future_301s", headers=hdr(sign(BASIC, iso(301)), iso(301)), body=BASIC, expect="invalid"),
    dict(name="tampered_body", headers=hdr(S), body=tamper(BASIC), expect="invalid"),
    dict(name="reserialized_pretty_json", headers=hdr(S), body=pretty(BASIC), expect="invalid"),
    dict(name="wrong_secret", headers=hdr(sign(BASIC, secret="whsec_other")), body=BASIC, expect="invalid"),
    dict(name="timestamp_changed", headers=hdr(S, iso(-3.876544)), body=BASIC, expect="invalid"),
    dict(name="uppercase_hex", headers=hdr("v1=" + H.upper()), body=BASIC, expect="invalid"),
    dict(name="base64_signature", headers=hdr("v1=" + hmac_b64("sha256", SECRET, f"v1:{TS}:{BASIC}")), body=BASIC, expect="invalid",
         note="a base64 value with '=' padding also breaks the k=v split"),
    dict(name="comma_separated_list", headers=hdr("v1=" + hmac_hex("sha256", "old", "x") + "," + S), body=BASIC, expect="invalid",
         note="the list separator is a space"),
    dict(name="missing_v1_prefix", headers=hdr(H), body=BASIC, expect="invalid"),
    dict(name="stripe_style_message", headers=hdr("v1=" + hmac_hex("sha256", SECRET, f"{TS}.{BASIC}")), body=BASIC, expect="invalid"),
    dict(name="unix_timestamp_header", headers=hdr(sign(BASIC, "1699999995"), "1699999995"), body=BASIC, expect="invalid",
         note="X-Orb-Timestamp is ISO 8601 text, not unix seconds"),
    dict(name="missing_signature_header", headers=hdr(S)[1:], body=BASIC, expect="invalid"),
    dict(name="missing_timestamp_header", headers=[hdr(S)[0], hdr(S)[2]], body=BASIC, expect="invalid"),
]
for s in specs:
    s.setdefault("secret", SECRET)

cases = judge_all(specs, judge)
print(write_fixture("orb",
    f"orb-billing=={ver('orb-billing')} (python): signed in the SDK's layout (hex HMAC-SHA256(secret, 'v1:' + X-Orb-Timestamp + ':' + body); the SDK has no signer), "
    "verdict from Orb(...).webhooks.verify_signature(payload, headers, secret=...) with datetime.now frozen at `now`",
    cases))
