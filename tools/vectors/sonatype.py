#!/usr/bin/env python3
"""Sonatype webhook fixtures: Lifecycle / Nexus IQ Server (sonatype.json) and Nexus Repository 3
(nexus-repository.json).

No SDK verifier. Transcription of Sonatype IQ Server's sender (WebhookClientUtil.WebhookClient.sign,
seen through the code index) and the Nexus docs:
  X-Nexus-Webhook-Signature = lowercase hex HMAC-<alg>(secret key UTF-8, JSON body UTF-8)
  X-Nexus-Webhook-Signature-Algorithm = "HmacSHA1" (a FIPS-mode server uses its FIPS HMAC algorithm instead)
  X-Nexus-Webhook-ID = event type, X-Nexus-Webhook-Delivery = random uuid (both unsigned)
The transcription pins HmacSHA1 (the default) and rejects a request whose algorithm header names another one.

Nexus Repository 3 (help.sonatype.com/repomanager3/integrations/webhooks/working-with-hmac-payloads;
sender sonatype/nexus-public WebhookServiceImpl) signs the same way, HmacSHA1 lowercase hex of the JSON body,
and sends no algorithm header: its transcription reads only X-Nexus-Webhook-Signature.
"""
import hashlib
import hmac

from fixture_handshakes import (UNICODE_TEXT, b64, case, compact, hmac_digest, tamper, write_fixture)

SECRET = "nexus-iq-secret-key-7c1d"
OTHER = "wrong-secret-key"
HS, HA = "X-Nexus-Webhook-Signature", "X-Nexus-Webhook-Signature-Algorithm"
ALGS = {"HmacSHA1": "sha1", "HmacSHA256": "sha256"}


def sign(body, secret=SECRET, alg="sha1"):
    return hmac_digest(alg, secret, body).hex()


def transcribed(body, headers, secret, pinned="HmacSHA1"):
    h = {k.lower(): v for k, v in headers}
    sig = h.get(HS.lower())
    if sig is None:
        return "invalid", "no X-Nexus-Webhook-Signature"
    alg = h.get(HA.lower(), pinned)
    if alg != pinned:
        return "invalid", f"algorithm header {alg!r} is not the configured {pinned}"
    if hmac.compare_digest(sig.encode(), sign(body, secret, ALGS[pinned]).encode()):
        return "valid", ""
    return "invalid", "signature mismatch"


def policy_event(name: str) -> str:
    return compact({
        "timestamp": "2023-11-14T22:13:15.043+0000", "initiator": "admin",
        "id": "f6c24d4ba3b042a58d6d2c2e7a0e3b3a", "name": name,
        "scope": {"id": "ROOT_ORGANIZATION_ID", "type": "organization", "name": "Root Organization"},
        "owner": {"id": "ROOT_ORGANIZATION_ID", "type": "organization", "name": "Root Organization"},
        "threatLevel": 9, "policyViolationType": "security",
    })


def build():
    cases = []
    base = [("X-Nexus-Webhook-ID", "iq:policyManagement"),
            ("X-Nexus-Webhook-Delivery", "7f7cd4b7-5d4b-4f0e-b6b4-6a0f0d0a9c11")]

    def add(name, body, sig_headers, secret=SECRET, note=None):
        hs = [list(h) for h in sig_headers + base]
        v, why = transcribed(body, hs, secret)
        if why:
            note = (note + "; " if note else "") + f"transcription: {why}"
        cases.append(case(name=name, secret=secret, headers=hs, body=body, sdk_verdict=v, note=note))

    basic = policy_event("hello-security-critical")
    ok = lambda b, s=SECRET: [(HS, sign(b, s)), (HA, "HmacSHA1")]  # noqa: E731
    add("policy_management_basic", basic, ok(basic))
    uni = policy_event("Sicherheit-Überprüfung 😀 " + UNICODE_TEXT)
    add("non_ascii_body", uni, ok(uni))
    add("empty_body", "", ok(""), note="a correct signature over an empty body")
    add("no_algorithm_header", basic, [(HS, sign(basic))],
        note="algorithm header absent: treated as the configured HmacSHA1")
    add("tampered_body", tamper(basic), ok(basic), note="mutation: body changed after signing")
    add("wrong_secret", basic, ok(basic, OTHER), note="signed with another secret key")
    add("missing_signature_header", basic, [(HA, "HmacSHA1")], note="no signature (webhook has no secret key)")
    add("fips_hmacsha256_declared", basic, [(HS, sign(basic, alg="sha256")), (HA, "HmacSHA256")],
        note="a FIPS-mode server signs with its FIPS algorithm and says so in the algorithm header; a preset pinned "
             "to HmacSHA1 rejects it (configure HmacSHA256 explicitly for such servers)")
    add("algorithm_header_lies", basic, [(HS, sign(basic)), (HA, "HmacSHA256")],
        note="mutation: SHA-1 signature but the header claims HmacSHA256")
    add("uppercase_hex", basic, [(HS, sign(basic).upper()), (HA, "HmacSHA1")], note="mutation: uppercase hex; exact compare")
    add("sha1_prefix", basic, [(HS, "sha1=" + sign(basic)), (HA, "HmacSHA1")],
        note="mutation: GitHub-style prefix (some third-party receivers strip 5 chars; Sonatype sends bare hex)")
    add("base64_encoding", basic, [(HS, b64(hmac_digest("sha1", SECRET, basic))), (HA, "HmacSHA1")],
        note="mutation: base64 instead of hex")
    add("truncated_signature", basic, [(HS, sign(basic)[:-2]), (HA, "HmacSHA1")], note="mutation: last byte cut")
    return cases


def component_event(name: str) -> str:
    return compact({
        "timestamp": "2023-11-14T22:13:15.043+0000", "nodeId": "52905B51-085CCABB-CEBBEAAD-16F3DFBD-BB3D0A2B",
        "initiator": "admin/192.168.1.10", "repositoryName": "maven-releases", "action": "CREATED",
        "component": {"id": "08909bf0c86cf6c9600aade89e1c5e25", "componentId": "bWF2ZW4tcmVsZWFzZXM6MDg5MDli",
                      "format": "maven2", "name": name, "group": "org.example", "version": "1.0.0"},
    })


def build_repository():
    """Nexus Repository: the signature header only; an algorithm header, if any, is not read."""
    cases = []
    base = [("X-Nexus-Webhook-ID", "rm:repository:component"),
            ("X-Nexus-Webhook-Delivery", "bd9e6aef-0e27-4570-980d-f639c49ab5ed")]

    def transcribed_repository(body, headers, secret):
        sig = {k.lower(): v for k, v in headers}.get(HS.lower())
        if sig is None:
            return "invalid", "no X-Nexus-Webhook-Signature"
        if hmac.compare_digest(sig.encode(), sign(body, secret).encode()):
            return "valid", ""
        return "invalid", "signature mismatch"

    def add(name, body, sig_headers, secret=SECRET, note=None):
        hs = [list(h) for h in sig_headers + base]
        v, why = transcribed_repository(body, hs, secret)
        if why:
            note = (note + "; " if note else "") + f"transcription: {why}"
        cases.append(case(name=name, secret=secret, headers=hs, body=body, sdk_verdict=v, note=note))

    basic = component_event("hello-widget")
    add("component_created_basic", basic, [(HS, sign(basic))])
    uni = component_event("widget-Größe-😀 " + UNICODE_TEXT)
    add("non_ascii_body", uni, [(HS, sign(uni))])
    add("empty_body", "", [(HS, sign(""))], note="a correct signature over an empty body")
    add("tampered_body", tamper(basic), [(HS, sign(basic))], note="mutation: body changed after signing")
    add("wrong_secret", basic, [(HS, sign(basic, OTHER))], note="signed with another secret key")
    add("missing_signature_header", basic, [], note="no signature (the capability has no secret key)")
    add("sha256_signature", basic, [(HS, sign(basic, alg="sha256"))], note="mutation: HMAC-SHA256 hex")
    add("uppercase_hex", basic, [(HS, sign(basic).upper())], note="mutation: uppercase hex; exact compare")
    add("sha1_prefix", basic, [(HS, "sha1=" + sign(basic))], note="mutation: GitHub-style prefix")
    add("base64_encoding", basic, [(HS, b64(hmac_digest("sha1", SECRET, basic)))], note="mutation: base64 instead of hex")
    add("truncated_signature", basic, [(HS, sign(basic)[:-2])], note="mutation: last byte cut")
    return cases


if __name__ == "__main__":
    src = ("transcription (no SDK verifier) of Sonatype IQ Server WebhookClientUtil (HMAC over the UTF-8 JSON body, "
           "lowercase hex, algorithm named in X-Nexus-Webhook-Signature-Algorithm) and Sonatype's webhook docs; the "
           "transcription pins HmacSHA1 and compares exactly in constant time")
    print(write_fixture("sonatype", src, build()))
    src = ("transcription (no SDK verifier) of Nexus Repository 3's 'Working With HMAC Payloads' (help.sonatype.com) "
           "and its sender (sonatype/nexus-public WebhookServiceImpl): X-Nexus-Webhook-Signature = lowercase hex "
           "HMAC-SHA1(secret key, raw JSON body), no algorithm header, exact constant-time compare")
    print(write_fixture("nexus-repository", src, build_repository()))
