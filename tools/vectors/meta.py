#!/usr/bin/env python3
"""Meta (Facebook / Instagram / WhatsApp / Messenger) webhook fixtures.

No official Meta SDK ships a webhook verifier, so this is a transcription of the documented
algorithm (developers.facebook.com/docs/graph-api/webhooks/getting-started, "Validating Payloads"
and "Verification Requests"):

  POST: X-Hub-Signature-256 = "sha256=" + hex(HMAC-SHA256(app secret, raw body)); Meta sends the
        body with non-ASCII characters escaped as \\uXXXX (lowercase hex) and signs those bytes.
  GET : ?hub.mode=subscribe&hub.challenge=<int>&hub.verify_token=<token>; answer the challenge
        when hub.verify_token equals the Verify Token set in the App Dashboard.
"""
import hmac
import json

from fixture_handshakes import (UNICODE_TEXT, b64, case, hmac_digest, tamper, write_fixture)

SECRET = "6d1e3b5a7c9f2e4d8b0a1c3e5f7a9b2d"  # App Secret (App Dashboard > Settings > Basic)
OTHER = "00112233445566778899aabbccddeeff"
VERIFY_TOKEN = "meatyhamhock"  # the docs' sample Verify Token
H256, H1 = "X-Hub-Signature-256", "X-Hub-Signature"
URL = "https://www.your-clever-domain-name.com/webhooks"


def sign256(body: str, secret: str = SECRET) -> str:
    return "sha256=" + hmac_digest("sha256", secret, body).hex()


def sign1(body: str, secret: str = SECRET) -> str:
    return "sha1=" + hmac_digest("sha1", secret, body).hex()


def transcribed_verify(body: str, headers: list, secret: str) -> tuple[str, str]:
    """Documented check: recompute sha256= + lowercase hex over the raw body bytes and compare the
    whole X-Hub-Signature-256 value (constant time). The legacy sha1 header is not consulted."""
    got = [v for k, v in headers if k.lower() == H256.lower()]
    if not got:
        return "invalid", "no X-Hub-Signature-256 header"
    want = sign256(body, secret)
    if hmac.compare_digest(got[0].encode(), want.encode()):
        return "valid", ""
    return "invalid", "signature mismatch"


def transcribed_handshake(query: dict, verify_token: str) -> dict:
    if query.get("hub.mode") == "subscribe" and hmac.compare_digest(
            query.get("hub.verify_token", "").encode(), verify_token.encode()):
        return {"status": 200, "content_type": "text/plain", "body": query["hub.challenge"]}
    return {"status": 403}


def page_feed(message: str) -> str:
    # Meta's wire format: compact JSON with non-ASCII escaped as \uXXXX (lowercase hex)
    return json.dumps({
        "object": "page",
        "entry": [{"id": "101234567890123", "time": 1699999999,
                   "changes": [{"field": "feed", "value": {
                       "item": "status", "post_id": "101234567890123_444444444444444",
                       "verb": "add", "published": 1, "created_time": 1699999998,
                       "message": message, "from": {"name": "Test Page", "id": "101234567890123"}}}]}],
    }, separators=(",", ":"), ensure_ascii=True)


def whatsapp_message(text: str) -> str:
    return json.dumps({
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
            "contacts": [{"profile": {"name": "Sheena Nelson"}, "wa_id": "16505551234"}],
            "messages": [{"from": "16505551234", "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
                          "timestamp": "1699999999", "text": {"body": text}, "type": "text"}]},
            "field": "messages"}]}],
    }, separators=(",", ":"), ensure_ascii=True)


def build():
    cases = []

    def post(name, body, headers, secret=SECRET, note=None):
        v, why = transcribed_verify(body, headers, secret)
        if v == "invalid":
            note = (note + "; " if note else "") + f"transcription: {why}"
        cases.append(case(name=name, secret=secret, headers=[list(h) for h in headers], body=body,
                          sdk_verdict=v, note=note))

    basic = page_feed("hello world")
    both = lambda b, s=SECRET: [(H256, sign256(b, s)), (H1, sign1(b, s))]  # noqa: E731
    post("page_feed_basic", basic, both(basic), note="Meta sends both headers; only the sha256 one is checked")
    esc = page_feed("äöå " + UNICODE_TEXT)
    assert "\\u00e4\\u00f6\\u00e5" in esc
    post("non_ascii_escaped_body", esc, both(esc),
         note="non-ASCII arrives escaped as \\u00e4\\u00f6\\u00e5 (lowercase hex); the raw bytes are signed")
    wa = whatsapp_message("hello from WhatsApp")
    post("whatsapp_message", wa, [(H256, sign256(wa))], note="WhatsApp Cloud API: same scheme, same App Secret")
    ig = json.dumps({"object": "instagram", "entry": [{"id": "17841400000000000", "time": 1699999999,
                     "messaging": [{"sender": {"id": "1234"}, "recipient": {"id": "17841400000000000"},
                                    "timestamp": 1699999999000, "message": {"mid": "aWdfZAG1faXRlbTox", "text": "hi"}}]}]},
                    separators=(",", ":"))
    post("instagram_messaging", ig, both(ig))
    post("empty_body", "", [(H256, sign256(""))], note="a correct signature over an empty body")
    # unescaped UTF-8 body carrying the signature Meta made over the escaped form: what a receiver
    # gets wrong when it hashes a re-serialised body; a raw-bytes verifier must reject it
    decoded = json.dumps(json.loads(esc), separators=(",", ":"), ensure_ascii=False)
    post("reserialised_unescaped_body", decoded, [(H256, sign256(esc))],
         note="mutation: the body re-serialised with raw UTF-8 instead of Meta's \\u escapes; the signature is "
              "Meta's over the escaped bytes")
    post("tampered_body", tamper(basic), both(basic), note="mutation: body changed after signing")
    post("wrong_secret", basic, both(basic, OTHER), note="signed with another App Secret")
    post("missing_signature_header", basic, [], note="no signature headers at all")
    post("legacy_sha1_only", basic, [(H1, sign1(basic))],
         note="only the legacy X-Hub-Signature: sha1= header; a sha256 preset must not fall back to it")
    hexsig = hmac_digest("sha256", SECRET, basic).hex()
    post("uppercase_hex", basic, [(H256, "sha256=" + hexsig.upper())],
         note="mutation: uppercase hex (docs: lowercase hex digits); exact compare")
    post("missing_prefix", basic, [(H256, hexsig)], note="mutation: bare hex without sha256=")
    post("sha1_prefix_in_256_header", basic, [(H256, "sha1=" + hexsig)], note="mutation: wrong prefix")
    post("base64_encoding", basic, [(H256, "sha256=" + b64(hmac_digest("sha256", SECRET, basic)))],
         note="mutation: base64 instead of hex")
    post("truncated_signature", basic, [(H256, sign256(basic)[:-2])], note="mutation: last byte cut")

    # GET verification handshake: unsigned, so the signature check refuses it (sdk_verdict); the
    # answer Meta expects, from the transcribed verification check, is expected_response
    def get(name, query: dict, note):
        qs = "&".join(f"{k}={v}" for k, v in query.items())
        resp = transcribed_handshake(query, VERIFY_TOKEN)
        v, why = transcribed_verify("", [], SECRET)
        cases.append(case(name=name, secret=SECRET, verify_token=VERIFY_TOKEN, headers=[], body="",
                          url=f"{URL}?{qs}", method="GET", content_type=None, query=qs, sdk_verdict=v,
                          note=f"{note}; transcription of the signature check: {why}", expected_response=resp))

    get("docs_example_verification_request",
        {"hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": "meatyhamhock"},
        "the docs' Sample Verification Request verbatim; answer 200 with the hub.challenge value as the body")
    get("handshake_wrong_verify_token",
        {"hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": "not-the-token"},
        "verify token differs from the App Dashboard's: refuse (Meta's sample app answers 403)")
    get("handshake_missing_verify_token",
        {"hub.mode": "subscribe", "hub.challenge": "1158201444"},
        "no hub.verify_token: refuse")
    get("handshake_wrong_mode",
        {"hub.mode": "unsubscribe", "hub.challenge": "1158201444", "hub.verify_token": "meatyhamhock"},
        "hub.mode is always 'subscribe' (docs); anything else: refuse")
    return cases


if __name__ == "__main__":
    src = ("transcription (no official SDK verifier) of developers.facebook.com/docs/graph-api/webhooks/getting-started: "
           "X-Hub-Signature-256 = 'sha256=' + lowercase hex HMAC-SHA256(App Secret, raw body), compared whole and "
           "exactly; GET hub.challenge handshake answered when hub.mode=subscribe and hub.verify_token matches. "
           "GET cases: sdk_verdict is the signature check's (unsigned: invalid), the expected answer is "
           "expected_response; extra fields verify_token (the Dashboard's Verify Token) and query.")
    print(write_fixture("meta", src, build()))
