#!/usr/bin/env python3
"""Bolt (bolt.com checkout) webhook fixtures.

No Python/Node SDK verifier. Transcription of Bolt's official Magento 2 plugin (Bolt\\Boltpay, BoltApp/bolt-magento2)
verifySignature: X-Bolt-Hmac-Sha256 == base64(HMAC-SHA256(Signing Secret, raw payload)).
"""
from fixture_handshakes import (UNICODE_TEXT, b64, body_hmac_cases, body_hmac_transcription, compact,
                                hmac_digest, write_fixture)

SECRET = "6d3f2c8a1b9e4f7a0c5d2e8b1a4f7c9e3b6a0d2f5c8e1b4a7d0f3c6e9b2a5d8"  # merchant Signing Secret
OTHER = "0" * 64
H = "X-Bolt-Hmac-Sha256"
sign, judge = body_hmac_transcription("sha256", "base64")


def transaction_event(note: str) -> str:
    return compact({
        "type": "payment", "object": "transaction",
        "data": {"id": "TAnvXXHBj2Yn4", "type": "cc_payment", "processor": "vantiv", "date": 1699999995000,
                 "reference": "V2YW-NYNR-2MYM", "status": "completed",
                 "amount": {"amount": 2999, "currency": "USD", "currency_symbol": "$"},
                 "order": {"cart": {"order_reference": "1000042", "display_id": "100000042", "note": note}}},
    })


def build():
    return body_hmac_cases(
        header=H, sign=sign, judge=judge, secret=SECRET, other_secret=OTHER,
        bodies=[("payment_hook_basic", transaction_event("hello world gift note"), None),
                ("non_ascii_body", transaction_event("Grüße 🎁 " + UNICODE_TEXT), None)],
        extra_headers=[("X-Bolt-Trace-Id", "Root=1-65540a5b-0c1d2e3f4a5b6c7d8e9f0a1b")],
        mutations=[
            ("hex_encoding", lambda b, s: hmac_digest("sha256", s, b).hex(), "mutation: hex instead of base64"),
            ("base64_unpadded", lambda b, s: sign(b, s).rstrip("="), "mutation: '=' padding removed"),
            ("sha256_prefix", lambda b, s: "sha256=" + sign(b, s), "mutation: GitHub-style prefix"),
            ("signed_with_api_key", lambda b, s: sign(b, "api-key-not-the-signing-secret"),
             "signed with the merchant API key instead of the Signing Secret"),
            ("truncated_signature", lambda b, s: sign(b, s)[:-4], "mutation: last 4 chars cut"),
        ])


if __name__ == "__main__":
    src = ("transcription of Bolt's official Magento 2 plugin (Bolt\\Boltpay) verifySignature (no Python/Node SDK verifier): "
           "X-Bolt-Hmac-Sha256 = base64(HMAC-SHA256(Signing Secret, raw body)), exact constant-time compare")
    print(write_fixture("bolt", src, build()))
