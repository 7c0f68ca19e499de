#!/usr/bin/env python3
"""Generates tests/vectors/plivo.json with the official Plivo Python SDK (signature V3): signatures made
with plivo.utils.signature_v3.get_signature_v3(auth_token, construct_{post,get}_url(uri, params), nonce),
verdicts from plivo.utils.signature_v3.validate_v3_signature(method, uri, nonce, auth_token, v3_signature, params)
where params = parse_qs(body, keep_blank_values=True) (form POST) or {} (GET). No timestamp in the scheme."""
from __future__ import annotations

import base64
import hashlib
import hmac
import sys
from urllib.parse import parse_qs, urlencode

_here = sys.path.pop(0)  # this script is named plivo.py: import the SDK, not itself
from plivo.utils.signature_v3 import construct_get_url, construct_post_url, get_signature_v3, validate_v3_signature  # noqa: E402

sys.path.insert(0, _here)

from fixture import write_fixture  # noqa: E402
from fixture_g2 import judge_all, UNICODE_TEXT, ver  # noqa: E402

TOKEN = "MzU4NzUzYmQ5MDhkZjM0ZWFkNjYyYTk0NDFhNDVm"  # (sub)account Auth Token
NONCE = "05429567804466091622"
URL = "https://example.com/plivo/answer"


def params_of(c):
    if c["method"] == "GET" or not c["body"]:
        return {}
    return parse_qs(c["body"], keep_blank_values=True)


def judge(c):
    h = {k.lower(): v for k, v in c["headers"]}
    if "x-plivo-signature-v3" not in h or "x-plivo-signature-v3-nonce" not in h:
        raise ValueError("missing X-Plivo-Signature-V3 or -Nonce")
    return validate_v3_signature(c["method"], c["url"], h["x-plivo-signature-v3-nonce"], c["secret"], h["x-plivo-signature-v3"], params_of(c))


def sign(method, url, body, nonce=NONCE, token=TOKEN):
    params = {} if method == "GET" or not body else parse_qs(body, keep_blank_values=True)
    base = construct_get_url(url, params) if method == "GET" else construct_post_url(url, params)
    return get_signature_v3(token.encode(), base.decode() if isinstance(base, (bytes, bytearray)) else base, nonce.encode()).decode()


def hdr(sig, nonce=NONCE, ctype="application/x-www-form-urlencoded"):
    h = [["X-Plivo-Signature-V3", sig], ["X-Plivo-Signature-V3-Nonce", nonce], ["User-Agent", "PlivoHTTP/1.0"]]
    return h + ([["Content-Type", ctype]] if ctype else [])


ANSWER = urlencode([("CallUUID", "2be622bc-1b2d-4a3f-9d2a-8d7e5f6a7b8c"), ("CallStatus", "in-progress"), ("Direction", "inbound"),
                    ("Event", "StartApp"), ("From", "14155551234"), ("To", "14155556789"), ("CallerName", "+14155551234"),
                    ("BillRate", "0.0085"), ("ParentAuthID", ""), ("RequestUUID", "2be622bc-1b2d-4a3f-9d2a-8d7e5f6a7b8c"),
                    ("SessionStart", "2023-11-14 22:13:15.123456"), ("hello", "world")])
UNI = urlencode([("Text", f"hello {UNICODE_TEXT}"), ("From", "14155551234"), ("To", "14155556789"), ("Type", "sms"),
                 ("MessageUUID", "0936ec98-7c4c-11ed-a1b4-0242ac110003")])
REPEAT = "Digits=1&Digits=5&CallUUID=abc&hello=x"
S = sign("POST", URL, ANSWER)

specs = [
    dict(name="sdk_signed_form_post", headers=hdr(S), body=ANSWER, expect="valid",
         note="POST form: message = URL + '?' + concat(sorted name+value) + '.' + nonce (no '=' or '&' between params)"),
    dict(name="non_ascii_form_post", url="https://example.com/plivo/message", headers=hdr(sign("POST", "https://example.com/plivo/message", UNI)),
         body=UNI, expect="valid", note="values are signed decoded (parse_qs), as UTF-8"),
    dict(name="post_with_query_and_params", url="https://example.com/plivo/answer?tenant=42&a=b",
         headers=hdr(sign("POST", "https://example.com/plivo/answer?tenant=42&a=b", ANSWER)), body=ANSWER, expect="valid",
         note="URL query is re-sorted as k=v&k=v, then '.', then the concatenated POST params"),
    dict(name="post_empty_body", headers=hdr(sign("POST", URL, "")), body="", expect="valid",
         note="no params: message = URL + '.' + nonce (no '?')"),
    dict(name="get_callback_with_query", method="GET", url="https://example.com/plivo/status?CallUUID=abc&Status=completed&From=1415",
         headers=hdr(sign("GET", "https://example.com/plivo/status?CallUUID=abc&Status=completed&From=1415", ""), ctype=None), body="",
         expect="valid", note="GET: the query is re-sorted: https://…/status?CallUUID=abc&From=1415&Status=completed"),
    dict(name="repeated_param_values_sorted", headers=hdr(sign("POST", URL, REPEAT)), body=REPEAT, expect="valid",
         note="a repeated name contributes name+value for each value in sorted order"),
    dict(name="two_signatures_second_matches", headers=hdr(sign("POST", URL, ANSWER, token="SubaccountTokenXYZ0123456789") + "," + S),
         body=ANSWER, expect="valid", note="the header may hold several comma-separated signatures; any match"),
    dict(name="tampered_param", headers=hdr(S), body=ANSWER.replace("hello=world", "hello=worle"), expect="invalid"),
    dict(name="param_order_irrelevant", headers=hdr(S), body="&".join(reversed(ANSWER.split("&"))), expect="valid",
         note="parameters are sorted before signing, so the body order does not matter"),
    dict(name="wrong_auth_token", headers=hdr(sign("POST", URL, ANSWER, token="WrongToken000000000000000000000")), body=ANSWER, expect="invalid"),
    dict(name="nonce_changed", headers=hdr(S, nonce="05429567804466091623"), body=ANSWER, expect="invalid"),
    dict(name="url_scheme_http", url="http://example.com/plivo/answer", headers=hdr(S), body=ANSWER, expect="invalid"),
    dict(name="url_trailing_slash", url="https://example.com/plivo/answer/", headers=hdr(S), body=ANSWER, expect="invalid"),
    dict(name="hex_signature", headers=hdr(hmac.new(TOKEN.encode(), (URL + "?" + "x." + NONCE).encode(), hashlib.sha256).hexdigest()),
         body=ANSWER, expect="invalid"),
    dict(name="signature_over_raw_body", headers=hdr(base64.b64encode(hmac.new(TOKEN.encode(), (URL + ANSWER + "." + NONCE).encode(), hashlib.sha256).digest()).decode()),
         body=ANSWER, expect="invalid", note="mutation: the raw urlencoded body is not what is signed"),
    dict(name="truncated_signature", headers=hdr(S[:-2]), body=ANSWER, expect="invalid"),
    dict(name="missing_nonce_header", headers=[h for h in hdr(S) if h[0] != "X-Plivo-Signature-V3-Nonce"], body=ANSWER, expect="invalid"),
    dict(name="missing_signature_header", headers=[h for h in hdr(S) if h[0] != "X-Plivo-Signature-V3"], body=ANSWER, expect="invalid"),
]
for s in specs:
    s.setdefault("secret", TOKEN)
    s.setdefault("url", URL)
    s.setdefault("method", "POST")
    s.setdefault("content_type", "application/x-www-form-urlencoded")

cases = judge_all(specs, judge)
print(write_fixture("plivo",
    f"plivo=={ver('plivo')} (python): signed with plivo.utils.signature_v3.get_signature_v3(auth_token, construct_post_url|construct_get_url(url, params), nonce), "
    "verdict from validate_v3_signature(method, url, nonce, auth_token, X-Plivo-Signature-V3, params=parse_qs(body, keep_blank_values=True) for form POSTs, {} for GET). "
    "npm plivo@4.79.0 utils/v3Security.js builds the same string",
    cases))
