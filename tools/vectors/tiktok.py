#!/usr/bin/env python3
"""Generates tests/vectors/tiktok.json. TikTok for Developers ships no SDK with a webhook verifier;
verdicts come from a transcription of https://developers.tiktok.com/doc/webhooks-verification."""
from __future__ import annotations

import hashlib
import hmac

from fixture import write_fixture
from fixture_g2 import judge_all, compact, pretty, tamper, hmac_hex, hmac_b64, UNICODE_TEXT

SECRET = "p9x2kqz7mv4rt1hw8cj3nb6yd0fgs5la"  # the app's client_secret
T = 1699999995


def docs_verify(c: dict) -> bool:
    """Docs: split the header on `,`, each element on `=`; `t` = timestamp, `s` = signature.
    signed_payload = t + "." + body; HMAC-SHA256 keyed with client_secret; compare with `s`.
    The tolerance is left to the receiver ("decide whether the difference is tolerable"), so this
    transcription applies none."""
    header = next((v for k, v in c["headers"] if k.lower() == "tiktok-signature"), None)
    if header is None:
        raise ValueError("no TikTok-Signature header")
    params = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    if "t" not in params or "s" not in params:
        raise ValueError("t or s missing")
    expected = hmac.new(c["secret"].encode(), (params["t"] + "." + c["body"]).encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(params["s"], expected)


def hdr(v):
    return [["TikTok-Signature", v], ["Content-Type", "application/json"]]


def sig(t, body, secret=SECRET):
    return f"t={t},s={hmac_hex('sha256', secret, f'{t}.{body}')}"


# Shape of the docs' example event (webhooks overview): content is a JSON string.
BASIC = compact({"client_key": "bwo2m45353a6k85", "event": "video.publish.completed", "create_time": 1699999990,
                 "user_openid": "act.example12345Example12345Example",
                 "content": compact({"publish_id": "v_pub_url~v2.123456789", "publish_type": "DIRECT_PUBLISH", "note": "hello"})})
UNI = compact({"client_key": "bwo2m45353a6k85", "event": "authorization.removed", "create_time": 1699999990,
               "user_openid": "act.example12345Example12345Example", "content": compact({"reason": 1, "note": UNICODE_TEXT})})

specs = [
    dict(name="signed_basic", headers=hdr(sig(T, BASIC)), body=BASIC, expect="valid"),
    dict(name="non_ascii_body", headers=hdr(sig(T, UNI)), body=UNI, expect="valid"),
    dict(name="empty_body", headers=hdr(sig(T, "")), body="", expect="valid"),
    dict(name="stale_timestamp_one_day", headers=hdr(sig(T - 86400, BASIC)), body=BASIC, expect="valid",
         note="the docs leave the tolerance to the receiver; this transcription applies none. A verifier with a window rejects this"),
    dict(name="tampered_body", headers=hdr(sig(T, BASIC)), body=tamper(BASIC), expect="invalid"),
    dict(name="reserialized_pretty_json", headers=hdr(sig(T, BASIC)), body=pretty(BASIC), expect="invalid"),
    dict(name="wrong_secret", headers=hdr(sig(T, BASIC, "wrong-client-secret")), body=BASIC, expect="invalid"),
    dict(name="timestamp_changed", headers=hdr(f"t={T + 1},s={hmac_hex('sha256', SECRET, f'{T}.{BASIC}')}"), body=BASIC, expect="invalid"),
    dict(name="uppercase_hex", headers=hdr(f"t={T},s={hmac_hex('sha256', SECRET, f'{T}.{BASIC}').upper()}"), body=BASIC, expect="invalid"),
    dict(name="base64_signature", headers=hdr(f"t={T},s={hmac_b64('sha256', SECRET, f'{T}.{BASIC}')}"), body=BASIC, expect="invalid"),
    dict(name="v1_key_instead_of_s", headers=hdr(f"t={T},v1={hmac_hex('sha256', SECRET, f'{T}.{BASIC}')}"), body=BASIC, expect="invalid",
         note="the signature key is `s`, not Stripe's `v1`"),
    dict(name="truncated_signature", headers=hdr(sig(T, BASIC)[:-2]), body=BASIC, expect="invalid"),
    dict(name="signature_over_body_only", headers=hdr(f"t={T},s={hmac_hex('sha256', SECRET, BASIC)}"), body=BASIC, expect="invalid"),
    dict(name="missing_signature_header", headers=[["Content-Type", "application/json"]], body=BASIC, expect="invalid"),
    # Added for webhook-guard: window edges (the docs name no tolerance; the preset takes ±300 s), and
    # malformed headers.
    dict(name="window_exactly_300s_old", headers=hdr(sig(1_699_999_700, BASIC)), body=BASIC, expect="valid"),
    dict(name="sdk_quirk_stale_301s", headers=hdr(sig(1_699_999_699, BASIC)), body=BASIC, expect="valid",
         note="the docs leave the tolerance to the receiver and this transcription applies none; a ±300 s verifier rejects this"),
    dict(name="future_300s", headers=hdr(sig(1_700_000_300, BASIC)), body=BASIC, expect="valid"),
    dict(name="sdk_quirk_future_301s", headers=hdr(sig(1_700_000_301, BASIC)), body=BASIC, expect="valid",
         note="no tolerance in the docs; a ±300 s verifier rejects this"),
    dict(name="space_after_comma", headers=hdr(f"t={T}, s={hmac_hex('sha256', SECRET, f'{T}.{BASIC}')}"), body=BASIC, expect="invalid",
         note="items are split on `,` without trimming: ` s` is not `s`"),
    dict(name="missing_timestamp", headers=hdr(f"s={hmac_hex('sha256', SECRET, f'{T}.{BASIC}')}"), body=BASIC, expect="invalid"),
    dict(name="sdk_quirk_timestamp_in_ms", headers=hdr(sig(T * 1000, BASIC)), body=BASIC, expect="valid",
         note="TikTok sends unix seconds; the transcription checks no time, a verifier with a window rejects a millisecond t"),
]
for s in specs:
    s.setdefault("secret", SECRET)

cases = judge_all(specs, docs_verify)
# The docs' example header (no body/secret given, so it cannot be re-verified) is recorded in the spec only.
print(write_fixture("tiktok",
    "no official SDK with a verifier: transcription of https://developers.tiktok.com/doc/webhooks-verification "
    "(TikTok-Signature: t=<unix>,s=<hex HMAC-SHA256(client_secret, t.body)>), see tools/vectors/tiktok.py docs_verify; no window (left to the receiver)",
    cases))
