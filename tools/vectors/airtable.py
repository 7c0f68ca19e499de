#!/usr/bin/env python3
"""Airtable webhook fixtures.

No SDK verifier (the `airtable` npm SDK has none). Transcription of
https://airtable.com/developers/web/api/webhooks-overview (notification delivery):
  X-Airtable-Content-MAC = "hmac-sha256=" + hex(HMAC-SHA256(base64decode(macSecretBase64), raw body))
  notification body: {"base": {"id": ...}, "webhook": {"id": ...}, "timestamp": ...}; answer 200/204, empty body.
"""
import base64

from body_hmac import (b64, body_hmac_cases, body_hmac_transcription, hmac_digest, write_fixture)

# macSecretBase64 as returned (once) by POST /v0/bases/{baseId}/webhooks
SECRET = base64.b64encode(bytes(range(7, 7 + 64))).decode()
OTHER = base64.b64encode(b"\x42" * 64).decode()
H = "X-Airtable-Content-MAC"
sign, judge = body_hmac_transcription("sha256", "hex", prefix="hmac-sha256=",
                                      key_bytes=lambda s: base64.b64decode(s, validate=True))

DOCS_BODY = '{"base": {"id": "app00000000000000"},"webhook": {"id": "ach00000000000000"},"timestamp": "2022-02-01T21:25:05.663Z"}'


def ping(app: str, extra: str = "") -> str:
    return ('{"base":{"id":"%s"},"webhook":{"id":"achXH94CxHYGdUcje"},"timestamp":"2023-11-14T22:13:15.663Z"%s}'
            % (app, extra))


def build():
    return body_hmac_cases(
        header=H, sign=sign, judge=judge, secret=SECRET, other_secret=OTHER,
        bodies=[("notification_ping_basic", ping("appjRdIX59U4YEy4l", ',"note":"hello"'),
                 "ping shape plus a field so it can be tampered"),
                ("docs_example_body", DOCS_BODY,
                 "the docs' notification body verbatim (no MAC is given in the docs; signed with the fixture key)"),
                ("non_ascii_body", ping("appjRdIX59U4YEy4l", ',"note":"Ça marche 😀 日本語"'),
                 "Airtable pings are ASCII in practice; raw UTF-8 bytes are MACed")],
        mutations=[
            ("key_used_as_text", lambda b, s: "hmac-sha256=" + hmac_digest("sha256", s.encode(), b).hex(),
             "mutation: macSecretBase64 used as text instead of base64-decoded (a common mistake)"),
            ("missing_prefix", lambda b, s: sign(b, s)[len("hmac-sha256="):], "mutation: bare hex"),
            ("sha256_prefix", lambda b, s: "sha256=" + sign(b, s)[len("hmac-sha256="):],
             "mutation: GitHub-style prefix instead of hmac-sha256="),
            ("uppercase_hex", lambda b, s: "hmac-sha256=" + sign(b, s)[len("hmac-sha256="):].upper(),
             "mutation: uppercase hex; exact compare"),
            ("base64_encoding", lambda b, s: "hmac-sha256=" + b64(hmac_digest("sha256", base64.b64decode(s), b)),
             "mutation: base64 instead of hex"),
            ("truncated_signature", lambda b, s: sign(b, s)[:-2], "mutation: last byte cut"),
        ])


if __name__ == "__main__":
    src = ("transcription (no SDK verifier) of https://airtable.com/developers/web/api/webhooks-overview: "
           "X-Airtable-Content-MAC = 'hmac-sha256=' + lowercase hex HMAC-SHA256(base64-decoded macSecretBase64, raw body), "
           "exact constant-time compare. `secret` is the macSecretBase64 string as the API returns it.")
    print(write_fixture("airtable", src, build()))
