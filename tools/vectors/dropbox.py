#!/usr/bin/env python3
"""Dropbox webhook fixtures.

No SDK verifier (the `dropbox` SDK has none). Transcription of
https://www.dropbox.com/developers/reference/webhooks :
  POST: X-Dropbox-Signature = hex(HMAC-SHA256(app secret, entire request body))
  GET ?challenge=<random>: echo the challenge as the body, with Content-Type: text/plain and
      X-Content-Type-Options: nosniff (the GET is not signed).
"""
import re

from fixture_handshakes import (UNICODE_TEXT, b64, body_hmac_cases, body_hmac_transcription, case,
                                hmac_digest, write_fixture)

SECRET = "f8u2k9x1m4q7w3e"  # App secret (App Console), 15 lowercase alphanumerics
OTHER = "a1b2c3d4e5f6g7h"
H = "X-Dropbox-Signature"
URL = "https://www.example.com/dropbox-webhook"
sign, judge = body_hmac_transcription("sha256", "hex")

# the notification body as Dropbox's docs show it (JSON with spaces)
NOTIFY = ('{"list_folder": {"accounts": ["dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc", '
          '"dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc"]}, "delta": {"users": [12345678, 23456789]}}')


def build():
    hello = NOTIFY.replace('"delta"', '"hello": "world", "delta"')  # first body must contain 'hello'
    cases = body_hmac_cases(
        header=H, sign=sign, judge=judge, secret=SECRET, other_secret=OTHER,
        bodies=[("notification_with_extra_field", hello, "docs' notification shape plus a field, so it can be tampered"),
                ("docs_example_body", NOTIFY, "the docs' example notification body verbatim (signed here with our secret; "
                                         "the docs give no signature)"),
                ("non_ascii_body", '{"list_folder": {"accounts": ["dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc"]}, '
                                   '"note": "' + UNICODE_TEXT + '"}', "non-ASCII (Dropbox bodies are ASCII ids in practice)")],
        extra_headers=[("User-Agent", "DropboxWebhooks/1.0")],
        mutations=[
            ("uppercase_hex", lambda b, s: sign(b, s).upper(), "mutation: uppercase hex; exact compare"),
            ("sha256_prefix", lambda b, s: "sha256=" + sign(b, s), "mutation: GitHub-style prefix"),
            ("base64_encoding", lambda b, s: b64(hmac_digest("sha256", s, b)), "mutation: base64 instead of hex"),
            ("truncated_signature", lambda b, s: sign(b, s)[:-2], "mutation: last byte cut"),
        ])
    # GET verification (challenge) handshake
    for name, challenge, note in [
        ("handshake_challenge", "abc123", "the docs' example challenge: echo it as text/plain with nosniff"),
        ("handshake_challenge_random", "3kNf9QxZ0pLm7VtR2wYs", "random challenge string; echo byte for byte"),
    ]:
        assert re.fullmatch(r"[A-Za-z0-9]+", challenge)
        v, why = judge("", None, SECRET)
        cases.append(case(name=name, secret=SECRET, headers=[], body="", url=f"{URL}?challenge={challenge}",
                          method="GET", content_type=None, query=f"challenge={challenge}", sdk_verdict=v,
                          note=note + f"; the GET carries no signature (verifier: {why}); the answer is expected_response",
                          expected_response={"status": 200, "headers": {"Content-Type": "text/plain",
                                                                        "X-Content-Type-Options": "nosniff"},
                                             "body": challenge}))
    return cases


if __name__ == "__main__":
    src = ("transcription (no SDK verifier) of https://www.dropbox.com/developers/reference/webhooks: "
           "X-Dropbox-Signature = lowercase hex HMAC-SHA256(app secret, raw body), exact constant-time compare; "
           "GET ?challenge= echoed (text/plain, nosniff). GET cases: sdk_verdict is the signature check's (unsigned: "
           "invalid), the expected answer is expected_response; extra field `query`.")
    print(write_fixture("dropbox", src, build()))
