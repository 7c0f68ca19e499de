#!/usr/bin/env python3
"""Generates tests/vectors/docusign.json (DocuSign Connect HMAC). No official SDK ships a verifier
(docusign-esign has none); verdicts come from a transcription of the documented algorithm
(developers.docusign.com/platform/webhooks/connect/hmac and .../validate: base64(HMAC-SHA256(key, raw body))
in X-DocuSign-Signature-1..N, one header per active Connect HMAC key; the key is used as text)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import re

from fixture import write_fixture
from fixture_g2 import judge_all, compact, pretty, tamper, hmac_hex, hmac_b64, UNICODE_TEXT

KEY = "Mzk1ZjM2ZTgtYjQ2Ny00NGI0LWE5NmUtYTQ2YjQ2ZmYwMmQ3ZmM0NWY4MTM="  # Connect key as shown once in Admin → Connect → Connect Keys
OTHER = "NjY0ZGQxYmMtMTk4Yi00MmQ2LTk5ZWUtNzdiYTFmZjc2M2ZhYmQzMWVlNGE="
SIG_RE = re.compile(r"^x-docusign-signature-([1-9][0-9]*)$", re.I)


def docs_verify(c):
    sigs = [v for k, v in c["headers"] if SIG_RE.match(k)]
    if not sigs:
        raise ValueError("no X-DocuSign-Signature-N header")
    expected = base64.b64encode(hmac.new(c["secret"].encode(), c["body"].encode(), hashlib.sha256).digest()).decode()
    return any(hmac.compare_digest(expected, s) for s in sigs)


def b64sig(body, key=KEY):
    return hmac_b64("sha256", key, body)


def hdr(*sigs, names=None):
    names = names or [f"X-DocuSign-Signature-{i + 1}" for i in range(len(sigs))]
    return [[n, s] for n, s in zip(names, sigs)] + [["x-authorization-digest", "HMACSHA256"], ["Content-Type", "application/json"]]


BASIC = compact({"event": "envelope-completed", "apiVersion": "v2.1", "uri": "/restapi/v2.1/accounts/8f7c1a2b-0000-4000-8000-0a1b2c3d4e5f/envelopes/93be49ab-0000-4000-8000-1a2b3c4d5e6f",
                 "retryCount": 0, "configurationId": 10512, "generatedDateTime": "2023-11-14T22:13:14.0000000Z",
                 "data": {"accountId": "8f7c1a2b-0000-4000-8000-0a1b2c3d4e5f", "userId": "2c1d0e9f-0000-4000-8000-9a8b7c6d5e4f",
                          "envelopeId": "93be49ab-0000-4000-8000-1a2b3c4d5e6f", "envelopeSummary": {"status": "completed",
                          "emailSubject": "hello: please sign this", "sender": {"userName": "Jane Sender", "email": "jane@example.com"}}}})
UNI = compact({"event": "recipient-completed", "apiVersion": "v2.1", "data": {"envelopeId": "93be49ab-0000-4000-8000-1a2b3c4d5e6f",
               "recipientId": "1", "envelopeSummary": {"emailSubject": f"Veuillez signer : {UNICODE_TEXT}"}}})
XML = ('<?xml version="1.0" encoding="utf-8"?><DocuSignEnvelopeInformation xmlns="http://www.docusign.net/API/3.0">'
       '<EnvelopeStatus><EnvelopeID>93be49ab-0000-4000-8000-1a2b3c4d5e6f</EnvelopeID><Status>Completed</Status>'
       '<Subject>hello</Subject></EnvelopeStatus></DocuSignEnvelopeInformation>')
S = b64sig(BASIC)

specs = [
    dict(name="signed_basic_one_key", headers=hdr(S), body=BASIC, expect="valid"),
    dict(name="non_ascii_body", headers=hdr(b64sig(UNI)), body=UNI, expect="valid"),
    dict(name="legacy_xml_body", headers=[["X-DocuSign-Signature-1", b64sig(XML)], ["x-authorization-digest", "HMACSHA256"],
                                          ["Content-Type", "text/xml; charset=utf-8"]], body=XML, content_type="text/xml; charset=utf-8",
         expect="valid", note="legacy XML (SIM) Connect messages are signed the same way over the raw XML bytes"),
    dict(name="two_keys_ours_is_second", headers=hdr(b64sig(BASIC, OTHER), S), body=BASIC, expect="valid",
         note="one X-DocuSign-Signature-N per active Connect key; the receiver does not know which N is its key"),
    dict(name="two_keys_ours_is_first", headers=hdr(S, b64sig(BASIC, OTHER)), body=BASIC, expect="valid"),
    dict(name="signature_number_10", headers=hdr(b64sig(BASIC, OTHER), S, names=["X-DocuSign-Signature-1", "X-DocuSign-Signature-10"]),
         body=BASIC, expect="valid", note="header numbers are not limited to one digit"),
    dict(name="empty_body", headers=hdr(b64sig("")), body="", expect="valid"),
    dict(name="tampered_body", headers=hdr(S), body=tamper(BASIC), expect="invalid"),
    dict(name="reserialized_pretty_json", headers=hdr(S), body=pretty(BASIC), expect="invalid"),
    dict(name="wrong_key", headers=hdr(b64sig(BASIC, OTHER)), body=BASIC, expect="invalid"),
    dict(name="key_base64_decoded", headers=hdr(base64.b64encode(hmac.new(base64.b64decode(KEY), BASIC.encode(), hashlib.sha256).digest()).decode()),
         body=BASIC, expect="invalid", note="mutation: the Connect key looks like base64 but is used as text"),
    dict(name="hex_signature", headers=hdr(hmac_hex("sha256", KEY, BASIC)), body=BASIC, expect="invalid"),
    dict(name="truncated_signature", headers=hdr(S[:-1]), body=BASIC, expect="invalid",
         note="a Connect key copied without its trailing '=' is a different key; likewise a signature missing its padding fails"),
    dict(name="unnumbered_header", headers=[["X-DocuSign-Signature", S], ["Content-Type", "application/json"]], body=BASIC, expect="invalid",
         note="the header is always numbered"),
    dict(name="missing_signature_headers", headers=[["x-authorization-digest", "HMACSHA256"], ["Content-Type", "application/json"]],
         body=BASIC, expect="invalid", note="'Include HMAC Signature' must be ticked on the Connect configuration"),
    # Added for webhook-guard: the bound on header numbers (1 to 10 are read) and the algorithm header.
    dict(name="ten_keys_ours_is_tenth", headers=hdr(*([b64sig(BASIC, f"other-connect-key-{i}") for i in range(1, 10)] + [S])), body=BASIC,
         expect="valid", note="ten active Connect keys, ours the tenth"),
    dict(name="signature_number_11", headers=hdr(b64sig(BASIC, OTHER), S, names=["X-DocuSign-Signature-1", "X-DocuSign-Signature-11"]),
         body=BASIC, expect="valid", note="the documented check reads any number; webhook-guard reads X-DocuSign-Signature-1 to -10"),
    dict(name="digest_header_missing", headers=[["X-DocuSign-Signature-1", S], ["Content-Type", "application/json"]], body=BASIC,
         expect="valid", note="the documented check ignores x-authorization-digest; webhook-guard requires it to say HMACSHA256"),
    dict(name="digest_header_other_algorithm", headers=[["X-DocuSign-Signature-1", S], ["x-authorization-digest", "HMACSHA512"],
                                                        ["Content-Type", "application/json"]], body=BASIC,
         expect="valid", note="the documented check ignores x-authorization-digest; webhook-guard requires it to say HMACSHA256"),
]
for s in specs:
    s.setdefault("secret", KEY)

cases = judge_all(specs, docs_verify)
print(write_fixture("docusign",
    "no SDK verifier (docusign-esign has none): transcription of the documented Connect HMAC check (base64 HMAC-SHA256(Connect key as UTF-8 text, raw body) "
    "equal to any X-DocuSign-Signature-N header), tools/vectors/docusign.py docs_verify",
    cases))
