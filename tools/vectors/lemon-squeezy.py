#!/usr/bin/env python3
"""Lemon Squeezy webhook fixtures.

No SDK verifier (@lemonsqueezy/lemonsqueezy.js has none). Transcription of
https://docs.lemonsqueezy.com/help/webhooks/signing-requests :
  X-Signature = hex(HMAC-SHA256(signing secret, raw body))   ("an HMAC hex digest"; samples use sha256)
"""
from body_hmac import (UNICODE_TEXT, b64, body_hmac_cases, body_hmac_transcription, compact,
                        hmac_digest, write_fixture)

SECRET = "lsq_whsec_8fK2pQ9x"  # chosen by the user when creating the webhook (6-40 chars)
OTHER = "another-signing-secret"
H = "X-Signature"
sign, judge = body_hmac_transcription("sha256", "hex")


def order_created(name: str) -> str:
    return compact({
        "meta": {"event_name": "order_created", "custom_data": {"customer_id": 25}, "test_mode": True,
                 "webhook_id": "6d0e9f5a-1b2c-4d3e-8f9a-0b1c2d3e4f5a"},
        "data": {"type": "orders", "id": "1",
                 "attributes": {"store_id": 1, "customer_id": 1, "identifier": "104e18a2-d755-4d4b-80c4-a6c1dcbe1c10",
                                "order_number": 1, "user_name": name, "user_email": "darlene@example.com",
                                "currency": "USD", "subtotal": 999, "total": 999, "status": "paid",
                                "created_at": "2023-11-14T22:13:15.000000Z"},
                 "links": {"self": "https://api.lemonsqueezy.com/v1/orders/1"}},
    })


def build():
    return body_hmac_cases(
        header=H, sign=sign, judge=judge, secret=SECRET, other_secret=OTHER,
        bodies=[("order_created_basic", order_created("hello world"), None),
                ("non_ascii_body", order_created("Zoë Ångström 😀 " + UNICODE_TEXT), None)],
        extra_headers=[("X-Event-Name", "order_created")],
        mutations=[
            ("uppercase_hex", lambda b, s: sign(b, s).upper(), "mutation: uppercase hex; exact compare"),
            ("sha256_prefix", lambda b, s: "sha256=" + sign(b, s), "mutation: GitHub-style prefix"),
            ("base64_encoding", lambda b, s: b64(hmac_digest("sha256", s, b)), "mutation: base64 instead of hex"),
            ("sha1_instead_of_sha256", lambda b, s: hmac_digest("sha1", s, b).hex(), "mutation: HMAC-SHA1 hex"),
            ("truncated_signature", lambda b, s: sign(b, s)[:-2], "mutation: last byte cut"),
        ])


if __name__ == "__main__":
    src = ("transcription (no SDK verifier) of https://docs.lemonsqueezy.com/help/webhooks/signing-requests: "
           "X-Signature = lowercase hex HMAC-SHA256(signing secret, raw body), exact constant-time compare")
    print(write_fixture("lemon-squeezy", src, build()))
