#!/usr/bin/env python3
"""Webex (ex Cisco Spark) webhook fixtures.

No SDK verifier. Transcription of Webex for Developers ("Using a Webhook Secret" blog, Webhooks guide,
"Receive and verify events"): X-Spark-Signature = hex(HMAC-SHA1(webhook secret, raw body)).
"""
from fixture_handshakes import (UNICODE_TEXT, b64, body_hmac_cases, body_hmac_transcription, compact,
                                hmac_digest, write_fixture)

SECRET = "somesupersecretphrase"  # the docs' example secret
OTHER = "someothersecretphrase"
H = "X-Spark-Signature"
sign, judge = body_hmac_transcription("sha1", "hex")

DOCS_BODY_HEAD = {
    "id": "Y2lzY29zcGFyazovL3VzL1dFQkhPT0svZjRlNjA1NjAtNjYwMi00ZmIwLWEyNWEtOTQ5ODgxNjA5NDk3",
    "name": "New message in 'Project Unicorn' room", "resource": "messages", "event": "created",
    "filter": "roomId=Y2lzY29zcGFyazovL3VzL1JPT00vYmJjZWIxYWQtNDNmMS0zYjU4LTkxNDctZjE0YmIwYzRkMTU0",
    "orgId": "OTZhYmMyYWEtM2RjYy0xMWU1LWExNTItZmUzNDgxOWNkYzlh",
    "createdBy": "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9mNWIzNjE4Ny1jOGRkLTQ3MjctOGIyZi1mOWM0NDdmMjkwNDY",
    "appId": "Y2lzY29zcGFyazovL3VzL0FQUExJQ0FUSU9OL0MyNzljYjMwYzAyOTE4MGJiNGJkYWViYjA2MWI3OTY1Y2RhMzliNjAyOTdjODUwM2YyNjZhYmY2NmM5OTllYzFm",
    "ownedBy": "creator", "status": "active",
}


def message_created(marker: str) -> str:
    return compact(dict(DOCS_BODY_HEAD, actorId="Y2lzY29zcGFyazovL3VzL1BFT1BMRS9mNWIzNjE4Ny1jOGRkLTQ3MjctOGIyZi1mOWM0NDdmMjkwNDY",
                        data={"id": "Y2lzY29zcGFyazovL3VzL01FU1NBR0UvOTJkYjNiZTAtNDNiZC0xMWU2LThhZTktZGQ1YjNkZmM1NjVk",
                              "roomId": "Y2lzY29zcGFyazovL3VzL1JPT00vYmJjZWIxYWQtNDNmMS0zYjU4LTkxNDctZjE0YmIwYzRkMTU0",
                              "roomType": "group", "personId": "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9mNWIzNjE4Ny1jOGRkLTQ3MjctOGIyZi1mOWM0NDdmMjkwNDY",
                              "personEmail": "matt@example.com", "created": "2023-11-14T22:13:15.000Z", "marker": marker}))


def build():
    return body_hmac_cases(
        header=H, sign=sign, judge=judge, secret=SECRET, other_secret=OTHER,
        bodies=[("message_created_basic", message_created("hello"), "the docs' example envelope plus a marker field"),
                ("non_ascii_body", message_created("Grüße 😀 " + UNICODE_TEXT), None)],
        mutations=[
            ("sha256_instead_of_sha1", lambda b, s: hmac_digest("sha256", s, b).hex(), "mutation: HMAC-SHA256 hex"),
            ("uppercase_hex", lambda b, s: sign(b, s).upper(), "mutation: uppercase hex; exact compare"),
            ("sha1_prefix", lambda b, s: "sha1=" + sign(b, s), "mutation: GitHub-style prefix"),
            ("base64_encoding", lambda b, s: b64(hmac_digest("sha1", s, b)), "mutation: base64 instead of hex"),
            ("truncated_signature", lambda b, s: sign(b, s)[:-2], "mutation: last byte cut"),
        ])


if __name__ == "__main__":
    src = ("transcription (no SDK verifier) of Webex for Developers 'Using a Webhook Secret' / Webhooks guide: "
           "X-Spark-Signature = lowercase hex HMAC-SHA1(webhook secret, raw body), exact constant-time compare")
    print(write_fixture("webex", src, build()))
