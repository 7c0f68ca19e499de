#!/usr/bin/env python3
"""Razorpay webhook fixtures.

Signed with HMAC-SHA256(webhook secret, body) -> lowercase hex (the SDK's own algorithm: it has
no signer), verdict from razorpay.Utility().verify_webhook_signature(body, signature, secret)
(python; raises SignatureVerificationError on mismatch). node_verdict = razorpay (npm)
validateWebhookSignature(body, signature, secret).
"""
from body_hmac import (UNICODE_TEXT, b64, body_hmac_cases, compact, hmac_digest, node_pkg_version,
                        node_run, pkg_version, write_fixture)
from razorpay.utility.utility import Utility

SECRET = "whk_Sup3rS3cr3t-2023"  # webhook secret chosen by the merchant in the Dashboard
OTHER = "some-other-webhook-secret"
H = "X-Razorpay-Signature"


def sign(body, secret):
    return hmac_digest("sha256", secret, body).hex()


def judge(body, value, secret):
    def run():
        return Utility().verify_webhook_signature(body, value, secret)
    from body_hmac import verdict
    return verdict(run)


def payment_captured(desc: str) -> str:
    return compact({
        "entity": "event", "account_id": "acc_BFQ7uQEaa7j2z7", "event": "payment.captured",
        "contains": ["payment"],
        "payload": {"payment": {"entity": {
            "id": "pay_DESlfW9H8K9uqM", "entity": "payment", "amount": 100, "currency": "INR",
            "base_amount": 100, "status": "captured", "order_id": "order_DESlLckIVRkHWj",
            "invoice_id": None, "international": False, "method": "netbanking",
            "amount_refunded": 0, "captured": True, "description": desc, "bank": "HDFC",
            "email": "gaurav.kumar@example.com", "contact": "+919876543210",
            "notes": [], "fee": 2, "tax": 0, "created_at": 1567674599}}},
        "created_at": 1567674606,
    })


NODE = """
import Razorpay from 'razorpay';
let s=''; process.stdin.on('data', d => s += d); process.stdin.on('end', () => {
  const out = JSON.parse(s).map(c => { try { return Razorpay.validateWebhookSignature(c.body, c.sig, c.secret) ? 'valid' : 'invalid'; }
                                       catch (e) { return 'invalid'; } });
  process.stdout.write(JSON.stringify(out));
});
"""


def build():
    basic = payment_captured("hello world")
    headers = [("x-razorpay-event-id", "KAJTQTV9gBxjdC"), ("User-Agent", "Razorpay-Webhook/v1")]
    cases = body_hmac_cases(
        header=H, sign=sign, judge=judge, secret=SECRET, other_secret=OTHER,
        bodies=[("payment_captured_basic", basic, None),
                ("non_ascii_body", payment_captured("₹ payment " + UNICODE_TEXT), None)],
        extra_headers=headers,
        mutations=[
            ("uppercase_hex", lambda b, s: sign(b, s).upper(), "mutation: uppercase hex; string compare"),
            ("base64_encoding", lambda b, s: b64(hmac_digest("sha256", s, b)), "mutation: base64 instead of hex"),
            ("sha256_prefix", lambda b, s: "sha256=" + sign(b, s), "mutation: GitHub-style prefix"),
            ("truncated_signature", lambda b, s: sign(b, s)[:-2], "mutation: last byte cut"),
            ("signed_with_api_key_secret", lambda b, s: sign(b, "rzp_test_KeySecret0123456789"),
             "signed with the API key secret instead of the webhook secret (a common mistake)"),
        ])
    # node cross-check
    res = node_run(NODE, [{"body": c["body"], "secret": c["secret"],
                           "sig": dict(map(tuple, c["headers"])).get(H)} for c in cases])
    for c, r in zip(cases, res):
        c["node_verdict"] = r
        assert r == c["sdk_verdict"], (c["name"], r)
    return cases


if __name__ == "__main__":
    src = (f"razorpay=={pkg_version('razorpay')} (python): signed with HMAC-SHA256(webhook secret, body) -> hex "
           "(the SDK's own algorithm; it has no signer), verdict from "
           "razorpay.utility.utility.Utility().verify_webhook_signature(body, signature, secret) (raises "
           "SignatureVerificationError); no clock involved. node_verdict (extra field): "
           f"razorpay@{node_pkg_version('razorpay')} (node) validateWebhookSignature, same answers")
    print(write_fixture("razorpay", src, build()))
