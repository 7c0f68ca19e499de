"""Adyen webhooks fixture generator: writes tests/vectors/adyen.json (standard
notifications, HMAC in the body) and tests/vectors/adyen-platform.json (HmacSignature header).

Standard: signed with Adyen (python) Adyen.util.generate_notification_sig(item, hex_key), verdict
from Adyen.util.is_valid_hmac_notification(json.loads(body), hex_key) (checks notificationItems[0]
only). Platform/Management: signed with generate_payload_sig(body_bytes, hex_key), verdict from
is_valid_hmac_payload(header_value, hex_key, body_bytes). No timestamp in either scheme.
Extra field node_sdk_verdict: @adyen/api-library HmacValidator (validateHMAC on notificationItems[0], or
validateHMACSignature on the body), from adyen-node-check.mjs.
Run: envs/payloads/.venv/bin/python adyen.py
"""
import copy
import json
import os
import subprocess
from pathlib import Path
from importlib.metadata import version

from Adyen import util
from fixture import case, write_fixture

DOCS_KEY = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056"
KEY = "7A3C9E1B5D2F4A6C8E0B1D3F5A7C9E1B3D5F7A9C1E3B5D7F9A1C3E5B7D9F1A3C"
OTHER = "0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C4B5A69788796A5B4C3D2E1F0"


def item(**kw):
    base = {"additionalData": {}, "amount": {"value": 1130, "currency": "EUR"}, "pspReference": "7914073381342284",
            "eventCode": "AUTHORISATION", "eventDate": "2023-11-14T22:13:15+01:00", "merchantAccountCode": "TestMerchant",
            "operations": ["CANCEL", "CAPTURE", "REFUND"], "merchantReference": "TestPayment-1407325143704",
            "paymentMethod": "visa", "success": "true"}
    base.update(kw)
    return base


def signed(it, key=KEY):
    it = copy.deepcopy(it)
    sig = util.generate_notification_sig({k: v for k, v in it.items() if k != "additionalData"}, key).decode()
    it["additionalData"] = dict(it.get("additionalData") or {}, hmacSignature=sig)
    return it


def body_of(*items, pretty=False):
    doc = {"live": "false", "notificationItems": [{"NotificationRequestItem": i} for i in items]}
    return json.dumps(doc, indent=3 if pretty else None, ensure_ascii=False, separators=None if pretty else (",", ":"))


def verdict(body, key):
    try:
        return "valid" if util.is_valid_hmac_notification(json.loads(body), key) else "invalid"
    except Exception:
        return "invalid"


def signing_string(it):
    d = dict(it, value=it["amount"]["value"], currency=it["amount"]["currency"])
    return ":".join(map(str, (d.get(e, "") for e in ["pspReference", "originalReference", "merchantAccountCode",
                                                     "merchantReference", "value", "currency", "eventCode", "success"])))


cases = []


def add(name, body, key=KEY, note=None):
    first = json.loads(body)["notificationItems"][0]["NotificationRequestItem"]
    kw = dict(name=name, secret=key, headers=[], body=body, sdk_verdict=verdict(body, key),
              signed_string=signing_string(first) if "amount" in first else None)
    if note:
        kw["note"] = note
    cases.append(case(**kw))


# Adyen's published worked example (webhook HMAC page; same values in Adyen's Ruby/Go SDK tests)
docs_item = {"additionalData": {"hmacSignature": "coqCmt/IZ4E3CzPvMY8zTjQVL5hYJUiBRg8UU+iCWo0="},
             "amount": {"value": 1130, "currency": "EUR"}, "pspReference": "7914073381342284",
             "eventCode": "AUTHORISATION", "eventDate": "2019-05-06T17:15:34.121+02:00",
             "merchantAccountCode": "TestMerchant", "operations": ["CANCEL", "CAPTURE", "REFUND"],
             "merchantReference": "TestPayment-1407325143704", "paymentMethod": "visa", "success": "true"}
add("docs_example", body_of(docs_item, pretty=True), key=DOCS_KEY,
    note="Adyen's published example: key 44782DEF…, signing string "
         "7914073381342284::TestMerchant:TestPayment-1407325143704:1130:EUR:AUTHORISATION:true")
add("sdk_signed_basic", body_of(signed(item())))
add("non_ascii_merchant_reference", body_of(signed(item(merchantReference="Bestellung-Zoë-日本語-😀"))))
add("refund_with_original_reference", body_of(signed(item(eventCode="REFUND", pspReference="8814073381342285",
                                                          originalReference="7914073381342284", amount={"value": 500, "currency": "EUR"}))))
add("zero_amount_authentication", body_of(signed(item(eventCode="AUTHENTICATION", amount={"value": 0, "currency": "EUR"}))),
    note="value 0 is signed as `0`")
t = signed(item())
t["amount"]["value"] = 1131
add("tampered_amount", body_of(t))
t = signed(item())
t["paymentMethod"] = "mc"
add("unsigned_field_changed", body_of(t), note="paymentMethod is not in the signed string: still valid")
add("wrong_key", body_of(signed(item())), key=OTHER)
add("key_lowercase_hex", body_of(signed(item())), key=KEY.lower(), note="hex key decoded case-insensitively")
m = signed(item())
m["additionalData"] = {}
add("missing_hmac_signature", body_of(m))
m = signed(item())
m["additionalData"]["hmacSignature"] = ""
add("empty_hmac_signature", body_of(m))
b = signed(item())
b["success"] = True
add("success_as_json_boolean", body_of(b),
    note="signed over `true`; python SDK stringifies a JSON true as `True` (Adyen sends the string \"true\")")
forged = item(pspReference="9999999999999999", merchantReference="NEVER-HAPPENED-1", amount={"value": 500000, "currency": "EUR"})
forged["additionalData"] = {"hmacSignature": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}
add("second_item_forged", body_of(signed(item()), forged),
    note="the SDK checks notificationItems[0] only; item 1 carries a bogus signature. Strict: verify every item")
orig = signed(item(merchantReference="Order:42"))
shifted = copy.deepcopy(orig)
shifted["merchantAccountCode"], shifted["merchantReference"] = "TestMerchant:Order", "42"
add("colon_shifted_between_fields", body_of(shifted),
    note="values are joined with ':' unescaped, so moving a ':' across two adjacent fields keeps the signature")
sw = signed(item())
sw["additionalData"]["hmacSignature"] = sw["additionalData"]["hmacSignature"].rstrip("=")
add("unpadded_signature", body_of(sw))
# Added for webhook-guard, judged by the same SDK call.
hx = signed(item())
hx["additionalData"]["hmacSignature"] = __import__("base64").b64decode(hx["additionalData"]["hmacSignature"]).hex()
add("hex_signature", body_of(hx), note="added for webhook-guard: the same MAC in hex")
nl = signed(item())
nl["originalReference"] = None
add("null_original_reference", body_of(nl),
    note="added for webhook-guard: signed with originalReference absent, sent as null (python stringifies null as None)")
add("pretty_printed_body", body_of(signed(item()), pretty=True),
    note="added for webhook-guard: the signed string is built from fields, so the body's formatting does not matter")

src = (f"Adyen=={version('Adyen')} (python): signed with Adyen.util.generate_notification_sig(item, hex_key), verdict "
       "from Adyen.util.is_valid_hmac_notification(json.loads(body), hex_key) (no clock involved). Extra field: "
       "signed_string (of notificationItems[0]).")
ENV = dict(os.environ, G2_SDK_DIR=os.environ.get("G2_SDK_DIR", str(Path(__file__).with_name("envs") / "payloads")))


def node_verdicts(kind, cs):
    out = subprocess.run(["node", str(Path(__file__).with_name("adyen-node-check.mjs")), kind], input=json.dumps(cs),
                         capture_output=True, text=True, check=True, env=ENV)
    for c, v in zip(cs, json.loads(out.stdout)):
        c["node_sdk_verdict"] = v


node_verdicts("notification", cases)
print(write_fixture("adyen", src + " Extra field node_sdk_verdict: @adyen/api-library HmacValidator.validateHMAC(notificationItems[0].NotificationRequestItem, key).", cases))
for c in cases:
    print(c["name"], c["sdk_verdict"])

# --- Balance/Platform, Management API webhooks: HmacSignature header over the raw body --------
pcases = []


def padd(name, body, sig, key=KEY, note=None, header="HmacSignature"):
    hdrs = [[header, sig]] if sig is not None else []
    try:
        v = "valid" if (sig is not None and util.is_valid_hmac_payload(sig, key, body.encode())) else "invalid"
    except Exception:
        v = "invalid"
    kw = dict(name=name, secret=key, headers=hdrs, body=body, sdk_verdict=v)
    if note:
        kw["note"] = note
    pcases.append(case(**kw))


pb = '{"data":{"balancePlatform":"YOUR_BALANCE_PLATFORM","accountHolder":{"id":"AH32272223222B5CZW6QZ2V3J","status":"active","legalEntityId":"LE322KH223222D5GG4C9J83RN"}},"environment":"test","timestamp":"2023-11-14T22:13:15+01:00","type":"balancePlatform.accountHolder.updated"}'
psig = util.generate_payload_sig(pb.encode(), KEY).decode()
padd("sdk_signed_basic", pb, psig, note="HmacSignature = base64 HMAC-SHA256(hex-decoded key, raw body)")
pn = pb.replace("active", "actif — Zoë 日本語")
padd("non_ascii_body", pn, util.generate_payload_sig(pn.encode(), KEY).decode())
padd("empty_body", "", util.generate_payload_sig(b"", KEY).decode())
padd("tampered_body", pb.replace("active", "closed"), psig)
padd("wrong_key", pb, psig, key=OTHER)
padd("missing_header", pb, None)
padd("hex_signature", pb, __import__("base64").b64decode(psig).hex())
padd("reserialised_body", json.dumps(json.loads(pb), indent=2), psig, note="signature is over the raw bytes")
node_verdicts("payload", pcases)
print(write_fixture("adyen-platform", src.replace("generate_notification_sig(item, hex_key)", "generate_payload_sig(body, hex_key)")
                    .replace("is_valid_hmac_notification(json.loads(body), hex_key)", "is_valid_hmac_payload(HmacSignature, hex_key, body)")
                    .replace(" Extra field: signed_string (of notificationItems[0]).", "")
                    + " Extra field node_sdk_verdict: @adyen/api-library HmacValidator.validateHMACSignature(key, HmacSignature, body).", pcases))
for c in pcases:
    print(c["name"], c["sdk_verdict"])
