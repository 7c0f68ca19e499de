#!/usr/bin/env python3
"""Worldline (Direct / Online Payments and Connect / GlobalCollect) webhook fixtures.

Signed with HMAC-SHA256(secret key, body) -> base64 (the SDK's algorithm; it has no signer), verdict
from onlinepayments.sdk.webhooks.signature_validator.SignatureValidator(InMemorySecretKeyStore).validate(
body bytes, [RequestHeader...]) (onlinepayments-sdk-python3 = Worldline Direct), cross-checked with the
identical worldline.connect.sdk.webhooks.SignatureValidator (connect-sdk-python3 = Worldline Connect).
"""
import json

from fixture_handshakes import (UNICODE_TEXT, b64, case, compact, hmac_digest, pkg_version, tamper,
                                write_fixture)
from onlinepayments.sdk.communication.request_header import RequestHeader as DRH
from onlinepayments.sdk.webhooks.in_memory_secret_key_store import InMemorySecretKeyStore as DStore
from onlinepayments.sdk.webhooks.signature_validator import SignatureValidator as DValidator
from worldline.connect.sdk.communication.request_header import RequestHeader as CRH
from worldline.connect.sdk.webhooks.in_memory_secret_key_store import InMemorySecretKeyStore as CStore
from worldline.connect.sdk.webhooks.signature_validator import SignatureValidator as CValidator

KEY_ID, SECRET = "5e4f3a2b1c0d9e8f", "Y3yGb8Xp2Lq9Vw4Rz7Tn1Ks6Hd0Jf5Mc"
KEY_ID2, SECRET2 = "6f5e4d3c2b1a0f9e", "Zq8Wm3Nk7Pr2Tx5Bv9Lc4Hd1Jg6Fs0Ya"
OTHER = "ThisIsNotTheSecretKeyForThisKeyId"
HS, HK = "X-GCS-Signature", "X-GCS-KeyId"
URL = "https://merchant.example.com/worldline/webhooks"


def sign(body: str, secret: str) -> str:
    return b64(hmac_digest("sha256", secret, body))


def judge_with(Validator, Store, RH, c):
    store = Store.instance()
    store.clear()
    for kid, sec in c.get("secret_keys", {c["key_id"]: c["secret"]}).items():
        store.store_secret_key(kid, sec)
    try:
        Validator(store).validate(c["body"].encode(), [RH(k, v) for k, v in c["headers"]])
        return "valid", ""
    except Exception as e:
        return "invalid", f"{type(e).__name__}: {e}"[:120]


def payment_event(desc: str, kind="payment.created") -> str:
    return compact({
        "apiVersion": "v1", "id": "97a4fcdf-9a08-4a59-a0c0-69bfd7e1d59d", "created": "2023-11-14T23:13:15.125+0100",
        "merchantId": "20000", "type": kind,
        "payment": {"id": "3066019730_0", "paymentOutput": {
            "amountOfMoney": {"amount": 4005, "currencyCode": "EUR"},
            "references": {"merchantReference": desc}, "paymentMethod": "card"},
            "status": "PENDING_APPROVAL", "statusOutput": {"isCancellable": True, "statusCategory": "PENDING_MERCHANT",
                                                           "statusCode": 600}},
    })


def build():
    cases = []

    def add(name, body, headers, note=None, secret=SECRET, key_id=KEY_ID, **extra):
        c = case(name=name, secret=secret, key_id=key_id, headers=[list(h) for h in headers], body=body,
                 sdk_verdict="valid", **extra)
        v, why = judge_with(DValidator, DStore, DRH, c)
        cv, _ = judge_with(CValidator, CStore, CRH, c)
        assert v == cv, (name, v, cv)
        c["sdk_verdict"] = v
        if note or why:
            c["note"] = "; ".join(x for x in [note, why and f"SignatureValidator: {why}"] if x)
        cases.append(c)

    basic = payment_event("hello world order 42")
    ok = lambda b, sec=SECRET, kid=KEY_ID: [(HS, sign(b, sec)), (HK, kid)]  # noqa: E731
    add("payment_created_basic", basic, ok(basic))
    uni = payment_event("Bestellung Größe 😀 " + UNICODE_TEXT)
    add("non_ascii_body", uni, ok(uni))
    add("empty_body", "", ok(""), note="a correct signature over an empty body")
    add("tampered_body", tamper(basic), ok(basic), note="mutation: body changed after signing")
    add("wrong_secret", basic, ok(basic, OTHER), note="signed with another secret key under the same key id")
    add("missing_signature_header", basic, [(HK, KEY_ID)], note="no X-GCS-Signature")
    add("missing_key_id_header", basic, [(HS, sign(basic, SECRET))], note="no X-GCS-KeyId")
    add("unknown_key_id", basic, ok(basic, SECRET, "ffffffffffffffff"), note="X-GCS-KeyId not in the key store")
    add("duplicate_signature_header", basic, [(HS, sign(basic, SECRET)), (HS, sign(basic, SECRET)), (HK, KEY_ID)],
        note="two X-GCS-Signature headers (even identical): the SDK refuses multiple occurrences")
    rot = payment_event("hello rotation", "payment.captured")
    add("key_rotation_second_key", rot, ok(rot, SECRET2, KEY_ID2),
        secret_keys={KEY_ID: SECRET, KEY_ID2: SECRET2}, secondary_secret=SECRET2,
        note="two keys configured (old and new); X-GCS-KeyId selects the new one")
    add("key_id_selects_wrong_key", rot, ok(rot, SECRET2, KEY_ID), secret_keys={KEY_ID: SECRET, KEY_ID2: SECRET2},
        secondary_secret=SECRET2,
        note="signed with the new key but labelled with the old key id")
    d = hmac_digest("sha256", SECRET, basic)
    add("hex_encoding", basic, [(HS, d.hex()), (HK, KEY_ID)], note="mutation: hex instead of base64")
    add("base64_unpadded", basic, [(HS, b64(d).rstrip("=")), (HK, KEY_ID)], note="mutation: '=' padding removed")
    add("base64_urlsafe", basic, [(HS, b64(d).replace("+", "-").replace("/", "_")), (HK, KEY_ID)],
        note="mutation: url-safe alphabet" + ("" if set(b64(d)) & set("+/") else " (no-op for this signature)"))
    # endpoint verification (Worldline Connect docs): GET with the header; echo its value in the body
    token = "7b7c3c1c-4f4b-4a57-9e8a-0d1f7f6d4b2e"
    c = case(name="handshake_endpoint_verification", secret=SECRET, key_id=KEY_ID,
             headers=[["X-GCS-Webhooks-Endpoint-Verification", token]], body="", url=URL, method="GET",
             content_type=None, sdk_verdict="valid",
             expected_response={"status": 200, "content_type": "text/plain", "body": token})
    v, why = judge_with(DValidator, DStore, DRH, c)
    assert judge_with(CValidator, CStore, CRH, c)[0] == v
    c["sdk_verdict"] = v
    c["note"] = ("Connect docs: 'respond to the GET action and echo the X-GCS-Webhooks-Endpoint-Verification header "
                 f"value in the body' (expected_response); unsigned, so SignatureValidator refuses it: {why}")
    cases.append(c)
    return cases


if __name__ == "__main__":
    src = (f"onlinepayments-sdk-python3=={pkg_version('onlinepayments-sdk-python3')} (python, Worldline Direct): signed with "
           "HMAC-SHA256(secret key, body) -> base64 (the SDK's algorithm; it has no signer), verdict from "
           "onlinepayments.sdk.webhooks.SignatureValidator(InMemorySecretKeyStore).validate(body bytes, headers); identical "
           f"verdicts from connect-sdk-python3=={pkg_version('connect-sdk-python3')} (Worldline Connect) "
           "worldline.connect.sdk.webhooks.SignatureValidator. No clock. Extra fields: key_id (X-GCS-KeyId the secret is "
           "stored under), secret_keys (several configured keys; the second is also secondary_secret). The GET "
           "endpoint verification: sdk_verdict is SignatureValidator's (unsigned: invalid), the answer is expected_response")
    print(write_fixture("worldline", src, build()))
