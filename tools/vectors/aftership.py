#!/usr/bin/env python3
"""AfterShip Tracking webhook fixtures.

No SDK verifier (@aftership/tracking-sdk only signs its own API requests). Transcription of
https://www.aftership.com/docs/tracking/webhook/webhook-signature :
  aftership-hmac-sha256 = base64(HMAC-SHA256(webhook secret, raw body))
(AfterShip Returns / Warranty use `as-signature-hmac-sha256`; older orgs `am-webhook-signature: hmac-sha256=...`.)
"""
from body_hmac import (UNICODE_TEXT, b64, body_hmac_cases, body_hmac_transcription, compact,
                        hmac_digest, write_fixture)

SECRET = "2e55b9a3-4dd1-4416-9897-c4bd1e3d738f"  # Settings > Webhooks > webhook secret
OTHER = "00000000-0000-0000-0000-000000000000"
H = "aftership-hmac-sha256"
sign, judge = body_hmac_transcription("sha256", "base64")


def tracking_update(msg: str) -> str:
    return compact({
        "event": "tracking_update", "event_id": "b1b13a94-5d73-4b42-a8e4-0e3d3f3b0b5e", "is_tracking_first_tag": False,
        "msg": {"id": "5b0c1b9a3b9a4a1e0f1d2c3b", "tracking_number": "1Z999AA10123456784", "slug": "ups",
                "tag": "InTransit", "subtag": "InTransit_001", "title": msg,
                "checkpoints": [{"checkpoint_time": "2023-11-14T14:13:15-08:00", "location": "Hong Kong",
                                 "message": msg, "tag": "InTransit"}]},
        "ts": 1699999995,
    })


def build():
    cases = body_hmac_cases(
        header=H, sign=sign, judge=judge, secret=SECRET, other_secret=OTHER,
        bodies=[("tracking_update_basic", tracking_update("hello world: departed facility"), None),
                ("non_ascii_body", tracking_update("Zugestellt in Köln 📦 " + UNICODE_TEXT), None)],
        mutations=[
            ("hex_encoding", lambda b, s: hmac_digest("sha256", s, b).hex(), "mutation: hex instead of base64"),
            ("base64_unpadded", lambda b, s: sign(b, s).rstrip("="), "mutation: '=' padding removed"),
            ("legacy_prefix_form", lambda b, s: "hmac-sha256=" + sign(b, s),
             "mutation: the legacy am-webhook-signature value form in the Tracking header"),
            ("truncated_signature", lambda b, s: sign(b, s)[:-4], "mutation: last 4 chars cut"),
        ])
    # Other AfterShip products sign the same bytes under other headers; a Tracking verifier reads
    # only aftership-hmac-sha256, so these are judged with that header absent.
    first = cases[0]["body"]
    for name, header, value, note in [
        ("returns_warranty_header_only", "as-signature-hmac-sha256", sign(first, SECRET),
         "a correct signature in the Returns / Warranty header as-signature-hmac-sha256, no Tracking header"),
        ("legacy_returns_header_only", "am-webhook-signature", "hmac-sha256=" + sign(first, SECRET),
         "a correct signature in the legacy Returns header am-webhook-signature, no Tracking header"),
    ]:
        headers = [[header, value]]
        v, why = judge(first, dict(map(tuple, headers)).get(H), SECRET)
        if v == "invalid":
            note += f"; verifier: {why}"
        cases.append(dict(cases[0], name=name, headers=headers, sdk_verdict=v, note=note))
    return cases


if __name__ == "__main__":
    src = ("transcription (no SDK verifier) of https://www.aftership.com/docs/tracking/webhook/webhook-signature: "
           "aftership-hmac-sha256 = base64(HMAC-SHA256(webhook secret, raw body)), exact constant-time compare")
    print(write_fixture("aftership", src, build()))
