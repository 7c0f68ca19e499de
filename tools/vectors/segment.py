#!/usr/bin/env python3
"""Segment Webhooks destination fixtures.

No SDK verifier (Segment's SDKs send analytics). Transcription of Segment's docs (Twilio Docs,
"Webhooks (Actions) Destination" / "Webhooks Destination"): with a shared secret, "Segment will sign
requests with an HMAC in the X-Signature request header. The HMAC is a hex-encoded SHA1 hash generated
using the shared secret and the request body."
"""
from body_hmac import (UNICODE_TEXT, b64, body_hmac_cases, body_hmac_transcription, compact,
                        hmac_digest, write_fixture)

SECRET = "segment-shared-secret-8d2f1a"
OTHER = "another-shared-secret"
H = "X-Signature"
sign, judge = body_hmac_transcription("sha1", "hex")


def track(event: str) -> str:
    return compact({
        "anonymousId": "23adfd82-aa0f-45a7-a756-24f2a7a4c895", "context": {"library": {"name": "analytics.js", "version": "2.11.1"},
                                                                           "ip": "108.0.78.21", "locale": "en-US"},
        "event": event, "messageId": "ajs-f8ca1e4de5024d9430b3928bd8ac6b96", "properties": {"plan": "Pro Annual"},
        "receivedAt": "2023-11-14T22:13:15.908Z", "sentAt": "2023-11-14T22:13:15.898Z", "timestamp": "2023-11-14T22:13:15.905Z",
        "type": "track", "userId": "AiUGstSDIg", "version": 2,
    })


def build():
    return body_hmac_cases(
        header=H, sign=sign, judge=judge, secret=SECRET, other_secret=OTHER,
        bodies=[("track_basic", track("hello world clicked"), None),
                ("non_ascii_body", track("Bestellung abgeschlossen 😀 " + UNICODE_TEXT), None)],
        extra_headers=[("User-Agent", "Segment.io/1.0")],
        mutations=[
            ("sha256_instead_of_sha1", lambda b, s: hmac_digest("sha256", s, b).hex(), "mutation: HMAC-SHA256 hex"),
            ("uppercase_hex", lambda b, s: sign(b, s).upper(), "mutation: uppercase hex; exact compare"),
            ("sha1_prefix", lambda b, s: "sha1=" + sign(b, s), "mutation: GitHub-style prefix"),
            ("base64_encoding", lambda b, s: b64(hmac_digest("sha1", s, b)), "mutation: base64 instead of hex"),
            ("truncated_signature", lambda b, s: sign(b, s)[:-2], "mutation: last byte cut"),
        ])


if __name__ == "__main__":
    src = ("transcription (no SDK verifier) of Segment's Webhooks destination docs: X-Signature = lowercase hex "
           "HMAC-SHA1(shared secret, raw body), exact constant-time compare")
    print(write_fixture("segment", src, build()))
