#!/usr/bin/env python3
"""Generates tests/vectors/trello.json. Trello ships no SDK verifier; verdicts come from a transcription of
the Trello webhook docs (developer.atlassian.com/cloud/trello/guides/rest-api/webhooks): "The header
[X-Trello-Webhook] is a base64 digest of an HMAC-SHA1 hash. The hashed content is the concatenation of
the full request body and the callbackURL exactly as it was provided during webhook creation. The key
used to sign this text is your application's secret." Creation handshake: an HTTP HEAD to the callbackURL
must get 200: that case (`head_creation_check`) carries no signature, so the verifier refuses it as a delivery;
its expected answer is in expected_response."""
from __future__ import annotations

import base64
import hashlib
import hmac

from fixture import write_fixture
from fixture_g2 import judge_all, compact, pretty, tamper, UNICODE_TEXT

SECRET = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"  # app's OAuth secret (trello.com/app-key)
CALLBACK = "https://example.com/trelloCallbacks/?memberID=14&mainModel=true"


def docs_verify(c):
    sig = next((v for k, v in c["headers"] if k.lower() == "x-trello-webhook"), None)
    if sig is None:
        raise ValueError("no X-Trello-Webhook header")
    expected = base64.b64encode(hmac.new(c["secret"].encode(), (c["body"] + c["url"]).encode(), hashlib.sha1).digest()).decode()
    return hmac.compare_digest(expected, sig)


def sign(body, url=CALLBACK, secret=SECRET):
    return base64.b64encode(hmac.new(secret.encode(), (body + url).encode(), hashlib.sha1).digest()).decode()


def hdr(sig):
    return [["X-Trello-Webhook", sig], ["Content-Type", "application/json"], ["User-Agent", "Trello"]]


BASIC = compact({"model": {"id": "4d5ea62fd76aa1136000000c", "name": "Trello Development", "desc": "", "closed": False,
                           "idOrganization": "4e1452614e4b8698470000e0", "url": "https://trello.com/b/nC8QJJoZ/trello-development"},
                 "action": {"id": "51f9424bcd6e040f3c002412", "idMemberCreator": "4fc78a59a885233f4b349bd9", "type": "createCard",
                            "date": "2023-11-14T22:13:14.123Z", "data": {"board": {"id": "4d5ea62fd76aa1136000000c", "name": "Trello Development"},
                            "list": {"id": "4d5ea62fd76aa1136000000d", "name": "To Do"}, "card": {"id": "51f9424bcd6e040f3c002411",
                            "name": "hello world", "idShort": 1234}}, "memberCreator": {"id": "4fc78a59a885233f4b349bd9",
                            "fullName": "Andrew Example", "username": "andrewexample"}}})
UNI = compact({"model": {"id": "4d5ea62fd76aa1136000000c", "name": "Tableau"}, "action": {"type": "commentCard",
               "data": {"text": f"Très bien {UNICODE_TEXT}"}}})
S = sign(BASIC)

specs = [
    dict(name="signed_basic", headers=hdr(S), body=BASIC, expect="valid",
         note="message = raw body + callbackURL exactly as registered (here with a query string)"),
    dict(name="non_ascii_body", headers=hdr(sign(UNI)), body=UNI, expect="valid"),
    dict(name="head_creation_check", method="HEAD", headers=[["User-Agent", "Trello"]], body="", expect="invalid",
         note="webhook creation: Trello sends HEAD to the callbackURL and requires 200; it carries no signature",
         expected_response={"status": 200}),
    dict(name="empty_body", headers=hdr(sign("")), body="", expect="valid"),
    dict(name="tampered_body", headers=hdr(S), body=tamper(BASIC), expect="invalid"),
    dict(name="reserialized_pretty_json", headers=hdr(S), body=pretty(BASIC), expect="invalid"),
    dict(name="wrong_secret", headers=hdr(sign(BASIC, secret="f" * 64)), body=BASIC, expect="invalid"),
    dict(name="api_key_used_as_secret", headers=hdr(sign(BASIC, secret="0123456789abcdef0123456789abcdef")), body=BASIC, expect="invalid",
         note="the key is the application's OAuth secret, not the API key or a token"),
    dict(name="callback_url_differs_trailing_slash", url="https://example.com/trelloCallbacks?memberID=14&mainModel=true", headers=hdr(S),
         body=BASIC, expect="invalid", note="the callbackURL must be byte-identical to the registered one"),
    dict(name="callback_url_query_reordered", url="https://example.com/trelloCallbacks/?mainModel=true&memberID=14", headers=hdr(S),
         body=BASIC, expect="invalid"),
    dict(name="body_only_signed", headers=hdr(base64.b64encode(hmac.new(SECRET.encode(), BASIC.encode(), hashlib.sha1).digest()).decode()),
         body=BASIC, expect="invalid", note="mutation: the callbackURL must be appended"),
    dict(name="url_before_body", headers=hdr(base64.b64encode(hmac.new(SECRET.encode(), (CALLBACK + BASIC).encode(), hashlib.sha1).digest()).decode()),
         body=BASIC, expect="invalid"),
    dict(name="sha256_signature", headers=hdr(base64.b64encode(hmac.new(SECRET.encode(), (BASIC + CALLBACK).encode(), hashlib.sha256).digest()).decode()),
         body=BASIC, expect="invalid"),
    dict(name="hex_signature", headers=hdr(hmac.new(SECRET.encode(), (BASIC + CALLBACK).encode(), hashlib.sha1).hexdigest()), body=BASIC, expect="invalid"),
    dict(name="truncated_signature", headers=hdr(S[:-1]), body=BASIC, expect="invalid"),
    dict(name="missing_signature_header", headers=[["Content-Type", "application/json"]], body=BASIC, expect="invalid"),
]
for s in specs:
    s.setdefault("secret", SECRET)
    s.setdefault("url", CALLBACK)
    s.setdefault("method", "POST")

cases = judge_all(specs, docs_verify)
for c in cases:
    if c["method"] == "HEAD":
        c.pop("content_type", None)
print(write_fixture("trello",
    "no SDK verifier: transcription of the Trello webhook docs (base64 HMAC-SHA1(application secret, raw body + callbackURL as registered) "
    "in X-Trello-Webhook; HEAD creation check answered 200), tools/trello.py docs_verify. `url` = the callbackURL as registered",
    cases))
