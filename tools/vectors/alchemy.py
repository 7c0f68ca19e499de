#!/usr/bin/env python3
"""Alchemy Notify webhook fixtures.

No SDK verifier (alchemy-sdk manages webhooks only). Transcription of Alchemy's official example
alchemyplatform/webhook-examples node-express/src/webhooksUtil.ts isValidSignatureForStringBody:
  X-Alchemy-Signature = hex(HMAC-SHA256(webhook signing key, raw body as UTF-8))
"""
from body_hmac import (UNICODE_TEXT, b64, body_hmac_cases, body_hmac_transcription, compact,
                        hmac_digest, write_fixture)

SECRET = "whsec_test_9pQ2rS4tU6vW8xY0zA1bC3dE"  # the webhook's signing key (Notify dashboard / API)
OTHER = "whsec_test_000000000000000000000000"
H = "X-Alchemy-Signature"
sign, judge = body_hmac_transcription("sha256", "hex")


def address_activity(asset: str) -> str:
    return compact({
        "webhookId": "wh_octjglnywaupz6th", "id": "whevt_ogrc5v64myey69ux",
        "createdAt": "2023-11-14T22:13:15.062Z", "type": "ADDRESS_ACTIVITY",
        "event": {"network": "ETH_MAINNET", "activity": [{
            "fromAddress": "0x503828976d22510aad0201ac7ec88293211d23da",
            "toAddress": "0xbe3f4b43db5eb49d1f48f53443b9abce45da3b79",
            "blockNum": "0xdf34a3", "hash": "0x7a4a39da2a3fa1fc2ef88fd1eaea070286ed2aba21e0419dcfb6d5c5d9f02a72",
            "value": 293.092129, "asset": asset, "category": "token",
            "rawContract": {"rawValue": "0x0000000000000000000000000000000000000000000000000000000011783b21",
                            "address": "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48", "decimals": 6}}]},
    })


def build():
    return body_hmac_cases(
        header=H, sign=sign, judge=judge, secret=SECRET, other_secret=OTHER,
        bodies=[("address_activity_basic", address_activity("USDC hello"), None),
                ("non_ascii_body", address_activity("ŁÓDŹ 😀 " + UNICODE_TEXT), None)],
        mutations=[
            ("uppercase_hex", lambda b, s: sign(b, s).upper(), "mutation: uppercase hex; exact compare"),
            ("sha256_prefix", lambda b, s: "sha256=" + sign(b, s), "mutation: GitHub-style prefix"),
            ("base64_encoding", lambda b, s: b64(hmac_digest("sha256", s, b)), "mutation: base64 instead of hex"),
            ("signed_with_auth_token", lambda b, s: sign(b, "alcht_AuthToken0123456789"),
             "signed with the account Auth Token instead of the webhook signing key"),
            ("truncated_signature", lambda b, s: sign(b, s)[:-2], "mutation: last byte cut"),
        ])


if __name__ == "__main__":
    src = ("transcription (no SDK verifier) of Alchemy's official example alchemyplatform/webhook-examples "
           "isValidSignatureForStringBody: X-Alchemy-Signature = lowercase hex HMAC-SHA256(signing key, raw body), "
           "exact constant-time compare")
    print(write_fixture("alchemy", src, build()))
