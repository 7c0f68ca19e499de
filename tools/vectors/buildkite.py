#!/usr/bin/env python3
"""Generates tests/vectors/buildkite.json. Buildkite ships no SDK verifier; verdicts come from a
transcription of the docs' Ruby sample `BuildkiteWebhook.valid?` (buildkite/docs
pages/apis/webhooks/_verifying_hmac_signatures.md) and, for the X-Buildkite-Token mode, a plain
constant-time token comparison (pages/apis/webhooks/_http_headers_token_or_signature.md)."""
from __future__ import annotations

import hashlib
import hmac

from fixture import write_fixture
from fixture_g2 import judge_all, compact, pretty, tamper, hmac_hex, hmac_b64, UNICODE_TEXT

TOKEN = "309c9c842a8565adec0d7469f6005989"  # the webhook's Token (used as the HMAC key in signature mode)
T = 1699999995


def ruby_sample_valid(body: str, header: str, secret: str) -> bool:
    parts = {}
    for kv in header.split(","):
        pair = [p.strip() for p in kv.split("=", 1)]  # Ruby: kv.split("=", 2).map(&:strip)
        if len(pair) == 2:
            parts[pair[0]] = pair[1]
        else:
            parts[pair[0]] = None
    timestamp, signature = parts.get("timestamp"), parts.get("signature")
    expected = hmac.new(secret.encode(), f"{'' if timestamp is None else timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    # Rack::Utils.secure_compare: false on different lengths (or nil)
    return signature is not None and hmac.compare_digest(expected, signature)


def judge(c):
    h = {k.lower(): v for k, v in c["headers"]}
    if "x-buildkite-signature" in h:
        return ruby_sample_valid(c["body"], h["x-buildkite-signature"], c["secret"])
    if "x-buildkite-token" in h:
        return hmac.compare_digest(h["x-buildkite-token"], c["secret"])
    raise ValueError("neither X-Buildkite-Signature nor X-Buildkite-Token present")


# webhook-guard has one preset per mode (`buildkite`: signature, `buildkite-token`: token), each
# configured for the mode the webhook was set to; each fixture is judged by that mode's check.
def judge_signature(c):
    h = {k.lower(): v for k, v in c["headers"]}
    if "x-buildkite-signature" not in h:
        raise ValueError("no X-Buildkite-Signature (the webhook is in signature mode)")
    return ruby_sample_valid(c["body"], h["x-buildkite-signature"], c["secret"])


def judge_token(c):
    h = {k.lower(): v for k, v in c["headers"]}
    if "x-buildkite-token" not in h:
        raise ValueError("no X-Buildkite-Token (the webhook is in token mode)")
    return hmac.compare_digest(h["x-buildkite-token"].encode(), c["secret"].encode())


def sig(t, body, secret=TOKEN):
    return f"timestamp={t},signature={hmac_hex('sha256', secret, f'{t}.{body}')}"


def hdr(name, value, event="build.finished"):
    return [[name, value], ["X-Buildkite-Event", event], ["Content-Type", "application/json"]]


BASIC = compact({"event": "build.finished", "build": {"id": "f62a1b4d-10f9-4790-bc1c-e2c3a0c80983", "number": 24,
                 "state": "passed", "message": "hello world", "commit": "a1b2c3d4", "branch": "main",
                 "created_at": "2023-11-14T22:10:00.000Z", "finished_at": "2023-11-14T22:13:10.000Z"},
                 "pipeline": {"slug": "my-pipeline"}, "sender": {"id": "8a7693f8-dbae-4783-9137-84090fce9045", "name": "Some Person"}})
UNI = compact({"event": "job.finished", "job": {"id": "b63254c0-3271-4a98-8270-7cfbd6c2f14e", "state": "passed",
               "name": f":rocket: déploiement {UNICODE_TEXT}"}, "pipeline": {"slug": "my-pipeline"}})
PING = compact({"event": "ping", "service": {"id": "c9f8372d-c0cd-43dc-9269-bfbaf8c1b54b", "provider": "webhook",
                "settings": {"url": "https://example.com/buildkite"}}, "organization": {"slug": "acme"}})
H = hmac_hex("sha256", TOKEN, f"{T}.{BASIC}")
S = f"timestamp={T},signature={H}"

specs = [
    dict(name="signature_mode_basic", headers=hdr("X-Buildkite-Signature", S), body=BASIC, expect="valid"),
    dict(name="non_ascii_body", headers=hdr("X-Buildkite-Signature", sig(T, UNI), "job.finished"), body=UNI, expect="valid"),
    dict(name="ping_event", headers=hdr("X-Buildkite-Signature", sig(T, PING), "ping"), body=PING, expect="valid",
         note="`ping`: \"Webhook notification settings have changed\"; signed like any event; answer 2XX"),
    dict(name="empty_body", headers=hdr("X-Buildkite-Signature", sig(T, "")), body="", expect="valid"),
    dict(name="token_mode", headers=hdr("X-Buildkite-Token", TOKEN), body=BASIC, expect="valid",
         note="token mode: the token is sent verbatim and the body is NOT authenticated"),
    dict(name="token_mode_wrong_token", headers=hdr("X-Buildkite-Token", "309c9c842a8565adec0d7469f6005988"), body=BASIC, expect="invalid"),
    dict(name="whitespace_around_items", headers=hdr("X-Buildkite-Signature", f"timestamp={T}, signature={H}"), body=BASIC, expect="valid",
         note="the docs sample strips keys and values"),
    dict(name="stale_timestamp_one_day", headers=hdr("X-Buildkite-Signature", sig(T - 86400, BASIC)), body=BASIC, expect="valid",
         note="the docs sample checks no age; the docs suggest rejecting outside 'a short window (for example, 5 minutes)'"),
    dict(name="tampered_body", headers=hdr("X-Buildkite-Signature", S), body=tamper(BASIC), expect="invalid"),
    dict(name="reserialized_pretty_json", headers=hdr("X-Buildkite-Signature", S), body=pretty(BASIC), expect="invalid"),
    dict(name="wrong_token_as_key", headers=hdr("X-Buildkite-Signature", sig(T, BASIC, "another-token")), body=BASIC, expect="invalid"),
    dict(name="timestamp_changed", headers=hdr("X-Buildkite-Signature", f"timestamp={T + 1},signature={H}"), body=BASIC, expect="invalid"),
    dict(name="uppercase_hex", headers=hdr("X-Buildkite-Signature", f"timestamp={T},signature={H.upper()}"), body=BASIC, expect="invalid"),
    dict(name="base64_signature", headers=hdr("X-Buildkite-Signature", f"timestamp={T},signature={hmac_b64('sha256', TOKEN, f'{T}.{BASIC}')}"),
         body=BASIC, expect="invalid"),
    dict(name="stripe_style_keys", headers=hdr("X-Buildkite-Signature", f"t={T},v1={H}"), body=BASIC, expect="invalid",
         note="the keys are `timestamp` and `signature`"),
    dict(name="truncated_signature", headers=hdr("X-Buildkite-Signature", S[:-1]), body=BASIC, expect="invalid"),
    dict(name="signature_over_body_only", headers=hdr("X-Buildkite-Signature", f"timestamp={T},signature={hmac_hex('sha256', TOKEN, BASIC)}"),
         body=BASIC, expect="invalid"),
    dict(name="missing_signature_and_token", headers=[["X-Buildkite-Event", "build.finished"], ["Content-Type", "application/json"]],
         body=BASIC, expect="invalid"),
    # Added for webhook-guard: window edges (the sample checks no age; the docs suggest about 5
    # minutes, taken two-sided), malformed headers.
    dict(name="window_exactly_300s_old", headers=hdr("X-Buildkite-Signature", sig(1_699_999_700, BASIC)), body=BASIC, expect="valid"),
    dict(name="sdk_quirk_stale_301s", headers=hdr("X-Buildkite-Signature", sig(1_699_999_699, BASIC)), body=BASIC, expect="valid",
         note="the docs sample checks no age; a ±300 s verifier rejects this"),
    dict(name="future_300s", headers=hdr("X-Buildkite-Signature", sig(1_700_000_300, BASIC)), body=BASIC, expect="valid"),
    dict(name="sdk_quirk_future_301s", headers=hdr("X-Buildkite-Signature", sig(1_700_000_301, BASIC)), body=BASIC, expect="valid",
         note="the docs sample checks no age; a ±300 s verifier rejects this"),
    dict(name="missing_timestamp", headers=hdr("X-Buildkite-Signature", f"signature={H}"), body=BASIC, expect="invalid"),
    dict(name="token_mode_delivery", headers=hdr("X-Buildkite-Token", TOKEN), body=BASIC, expect="invalid",
         note="a webhook in token mode sends no signature (see buildkite-token.json)"),
]
token_specs = [
    dict(name="token_mode", headers=hdr("X-Buildkite-Token", TOKEN), body=BASIC, expect="valid",
         note="token mode: the token is sent verbatim and the body is NOT authenticated"),
    dict(name="non_ascii_body", headers=hdr("X-Buildkite-Token", TOKEN, "job.finished"), body=UNI, expect="valid"),
    dict(name="body_not_authenticated", headers=hdr("X-Buildkite-Token", TOKEN), body=tamper(BASIC), expect="valid",
         note="any body passes with the token: token mode authenticates the sender's knowledge of the token only"),
    dict(name="token_mode_wrong_token", headers=hdr("X-Buildkite-Token", "309c9c842a8565adec0d7469f6005988"), body=BASIC, expect="invalid"),
    dict(name="truncated_token", headers=hdr("X-Buildkite-Token", TOKEN[:-1]), body=BASIC, expect="invalid"),
    dict(name="token_with_suffix", headers=hdr("X-Buildkite-Token", TOKEN + "0"), body=BASIC, expect="invalid"),
    dict(name="uppercase_token", headers=hdr("X-Buildkite-Token", TOKEN.upper()), body=BASIC, expect="invalid"),
    dict(name="signature_mode_delivery", headers=hdr("X-Buildkite-Signature", S), body=BASIC, expect="invalid",
         note="a webhook in signature mode sends no token"),
    dict(name="missing_signature_and_token", headers=[["X-Buildkite-Event", "build.finished"], ["Content-Type", "application/json"]],
         body=BASIC, expect="invalid"),
]
for s in token_specs:
    s.setdefault("secret", TOKEN)
TOKEN_MODE = {"token_mode", "token_mode_wrong_token"}

for s in specs:
    s.setdefault("secret", TOKEN)

cases = judge_all([s for s in specs if s["name"] not in TOKEN_MODE], judge_signature)
print(write_fixture("buildkite",
    "no official SDK verifier: transcription of the docs' Ruby sample BuildkiteWebhook.valid? (buildkite/docs @35cf0294c "
    "pages/apis/webhooks/_verifying_hmac_signatures.md: hex HMAC-SHA256(token, \"#{timestamp}.#{body}\"), items split on ',' then '=' and stripped), "
    "tools/vectors/buildkite.py judge_signature (a webhook in signature mode). No window in the sample",
    cases))
token_cases = judge_all(token_specs, judge_token)
print(write_fixture("buildkite-token",
    "no official SDK verifier: token mode of buildkite/docs @35cf0294c pages/apis/webhooks/_http_headers_token_or_signature.md "
    "(X-Buildkite-Token carries the webhook's token), tools/vectors/buildkite.py judge_token: constant-time comparison with the token",
    token_cases))
