#!/usr/bin/env python3
"""Xero webhook fixtures.

No SDK verifier (xero-node / xero-python ship none). Transcription of
https://developer.xero.com/documentation/webhooks/configuring-your-server :
  x-xero-signature = base64(HMAC-SHA256(webhook signing key, raw body))
  Intent to receive: a series of POSTs {"events": [], ...}; answer 200 (empty body) when correctly
  signed and 401 when not.
"""
from body_hmac import (UNICODE_TEXT, b64, body_hmac_cases, body_hmac_transcription, compact,
                        hmac_digest, write_fixture)

# Xero's webhook signing keys are 88-char base64-looking strings; they are used as *text*
SECRET = "OSd0eLlVIY9ZhViEqlDUh4+6n6M+Lo+eDaEJheJ6OCCgWwIz2D3JIAU6jPMipHRbgKTLz2uJ+xiACXGDBLrgdA=="
OTHER = "Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYg=="
H = "x-xero-signature"
sign, judge = body_hmac_transcription("sha256", "base64")


def events(name: str) -> str:
    return compact({
        "events": [{
            "resourceUrl": "https://api.xero.com/api.xro/2.0/Contacts/717f2bfc-c6d4-41fd-b238-3f2f0c0cf777",
            "resourceId": "717f2bfc-c6d4-41fd-b238-3f2f0c0cf777",
            "eventDateUtc": "2023-11-14T22:13:15.703",
            "eventType": "UPDATE", "eventCategory": "CONTACT",
            "tenantId": "c2cc9b6e-9458-4c7d-93cc-f02b81b0594f", "tenantType": "ORGANISATION",
            "name": name}],
        "firstEventSequence": 1, "lastEventSequence": 1, "entropy": "YSXCMKAQBJOEMGUZEPFZ",
    })


ITR = '{"events":[],"lastEventSequence":0,"firstEventSequence":0,"entropy":"S0m3r4Nd0mt3xt"}'


def build():
    cases = body_hmac_cases(
        header=H, sign=sign, judge=judge, secret=SECRET, other_secret=OTHER,
        bodies=[("contact_update_basic", events("hello world"), None),
                ("non_ascii_body", events("Café Ōtautahi 🥝 " + UNICODE_TEXT), None)],
        mutations=[
            ("hex_encoding", lambda b, s: hmac_digest("sha256", s, b).hex(), "mutation: hex instead of base64"),
            ("base64_unpadded", lambda b, s: sign(b, s).rstrip("="), "mutation: '=' padding removed"),
            ("key_base64_decoded", lambda b, s: b64(hmac_digest("sha256", __import__("base64").b64decode(s), b)),
             "mutation: signed with the base64-DECODED key; Xero uses the key text as-is"),
            ("truncated_signature", lambda b, s: sign(b, s)[:-4], "mutation: last 4 chars cut"),
        ])
    # intent-to-receive handshake: body shape from the docs, verbatim values
    for name, sig, note in [
        ("itr_correctly_signed", sign(ITR, SECRET),
         "Intent to receive, correctly signed: answer 200 with no body (docs' validation payload values)"),
        ("itr_incorrectly_signed", sign(ITR, OTHER),
         "Intent to receive, incorrectly signed: the endpoint MUST answer 401 (docs) or validation fails"),
    ]:
        v, why = judge(ITR, sig, SECRET)
        c = dict(cases[0], name=name, body=ITR, headers=[[H, sig]], sdk_verdict=v,
                 note=note + ("" if v == "valid" else f"; transcription: {why}"),
                 expected_response={"status": 200, "body": ""} if v == "valid" else {"status": 401})
        cases.append(c)
    return cases


if __name__ == "__main__":
    src = ("transcription (no SDK verifier) of developer.xero.com/documentation/webhooks/configuring-your-server: "
           "x-xero-signature = base64(HMAC-SHA256(webhook signing key as UTF-8 text, raw body)), exact constant-time "
           "compare; intent-to-receive POSTs answered 200 (no body) when correctly signed, 401 otherwise")
    print(write_fixture("xero", src, build()))
