#!/usr/bin/env python3
"""GoCardless webhook fixtures.

Signed with HMAC-SHA256(webhook endpoint secret, body) -> hex (the SDK's _verify_signature algorithm;
the SDK has no signer), verdict from gocardless_pro.webhooks.parse(body, secret, Webhook-Signature)
(python; raises InvalidSignatureError). node_verdict = gocardless-nodejs webhooks.parse.
"""
from fixture_handshakes import (UNICODE_TEXT, b64, body_hmac_cases, compact, hmac_digest, node_pkg_version,
                                node_run, pkg_version, verdict, write_fixture)
from gocardless_pro import webhooks

SECRET = "ElnXp1W8wjnFHlb8gBtEfTlxbx9I3x0VlDuFnWi8"  # the webhook endpoint's secret (Developers > Webhook endpoints)
OTHER = "NotTheEndpointSecret0000000000000000000"
H = "Webhook-Signature"


def sign(body, secret):
    return hmac_digest("sha256", secret, body).hex()


def judge(body, value, secret):
    return verdict(webhooks.parse, body, secret, value)


def payload(desc: str) -> str:
    return compact({
        "events": [{"id": "EV123", "created_at": "2023-11-14T22:13:15.000Z", "action": "confirmed",
                    "resource_type": "payments", "links": {"payment": "PM123"},
                    "details": {"origin": "gocardless", "cause": "payment_confirmed", "description": desc}}],
        "meta": {"webhook_id": "WB123"},
    })


NODE = """
import { createRequire } from 'node:module';
const req = createRequire(process.cwd() + '/package.json');
const webhooks = req('gocardless-nodejs/webhooks');
let s=''; process.stdin.on('data', d => s += d); process.stdin.on('end', () => {
  const out = JSON.parse(s).map(c => { try { webhooks.parse(c.body, c.secret, c.sig); return 'valid'; }
                                       catch (e) { return 'invalid'; } });
  process.stdout.write(JSON.stringify(out));
});
"""


def build():
    cases = body_hmac_cases(
        header=H, sign=sign, judge=judge, secret=SECRET, other_secret=OTHER,
        bodies=[("payment_confirmed_basic", payload("hello: Payment was confirmed as collected"), None),
                ("non_ascii_body", payload("Paiement confirmé 💶 " + UNICODE_TEXT), None),
                ("batch_of_events", compact({"events": [
                    {"id": "EV124", "created_at": "2023-11-14T22:13:15.000Z", "action": "created", "resource_type": "mandates",
                     "links": {"mandate": "MD123"}, "details": {"origin": "api", "cause": "mandate_created"}},
                    {"id": "EV125", "created_at": "2023-11-14T22:13:16.000Z", "action": "paid_out", "resource_type": "payouts",
                     "links": {"payout": "PO123"}, "details": {"origin": "gocardless", "cause": "payout_paid"}}],
                    "meta": {"webhook_id": "WB124"}}), "several events in one delivery")],
        empty_body=False,
        mutations=[
            ("uppercase_hex", lambda b, s: sign(b, s).upper(), "mutation: uppercase hex"),
            ("sha256_prefix", lambda b, s: "sha256=" + sign(b, s), "mutation: GitHub-style prefix"),
            ("base64_encoding", lambda b, s: b64(hmac_digest("sha256", s, b)), "mutation: base64 instead of hex"),
            ("truncated_signature", lambda b, s: sign(b, s)[:-2], "mutation: last byte cut"),
            ("trailing_garbage_after_hex", lambda b, s: sign(b, s) + "zz", "mutation: non-hex characters appended"),
        ])
    res = node_run(NODE, [{"body": c["body"], "secret": c["secret"],
                           "sig": dict(map(tuple, c["headers"])).get(H)} for c in cases])
    for c, r in zip(cases, res):
        c["node_verdict"] = r
        if r != c["sdk_verdict"]:
            c["note"] += (f"; gocardless-nodejs@{node_pkg_version('gocardless-nodejs')} says {r}: it decodes the header "
                          "with Buffer.from(sig, 'hex') (case-insensitive, stops at the first non-hex pair) and compares bytes")
    return cases


if __name__ == "__main__":
    src = (f"gocardless-pro=={pkg_version('gocardless-pro')} (python): signed with HMAC-SHA256(secret, body) -> hex (the SDK's "
           "algorithm; no signer), verdict from gocardless_pro.webhooks.parse(body, secret, signature) (InvalidSignatureError "
           "or a JSON error = invalid); no clock. node_verdict (extra field): "
           f"gocardless-nodejs@{node_pkg_version('gocardless-nodejs')} webhooks.parse")
    print(write_fixture("gocardless", src, build()))
