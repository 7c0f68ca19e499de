#!/usr/bin/env python3
"""Typeform webhook fixtures.

No official SDK verifier (@typeform/api-client only manages webhooks), so this transcribes
https://www.typeform.com/developers/webhooks/secure-your-webhooks/ :
  Typeform-Signature = "sha256=" + base64(HMAC-SHA256(secret, raw body))   (Ruby sample: strict_encode64)
"""
from body_hmac import (UNICODE_TEXT, b64, body_hmac_cases, body_hmac_transcription, compact,
                        hmac_digest, write_fixture)

SECRET = "b7e15163f1a9c0d2e3f4a5b6c7d8e9f0a1b2c3d4"  # docs: SecureRandom.hex(20)
OTHER = "0000000000000000000000000000000000000000"
H = "Typeform-Signature"
sign, judge = body_hmac_transcription("sha256", "base64", prefix="sha256=")


def form_response(text: str) -> str:
    return compact({
        "event_id": "01HF8Z3QZ6J9R6W3M7N1C2B4V5",
        "event_type": "form_response",
        "form_response": {
            "form_id": "lT4Z3j",
            "token": "a3a12ec67a1365927098a606107fac15",
            "submitted_at": "2023-11-14T22:13:15Z",
            "landed_at": "2023-11-14T22:12:01Z",
            "calculated": {"score": 9},
            "definition": {"id": "lT4Z3j", "title": "Webhooks example",
                           "fields": [{"id": "DlXFaesGBpoF", "title": "What's your name?", "type": "short_text",
                                       "ref": "readable_ref_short_text", "properties": {}}]},
            "answers": [{"type": "text", "text": text,
                         "field": {"id": "DlXFaesGBpoF", "type": "short_text", "ref": "readable_ref_short_text"}}],
        },
    })


def build():
    ua = [("User-Agent", "Typeform Webhooks")]
    first = form_response("hello world")
    return body_hmac_cases(
        header=H, sign=sign, judge=judge, secret=SECRET, other_secret=OTHER,
        bodies=[("form_response_basic", first, None),
                ("non_ascii_body", form_response("Zoë 😀 " + UNICODE_TEXT), None)],
        extra_headers=ua,
        mutations=[
            ("missing_prefix", lambda b, s: sign(b, s)[len("sha256="):], "mutation: bare base64 without sha256="),
            ("hex_encoding", lambda b, s: "sha256=" + hmac_digest("sha256", s, b).hex(),
             "mutation: hex instead of base64"),
            ("base64_unpadded", lambda b, s: sign(b, s).rstrip("="), "mutation: '=' padding removed"),
            ("base64_urlsafe", lambda b, s: sign(b, s).replace("+", "-").replace("/", "_"),
             "mutation: url-safe alphabet (the basic signature contains '+' and '/')"),
            ("uppercase_prefix", lambda b, s: "SHA256=" + sign(b, s)[7:], "mutation: prefix in capitals"),
            ("truncated_signature", lambda b, s: sign(b, s)[:-4], "mutation: last 4 chars cut"),
        ])


if __name__ == "__main__":
    src = ("transcription (no official SDK verifier; @typeform/api-client has none) of "
           "https://www.typeform.com/developers/webhooks/secure-your-webhooks/: Typeform-Signature = "
           "'sha256=' + base64(HMAC-SHA256(secret, raw body)), strict padded base64, whole value compared "
           "exactly in constant time (the docs' Rack::Utils.secure_compare / timingSafeEqual)")
    print(write_fixture("typeform", src, build()))
