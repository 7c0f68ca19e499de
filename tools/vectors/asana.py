#!/usr/bin/env python3
"""Asana webhook fixtures.

No SDK verifier (the `asana` SDK only documents the handshake in WebhooksApi.create_webhook).
Transcription of Asana's docs + official example server (Asana/devrel-examples
python/webhooks_v5/server.py):
  handshake: POST with X-Hook-Secret: <secret>; answer 200 (or 204) echoing X-Hook-Secret.
  events:    X-Hook-Signature = hex(HMAC-SHA256(that X-Hook-Secret, raw body)), compare_digest.
"""
from fixture_handshakes import (UNICODE_TEXT, b64, body_hmac_cases, body_hmac_transcription, case, compact,
                                hmac_digest, write_fixture)

# the docs' example handshake secret; in Asana the secret is delivered by the handshake itself
SECRET = "b537207f20cbfa02357cf448134da559e8bd39d61597dcd5631b8012eae53e81"
OTHER = "0000000000000000000000000000000000000000000000000000000000000000"
H = "X-Hook-Signature"
sign, judge = body_hmac_transcription("sha256", "hex")


def task_changed(text: str) -> str:
    return compact({"events": [{
        "user": {"gid": "1199951493817460", "resource_type": "user"},
        "created_at": "2023-11-14T22:13:15.125Z", "action": "changed",
        "resource": {"gid": "1201234567890123", "resource_type": "task", "resource_subtype": "default_task"},
        "parent": None, "change": {"field": "name", "action": "changed", "new_value": text}}]})


def build():
    cases = body_hmac_cases(
        header=H, sign=sign, judge=judge, secret=SECRET, other_secret=OTHER,
        bodies=[("task_changed_basic", task_changed("hello world"), None),
                ("non_ascii_body", task_changed("Überprüfung 😀 " + UNICODE_TEXT), None),
                ("heartbeat_empty_events", '{"events":[]}',
                 "an empty events array (the shape of Asana's heartbeat deliveries, not re-checked here); signed like any delivery")],
        mutations=[
            ("uppercase_hex", lambda b, s: sign(b, s).upper(), "mutation: uppercase hex; exact compare"),
            ("sha256_prefix", lambda b, s: "sha256=" + sign(b, s), "mutation: GitHub-style prefix"),
            ("base64_encoding", lambda b, s: b64(hmac_digest("sha256", s, b)), "mutation: base64 instead of hex"),
            ("key_hex_decoded", lambda b, s: hmac_digest("sha256", bytes.fromhex(s), b).hex(),
             "mutation: the 64-hex secret hex-decoded into 32 key bytes; Asana uses the text"),
            ("truncated_signature", lambda b, s: sign(b, s)[:-2], "mutation: last byte cut"),
        ])
    v, why = judge("", None, "")
    cases.append(case(
        name="handshake_x_hook_secret", secret="", headers=[["X-Hook-Secret", SECRET]], body="",
        sdk_verdict=v, note=("docs' handshake: POST with X-Hook-Secret and no signature; echo the header in a 200 "
                             "(or 204) response. The handshake itself is unauthenticated (the secret to keep comes "
                             "back in the create-webhook API response); the signature check refuses it "
                             f"(verifier: {why}), the answer is expected_response"),
        expected_response={"status": 200, "headers": {"X-Hook-Secret": SECRET}}))
    return cases


if __name__ == "__main__":
    src = ("transcription (no SDK verifier) of Asana's docs (developers.asana.com webhooks guide / createWebhook) and "
           "official example Asana/devrel-examples python/webhooks_v5/server.py: X-Hook-Signature = lowercase hex "
           "HMAC-SHA256(X-Hook-Secret from the handshake, raw body), compared with hmac.compare_digest; handshake "
           "echoes X-Hook-Secret (its sdk_verdict is the signature check's, the answer is expected_response)")
    print(write_fixture("asana", src, build()))
