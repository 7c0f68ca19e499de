#!/usr/bin/env python3
"""Clearbit webhook fixtures.

No Python/Node verifier exists (clearbit 0.1.7 on PyPI and clearbit 1.3.5 on npm have none). Transcription
of Clearbit's official Ruby gem, clearbit/clearbit-ruby lib/clearbit/webhook.rb Clearbit::Webhook.valid?:
  X-Request-Signature == "sha1=" + hex(HMAC-SHA1(Clearbit API key, raw body))  (Rack::Utils.secure_compare)
"""
from fixture_handshakes import (UNICODE_TEXT, b64, body_hmac_cases, body_hmac_transcription, compact,
                                hmac_digest, write_fixture)

SECRET = "sk_3f1e2d4c5b6a79880a1b2c3d4e5f6a7b"  # Clearbit secret API key, used whole as the HMAC key
OTHER = "sk_00000000000000000000000000000000"
H = "X-Request-Signature"
sign, judge = body_hmac_transcription("sha1", "hex", prefix="sha1=")


def person(bio: str) -> str:
    return compact({
        "id": "custom_id", "status": 200, "type": "person",
        "body": {"id": "d54c54ad-40be-4305-8a34-0ab44710b90d", "name": {"fullName": "Alex MacCaw"},
                 "email": "alex@clearbit.com", "bio": bio, "location": "San Francisco, CA, US"},
    })


def build():
    return body_hmac_cases(
        header=H, sign=sign, judge=judge, secret=SECRET, other_secret=OTHER,
        bodies=[("person_lookup_basic", person("hello world, founder"), None),
                ("non_ascii_body", person("Gründer 😀 " + UNICODE_TEXT), None)],
        mutations=[
            ("key_without_sk_prefix", lambda b, s: sign(b, s[3:]),
             "signed with the API key minus its 'sk_' prefix (what one public snippet does); the official gem uses "
             "the whole key"),
            ("missing_prefix", lambda b, s: sign(b, s)[len("sha1="):], "mutation: bare hex without sha1="),
            ("uppercase_hex", lambda b, s: "sha1=" + sign(b, s)[5:].upper(), "mutation: uppercase hex; exact compare"),
            ("sha256_variant", lambda b, s: "sha256=" + hmac_digest("sha256", s, b).hex(), "mutation: HMAC-SHA256"),
            ("base64_encoding", lambda b, s: "sha1=" + b64(hmac_digest("sha1", s, b)), "mutation: base64 instead of hex"),
            ("truncated_signature", lambda b, s: sign(b, s)[:-2], "mutation: last byte cut"),
        ])


if __name__ == "__main__":
    src = ("transcription of Clearbit's official Ruby gem clearbit/clearbit-ruby Clearbit::Webhook.valid? (no Python/Node "
           "verifier exists): X-Request-Signature = 'sha1=' + lowercase hex HMAC-SHA1(API key, raw body), exact constant-time "
           "compare of the whole value")
    print(write_fixture("clearbit", src, build()))
