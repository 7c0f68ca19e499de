#!/usr/bin/env python3
"""Generates tests/vectors/pagerduty.json. PagerDuty publishes no Python/Node verifier package;
verdicts come from the docs' own Python sample `PagerDutyVerifier.verify` (PagerDuty/developer-docs
docs/webhooks/04-Signatures.md), transcribed verbatim below. The extra field `go_sdk_verdict`
is a line-by-line transcription of the official Go library's webhookv3.VerifySignature
(PagerDuty/go-pagerduty webhookv3/webhookv3.go), which differs on hex case and empty bodies."""
from __future__ import annotations

import hashlib
import hmac

from fixture import write_fixture
from fixture_g2 import judge_all, compact, pretty, tamper, hmac_hex, hmac_b64, UNICODE_TEXT

SECRET = "pQ7/ZjR2Xk9mN4vB1wE5tY8uI3oP6aS0dF2gH4jK7lM9nB1vC3xZ5qW8eR0tY2uI"
OLD = "aB3cD5eF7gH9iJ1kL3mN5oP7qR9sT1uV3wX5yZ7aB9cD1eF3gH5iJ7kL9mN1oP3"


class PagerDutyVerifier:  # verbatim from the docs' Python tab
    def __init__(self, key, version):
        self.key = key
        self.version = version

    def verify(self, payload, signatures):
        comparisons = []
        byte_key = self.key.encode("ASCII")
        signature = hmac.new(byte_key, payload.encode(), hashlib.sha256).hexdigest()
        signatureWithVersion = self.version + "=" + signature
        signatureList = signatures.split(",")

        for _signature in signatureList:
            comparisons.append(hmac.compare_digest(signatureWithVersion, _signature))

        return any(comparisons)


def judge(c):
    sig = next((v for k, v in c["headers"] if k.lower() == "x-pagerduty-signature"), None)
    if sig is None:
        raise ValueError("no X-PagerDuty-Signature header")
    return PagerDutyVerifier(c["secret"], "v1").verify(c["body"], sig)


def go_verify(c) -> str:
    """Transcription of go-pagerduty webhookv3.VerifySignature (not run: no Go toolchain here)."""
    h = next((v for k, v in c["headers"] if k.lower() == "x-pagerduty-signature"), "")
    b = c["body"].encode()[: 2 * 1024 * 1024]
    if not h or not b:
        return "invalid"
    sigs = []
    for sv in h.split(","):
        if not sv.startswith("v1="):
            continue
        try:
            sigs.append(bytes.fromhex(sv[3:]) if all(ch in "0123456789abcdefABCDEF" for ch in sv[3:]) and len(sv[3:]) % 2 == 0 else None)
        except ValueError:
            continue
    sigs = [s for s in sigs if s is not None]
    if not sigs:
        return "invalid"
    s = hmac.new(c["secret"].encode(), b, hashlib.sha256).digest()
    return "valid" if any(hmac.compare_digest(s, x) for x in sigs) else "invalid"


def v1(body, secret=SECRET):
    return "v1=" + hmac_hex("sha256", secret, body)


def hdr(sig):
    return [["X-PagerDuty-Signature", sig], ["Content-Type", "application/json"], ["User-Agent", "PagerDuty-Webhook/V3.0"],
            ["X-Webhook-Id", "PD0A1B2C3D4E5F"], ["X-Webhook-Subscription", "PX7YZAB"]]


BASIC = compact({"event": {"id": "01DEN7A4YZV8Y2ZHNZ4G8P5M3M", "event_type": "incident.triggered", "resource_type": "incident",
                           "occurred_at": "2023-11-14T22:13:14.123Z", "agent": {"html_url": "https://acme.pagerduty.com/users/PLH1HKV",
                           "id": "PLH1HKV", "self": "https://api.pagerduty.com/users/PLH1HKV", "summary": "Tenex Engineer", "type": "user_reference"},
                           "client": None, "data": {"id": "PGR0VU2", "type": "incident", "self": "https://api.pagerduty.com/incidents/PGR0VU2",
                           "html_url": "https://acme.pagerduty.com/incidents/PGR0VU2", "number": 2, "status": "triggered",
                           "incident_key": "d3640fbd41094207a1c11e58e46b1662", "title": "hello: disk is full", "urgency": "high"}}})
UNI = compact({"event": {"id": "01DEN7A4YZV8Y2ZHNZ4G8P5M3N", "event_type": "incident.annotated", "resource_type": "incident",
                         "occurred_at": "2023-11-14T22:13:14.123Z", "data": {"incident": {"id": "PGR0VU2"}, "content": UNICODE_TEXT, "type": "incident_note"}}})
S = v1(BASIC)

specs = [
    dict(name="signed_basic", headers=hdr(S), body=BASIC, expect="valid"),
    dict(name="non_ascii_body", headers=hdr(v1(UNI)), body=UNI, expect="valid"),
    dict(name="two_signatures_rotation_new_second", headers=hdr(v1(BASIC, OLD) + "," + S), body=BASIC, expect="valid",
         note="one v1 per active secret, comma-separated, no spaces"),
    dict(name="two_signatures_rotation_new_first", headers=hdr(S + "," + v1(BASIC, OLD)), body=BASIC, expect="valid"),
    dict(name="unknown_version_ignored", headers=hdr("v2=deadbeef," + S), body=BASIC, expect="valid"),
    dict(name="empty_body", headers=hdr(v1("")), body="", expect="valid",
         note="the docs sample accepts it; go-pagerduty rejects an empty body (ErrMalformedBody)"),
    dict(name="tampered_body", headers=hdr(S), body=tamper(BASIC), expect="invalid"),
    dict(name="reserialized_pretty_json", headers=hdr(S), body=pretty(BASIC), expect="invalid"),
    dict(name="wrong_secret", headers=hdr(v1(BASIC, "not-the-secret")), body=BASIC, expect="invalid"),
    dict(name="both_signatures_wrong", headers=hdr(v1(BASIC, OLD) + "," + v1(BASIC, "third")), body=BASIC, expect="invalid"),
    dict(name="uppercase_hex", headers=hdr("v1=" + S[3:].upper()), body=BASIC, expect="invalid",
         note="docs sample compares text (rejects); go-pagerduty hex-decodes (accepts)"),
    dict(name="space_after_comma", headers=hdr(v1(BASIC, OLD) + ", " + S), body=BASIC, expect="invalid",
         note="items are not trimmed: ' v1=…' never matches (docs say the header is sent without spaces)"),
    dict(name="missing_v1_prefix", headers=hdr(S[3:]), body=BASIC, expect="invalid"),
    dict(name="base64_signature", headers=hdr("v1=" + hmac_b64("sha256", SECRET, BASIC)), body=BASIC, expect="invalid"),
    dict(name="truncated_signature", headers=hdr(S[:-2]), body=BASIC, expect="invalid"),
    dict(name="missing_signature_header", headers=[["Content-Type", "application/json"]], body=BASIC, expect="invalid"),
]
for s in specs:
    s.setdefault("secret", SECRET)

cases = judge_all(specs, judge)
for c in cases:
    c["go_sdk_verdict"] = go_verify(c)
print(write_fixture("pagerduty",
    "no Python/Node SDK verifier: the docs' Python sample PagerDutyVerifier(key, 'v1').verify(payload, signatures) "
    "(PagerDuty/developer-docs docs/webhooks/04-Signatures.md @9422439) transcribed verbatim in tools/vectors/pagerduty.py; extra field "
    "go_sdk_verdict = transcription of the official go-pagerduty webhookv3.VerifySignature (@d34fb98), not executed. No timestamp in the scheme",
    cases))
