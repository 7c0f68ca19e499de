#!/usr/bin/env python3
"""Coinbase Commerce webhook fixtures.

Signed with coinbase_commerce.webhook.WebhookSignature._compute_signature (HMAC-SHA256 hex),
verdict from WebhookSignature.verify_sig_header(payload, sig_header, secret) (coinbase-commerce,
python; archived SDK). node_verdict = coinbase-commerce-node Webhook.verifySigHeader.
"""
from body_hmac import (UNICODE_TEXT, b64, body_hmac_cases, compact, hmac_digest, node_pkg_version,
                        node_run, pkg_version, verdict, write_fixture)
from coinbase_commerce.webhook import WebhookSignature

SECRET = "3f6a1c2e-9b7d-4e5f-8a1b-2c3d4e5f6a7b"  # "shared secret" from Settings > Notifications
OTHER = "00000000-1111-2222-3333-444444444444"
H = "X-CC-Webhook-Signature"


def sign(body, secret):
    return WebhookSignature._compute_signature(body, secret)


def judge(body, value, secret):
    return verdict(WebhookSignature.verify_sig_header, body, value, secret)


def charge_event(name: str) -> str:
    return compact({
        "attempt_number": 1,
        "event": {
            "api_version": "2018-03-22",
            "created_at": "2023-11-14T22:13:15Z",
            "data": {
                "code": "66BEOV2A", "name": name, "description": "Mastering the Transition to the Information Age",
                "hosted_url": "https://commerce.coinbase.com/charges/66BEOV2A", "created_at": "2023-11-14T22:10:00Z",
                "expires_at": "2023-11-14T23:10:00Z", "timeline": [{"time": "2023-11-14T22:10:00Z", "status": "NEW"}],
                "metadata": {}, "pricing_type": "no_price", "payments": [], "addresses": {},
            },
            "id": "24934862-d980-46cb-9402-43c81b0cdba6",
            "resource": "event",
            "type": "charge:created",
        },
        "id": "f6fd5f3b-7c48-4b2a-9f5d-5b1e0a9b4c11",
        "scheduled_for": "2023-11-14T22:13:15Z",
    })


NODE = """
import coinbase from 'coinbase-commerce-node';
let s=''; process.stdin.on('data', d => s += d); process.stdin.on('end', () => {
  const out = JSON.parse(s).map(c => { try { return coinbase.Webhook.verifySigHeader(c.body, c.sig, c.secret) ? 'valid' : 'invalid'; }
                                       catch (e) { return 'invalid'; } });
  process.stdout.write(JSON.stringify(out));
});
"""


def build():
    cases = body_hmac_cases(
        header=H, sign=sign, judge=judge, secret=SECRET, other_secret=OTHER,
        bodies=[("charge_created_basic", charge_event("hello world"), None),
                ("non_ascii_body", charge_event("Café ☕ " + UNICODE_TEXT), None)],
        extra_headers=[("User-Agent", "weipay-webhooks")],
        mutations=[
            ("uppercase_hex", lambda b, s: sign(b, s).upper(), "mutation: uppercase hex; string compare"),
            ("base64_encoding", lambda b, s: b64(hmac_digest("sha256", s, b)), "mutation: base64 instead of hex"),
            ("sha256_prefix", lambda b, s: "sha256=" + sign(b, s), "mutation: GitHub-style prefix"),
            ("truncated_signature", lambda b, s: sign(b, s)[:-2], "mutation: last byte cut"),
        ])
    res = node_run(NODE, [{"body": c["body"], "secret": c["secret"],
                           "sig": dict(map(tuple, c["headers"])).get(H)} for c in cases])
    for c, r in zip(cases, res):
        c["node_verdict"] = r
        assert r == c["sdk_verdict"], (c["name"], r)
    for c in cases:
        if c["name"] == "empty_body":
            c["note"] += ("; Webhook.construct_event would reject the request anyway: it json.loads the "
                          "payload before checking the signature")
    return cases


if __name__ == "__main__":
    src = (f"coinbase-commerce=={pkg_version('coinbase-commerce')} (python): signed with "
           "coinbase_commerce.webhook.WebhookSignature._compute_signature, verdict from "
           "WebhookSignature.verify_sig_header(payload, sig_header, secret) (the check Webhook.construct_event "
           "runs); no clock involved. node_verdict (extra field): "
           f"coinbase-commerce-node@{node_pkg_version('coinbase-commerce-node')} Webhook.verifySigHeader, same answers")
    print(write_fixture("coinbase-commerce", src, build()))
