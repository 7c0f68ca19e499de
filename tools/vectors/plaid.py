"""Plaid webhooks (Plaid-Verification ES256 JWT) fixture generator (group g3).

No Plaid SDK verifies webhooks (plaid-python / plaid npm only wrap /webhook_verification_key/get),
so the verdict comes from Plaid's documented steps transcribed below (`plaid_verify`), using
PyJWT for JWT parsing/ES256 verification, with the key lookup (/webhook_verification_key/get by
`kid`) answered from the case's `jwk`. Test tokens are signed with a fixed test P-256 key
(tools/vectors/keys_g3.json 'plaid') using deterministic ECDSA (RFC 6979, python cryptography), so the
output is reproducible. One case is a real Plaid webhook published on Stack Overflow (JWT, JWK
and a body whose SHA-256 matches its claim).
Run (from tools/vectors): .venv/bin/python plaid.py
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != HERE]
sys.path.append(HERE)

import base64  # noqa: E402
import hashlib  # noqa: E402
import hmac  # noqa: E402
import json  # noqa: E402
from importlib.metadata import version  # noqa: E402
from pathlib import Path  # noqa: E402

import jwt  # noqa: E402  (PyJWT)
from jwt.algorithms import ECAlgorithm  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature  # noqa: E402

from fixture_g3 import NOW, case, write_fixture  # noqa: E402

KEYS = json.loads((Path(__file__).parent / "keys_g3.json").read_text())
KEY = serialization.load_pem_private_key(KEYS["plaid"].encode(), None)
EVIL = serialization.load_pem_private_key(KEYS["plaid_attacker"].encode(), None)
KID = "bfbd5111-8e33-4643-8ced-b2e642a72f3c"
KEY_URL = "https://production.plaid.com/webhook_verification_key/get"
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551  # P-256 order


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def jwk_of(key, kid=KID, created_at=1560466143):
    d = json.loads(ECAlgorithm.to_jwk(key.public_key()))
    return {"alg": "ES256", "created_at": created_at, "crv": "P-256", "expired_at": None, "kid": kid,
            "kty": "EC", "use": "sig", "x": d["x"], "y": d["y"]}


def es256(signing_input, key=KEY, high_s=False, der=False):
    sig = key.sign(signing_input, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
    r, s = decode_dss_signature(sig)
    if high_s:
        s = N - s if s < N // 2 else s
    if der:
        return encode_dss_signature(r, s)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def make_jwt(claims, *, key=KEY, header=None, high_s=False, der=False):
    h = header or {"alg": "ES256", "kid": KID, "typ": "JWT"}
    si = f"{b64u(json.dumps(h, separators=(',', ':')).encode())}.{b64u(json.dumps(claims, separators=(',', ':')).encode())}"
    return si + "." + b64u(es256(si.encode(), key, high_s, der))


def sha(body):
    return hashlib.sha256(body.encode()).hexdigest()


def plaid_verify(body: str, headers: dict, jwks: dict, now: int) -> bool:
    """Plaid's documented steps (plaid.com/docs/api/webhooks/webhook-verification)."""
    token = {k.lower(): v for k, v in headers.items()}.get("plaid-verification")
    if not token:
        return False
    header = jwt.get_unverified_header(token)               # 1. decode header unverified
    if header.get("alg") != "ES256":                          # 2. alg must be ES256
        return False
    jwk = jwks.get(header.get("kid"))                         # 3. /webhook_verification_key/get {key_id: kid}
    if jwk is None:
        return False
    key = ECAlgorithm.from_jwk(json.dumps(jwk))
    claims = jwt.decode(token, key=key, algorithms=["ES256"],  # 4. verify the JWT signature
                        options={"verify_iat": False, "verify_exp": False, "verify_nbf": False})
    if now - int(claims["iat"]) > 5 * 60:                     # 5. iat no more than 5 minutes old
        return False
    return hmac.compare_digest(sha(body), claims["request_body_sha256"])  # 6. body SHA-256


def verdict(body, headers, jwks, now):
    try:
        return "valid" if plaid_verify(body, dict(headers), jwks, now) else "invalid"
    except Exception:
        return "invalid"


def plaid_body(d):
    # Plaid sends 2-space indented JSON with sorted keys (see the real example below)
    return json.dumps(d, indent=2, sort_keys=True, ensure_ascii=False)


cases = []
JWK = jwk_of(KEY)
EVIL_JWK = jwk_of(EVIL)


def add(name, body, token, *, jwk=JWK, jwks=None, now=NOW, note=None):
    jwks = jwks if jwks is not None else {jwk["kid"]: jwk}
    headers = [["Plaid-Verification", token]] if token is not None else []
    kw = dict(name=name, secret=json.dumps(jwk, separators=(",", ":")), headers=headers, body=body, now=now,
              sdk_verdict=verdict(body, headers, jwks, now), jwk=jwk,
              jwk_source={"url": KEY_URL, "method": "POST",
                          "request": {"client_id": "<PLAID_CLIENT_ID>", "secret": "<PLAID_SECRET>", "key_id": jwk["kid"]},
                          "response": {"key": jwk, "request_id": "HvfCtrDLG1ihcp7"}})
    if note:
        kw["note"] = note
    cases.append(case(**kw))


BASIC = plaid_body({"environment": "production", "item_id": "wz666MBjYWTp2PDzzggYhM6oWWmBb", "initial_update_complete": True,
                    "historical_update_complete": False, "webhook_code": "SYNC_UPDATES_AVAILABLE", "webhook_type": "TRANSACTIONS"})
NON_ASCII = plaid_body({"environment": "production", "error": {"display_message": "Ça marche — naïve café, 日本語 😀",
                        "error_code": "ITEM_LOGIN_REQUIRED", "error_type": "ITEM_ERROR"}, "item_id": "wz666MBjYWTp2PDzzggYhM6oWWmBb",
                        "webhook_code": "ERROR", "webhook_type": "ITEM"})
IAT = NOW - 5
tok = make_jwt({"iat": IAT, "request_body_sha256": sha(BASIC)})
add("sdk_signed_basic", BASIC, tok, note="JWT header {alg:ES256,kid,typ:JWT}; claims {iat, request_body_sha256}")
add("non_ascii_body", NON_ASCII, make_jwt({"iat": IAT, "request_body_sha256": sha(NON_ASCII)}))
add("empty_body", "", make_jwt({"iat": IAT, "request_body_sha256": sha("")}), note="Plaid always sends JSON; the hash of an empty body")

# real webhook published on Stack Overflow ("Hashing Plaid request body webhook", q. 62143991)
REAL_JWT = ("eyJhbGciOiJFUzI1NiIsImtpZCI6IjZjNTUxNmUxLTkyZGMtNDc5ZS1hOGZmLTVhNTE5OTJlMDAwMSIsInR5cCI6IkpXVCJ9."
            "eyJpYXQiOjE1OTA4ODcwMDEsInJlcXVlc3RfYm9keV9zaGEyNTYiOiJiNjNhMDdiNTQ3YjAwZjk5MjU0N2Y2YmJjOGQ5YWNjNjFhOGNjZWUxMzhiYzgyZjQ0YTZiYWEwOTY4M2E1ZDBmIn0."
            "OOKvIihgqCj7Qrb2bmz7T3t7uK-0JyjiEqL2s1kWeJBM4MMmjaHKK8GmU_z91QolBWMzvPgs718EElY-rE3cwQ")
REAL_JWK = {"alg": "ES256", "created_at": 1560466143, "crv": "P-256", "expired_at": None,
            "kid": "6c5516e1-92dc-479e-a8ff-5a51992e0001", "kty": "EC", "use": "sig",
            "x": "35lvC8uz2QrWpQJ3TUH8t9o9DURMp7ydU518RKDl20k", "y": "I8BuXB2bvxelzJAd7OKhd-ZwjCst05Fx47Mb_0ugros"}
REAL_BODY = plaid_body({"error": None, "item_id": "yxQbxDjnD8hr69pKbQpbcKeVn3GL9QuyA7NV3", "new_transactions": 390,
                        "webhook_code": "HISTORICAL_UPDATE", "webhook_type": "TRANSACTIONS"})
add("real_plaid_webhook_published_example", REAL_BODY, REAL_JWT, jwk=REAL_JWK, now=1590887001 + 60,
    note="a real Plaid JWT + JWK published in a Stack Overflow question; the body shown there, re-indented "
         "with 2 spaces and sorted keys (no trailing newline), hashes to its request_body_sha256")
add("real_plaid_webhook_compact_body", json.dumps(json.loads(REAL_BODY)), REAL_JWT, jwk=REAL_JWK, now=1590887001 + 60,
    note="same JSON re-serialised (json.dumps default) — the hash is over raw bytes, so it fails (the SO asker's bug)")
add("tampered_body", BASIC.replace("false", "true"), tok)
add("body_reserialised_compact", json.dumps(json.loads(BASIC), separators=(",", ":")), tok)
add("signed_by_other_key", BASIC, make_jwt({"iat": IAT, "request_body_sha256": sha(BASIC)}, key=EVIL))
add("unknown_kid", BASIC, make_jwt({"iat": IAT, "request_body_sha256": sha(BASIC)},
                                   header={"alg": "ES256", "kid": "00000000-0000-0000-0000-000000000000", "typ": "JWT"}),
    note="/webhook_verification_key/get has no such key")
hs = jwt.encode({"iat": IAT, "request_body_sha256": sha(BASIC)}, JWK["x"], algorithm="HS256", headers={"kid": KID})
add("alg_hs256_confusion", BASIC, hs, note="HS256 keyed with the JWK's x: rejected by the alg == ES256 check")
none_tok = f"{b64u(json.dumps({'alg': 'none', 'kid': KID, 'typ': 'JWT'}).encode())}.{b64u(json.dumps({'iat': IAT, 'request_body_sha256': sha(BASIC)}).encode())}."
add("alg_none", BASIC, none_tok)
for label, age in (("iat_at_tolerance_300s_old", 300), ("iat_301s_old", 301)):
    add(label, BASIC, make_jwt({"iat": NOW - age, "request_body_sha256": sha(BASIC)}), note=f"iat = now - {age}")
add("iat_301s_in_future", BASIC, make_jwt({"iat": NOW + 301, "request_body_sha256": sha(BASIC)}),
    note="Plaid's steps only reject iat older than 5 min; a future iat passes them. Strict: also bound the future")
add("missing_iat_claim", BASIC, make_jwt({"request_body_sha256": sha(BASIC)}))
add("missing_body_hash_claim", BASIC, make_jwt({"iat": IAT}))
add("body_hash_uppercase_hex", BASIC, make_jwt({"iat": IAT, "request_body_sha256": sha(BASIC).upper()}),
    note="the claim is compared as lowercase hex text")
add("missing_header", BASIC, None)
add("signature_der_encoded", BASIC, make_jwt({"iat": IAT, "request_body_sha256": sha(BASIC)}, der=True),
    note="JWS ES256 signatures are raw r||s (64 bytes), not DER")
add("high_s_signature", BASIC, make_jwt({"iat": IAT, "request_body_sha256": sha(BASIC)}, high_s=True),
    note="s replaced by n - s: still a valid ECDSA signature (PyJWT/OpenSSL accept it)")
parts = tok.split(".")
add("signature_bit_flipped", BASIC, parts[0] + "." + parts[1] + "." + b64u(bytes([base64.urlsafe_b64decode(parts[2] + "==")[0] ^ 1]) + base64.urlsafe_b64decode(parts[2] + "==")[1:]))
add("claims_swapped_from_other_token", BASIC, parts[0] + "." + make_jwt({"iat": IAT, "request_body_sha256": sha(NON_ASCII)}).split(".")[1] + "." + parts[2])
add("key_rotation_two_keys_known", BASIC, make_jwt({"iat": IAT, "request_body_sha256": sha(BASIC)}, key=EVIL,
                                                    header={"alg": "ES256", "kid": "6c5516e1-92dc-479e-a8ff-5a51992e0002", "typ": "JWT"}),
    jwk=jwk_of(EVIL, kid="6c5516e1-92dc-479e-a8ff-5a51992e0002"),
    jwks={KID: JWK, "6c5516e1-92dc-479e-a8ff-5a51992e0002": jwk_of(EVIL, kid="6c5516e1-92dc-479e-a8ff-5a51992e0002")},
    note="the kid selects among several cached keys")

src = (f"Plaid's documented verification steps (no Plaid SDK verifies webhooks; plaid-python=={version('plaid-python')} only "
       f"wraps /webhook_verification_key/get) transcribed in tools/vectors/plaid.py plaid_verify using PyJWT=={version('PyJWT')}, "
       "with the key lookup answered from the case's `jwk` (jwk_source = the request it replaces) and the clock "
       "at `now`. Tokens signed with a fixed test P-256 key (tools/vectors/keys_g3.json 'plaid') using deterministic ECDSA "
       f"(RFC 6979, cryptography=={version('cryptography')}). Extra fields: jwk, jwk_source.")
print(write_fixture("plaid", src, cases))
for c in cases:
    print(c["name"], c["sdk_verdict"])
