#!/usr/bin/env python3
"""LINE Messaging API webhook fixtures.

Signed with HMAC-SHA256(channel secret, body) -> base64 (the algorithm of the SDK's
SignatureValidator; the SDK has no signing helper), verdict from
linebot.v3.WebhookParser's SignatureValidator.validate(body, signature) (line-bot-sdk, python).
Node cross-check: @line/bot-sdk validateSignature(body, secret, signature), recorded as
`node_verdict` where it differs in principle (lenient base64 decoding).
"""
from body_hmac import (NOW, UNICODE_TEXT, b64, b64url_nopad, case, compact, hmac_digest,
                        node_pkg_version, node_run, pkg_version, tamper, verdict, write_fixture)
from linebot.v3.webhook import SignatureValidator

SECRET = "8f1b2c3d4e5f60718293a4b5c6d7e8f9"  # LINE channel secrets are 32 hex chars
OTHER = "0123456789abcdef0123456789abcdef"
H = "x-line-signature"
UA = ("User-Agent", "LineBotWebhook/2.0")


def sig(body: str, secret: str = SECRET) -> str:
    return b64(hmac_digest("sha256", secret, body))


def message_body(text: str, event_id: str = "01HDXYZ0ABCDEF1234567890AB") -> str:
    return compact({
        "destination": "U1234567890abcdef1234567890abcdef",
        "events": [{
            "type": "message",
            "message": {"type": "text", "id": "468789577898262530", "quoteToken": "q3Plxr4AgKd...",
                        "text": text},
            "webhookEventId": event_id,
            "deliveryContext": {"isRedelivery": False},
            "timestamp": 1699999999000,
            "source": {"type": "user", "userId": "U4af4980629abcdef1234567890abcdef"},
            "replyToken": "b60d432864f44d079f6d8efe86cf404b",
            "mode": "active",
        }],
    })


NODE_CHECK = """
import { validateSignature } from '@line/bot-sdk';
let s=''; process.stdin.on('data', d => s += d); process.stdin.on('end', () => {
  const cs = JSON.parse(s);
  const out = cs.map(c => { try { return validateSignature(c.body, c.secret, c.sig) ? 'valid' : 'invalid'; }
                            catch (e) { return 'invalid'; } });
  process.stdout.write(JSON.stringify(out));
});
"""


def build():
    cases = []

    def add(name, body, headers, secret=SECRET, note=None, node=False):
        s = dict(headers).get(H)
        v, why = verdict(SignatureValidator(secret).validate, body, s if s is not None else "")
        if v == "invalid":
            note = (note + "; " if note else "") + f"SignatureValidator.validate: {why}"
        c = case(name=name, secret=secret, headers=[list(h) for h in headers], body=body,
                 sdk_verdict=v, note=note)
        if node:
            c["_node"] = s
        cases.append(c)

    basic = message_body("hello world")
    add("message_event_basic", basic, [(H, sig(basic)), UA])
    uni = message_body("こんにちは " + UNICODE_TEXT)
    add("non_ascii_body", uni, [(H, sig(uni)), UA])
    verify_body = '{"destination":"U1234567890abcdef1234567890abcdef","events":[]}'
    c_note = ("handshake: the console's Verify button / the test-webhook endpoint POSTs a signed body "
              "with an empty events array; answer 200")
    add("webhook_url_verification", verify_body, [(H, sig(verify_body)), UA], note=c_note)
    cases[-1]["expected_response"] = {"status": 200}
    add("empty_body", "", [(H, sig("")), UA],
        note="LINE never sends an empty body; the SDK accepts a correct signature over it")
    pretty = '{\n  "destination": "U1234567890abcdef1234567890abcdef",\n  "events": []\n}\n'
    add("pretty_printed_body", pretty, [(H, sig(pretty)), UA], note="raw bytes are signed, whitespace included")
    # negatives
    add("tampered_body", tamper(basic), [(H, sig(basic)), UA], note="mutation: body changed after signing")
    add("wrong_secret", basic, [(H, sig(basic, OTHER)), UA], note="signed with another channel secret")
    add("missing_signature_header", basic, [UA], note="no x-line-signature header (judged as an empty signature)")
    add("hex_encoding", basic, [(H, hmac_digest("sha256", SECRET, basic).hex()), UA],
        note="mutation: hex instead of base64")
    # pick a body whose base64 signature contains '+' or '/' so the url-safe form differs
    i = 0
    while True:
        b = message_body("hello world", event_id=f"01HDXYZ0ABCDEF12345678{i:04d}")
        s = sig(b)
        if "+" in s or "/" in s:
            break
        i += 1
    add("base64_unpadded", b, [(H, s.rstrip("=")), UA], node=True,
        note="mutation: '=' padding removed; strict python compare rejects it")
    add("base64_urlsafe", b, [(H, b64url_nopad(hmac_digest("sha256", SECRET, b))), UA], node=True,
        note="mutation: url-safe alphabet, no padding; strict python compare rejects it")
    add("signature_with_sha256_prefix", basic, [(H, "sha256=" + sig(basic)), UA],
        note="mutation: GitHub-style prefix")
    add("truncated_signature", basic, [(H, sig(basic)[:-4]), UA], node=True, note="mutation: last 4 chars cut")

    # node cross-check for the lenient-base64 cases
    todo = [c for c in cases if "_node" in c]
    res = node_run(NODE_CHECK, [{"body": c["body"], "secret": c["secret"], "sig": c["_node"]} for c in todo])
    for c, r in zip(todo, res):
        del c["_node"]
        c["node_verdict"] = r
        if r != c["sdk_verdict"]:
            c["note"] += (f"; @line/bot-sdk@{node_pkg_version('@line/bot-sdk')} validateSignature says {r}: "
                          "it decodes the header with Buffer.from(sig,'base64'), which ignores padding and "
                          "accepts the url-safe alphabet, then compares bytes (a strict verifier rejects, as python does)")
    return cases


if __name__ == "__main__":
    src = (f"line-bot-sdk=={pkg_version('line-bot-sdk')} (python): signed with HMAC-SHA256(channel secret, body) "
           "-> base64 (the SDK's own algorithm; it has no signer), verdict from "
           "linebot.v3.webhook.SignatureValidator(secret).validate(body, signature); no clock involved. "
           f"node_verdict (extra field, lenient-base64 cases): @line/bot-sdk@{node_pkg_version('@line/bot-sdk')} "
           "validateSignature")
    print(write_fixture("line", src, build()))
