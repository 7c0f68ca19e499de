#!/usr/bin/env python3
"""Jira Cloud admin-webhook fixtures.

No SDK verifier from Atlassian. Transcription of Atlassian's "Secure admin webhooks"
(developer.atlassian.com/cloud/jira/platform/webhooks/#secure-admin-webhooks, WebSub signature) and of
Jira Data Center's "Managing webhooks" (confluence.atlassian.com/adminjiraserver/managing-webhooks-938846912.html:
"each request is signed via a HMAC ... The header X-Hub-Signature ... sha256=<hex>"):
  X-Hub-Signature = "sha256=" + hex(HMAC-SHA256(webhook secret, raw body))
Only admin webhooks created with a secret are signed (dynamic/app webhooks use a JWT instead).
"""
from fixture_handshakes import (UNICODE_TEXT, b64, body_hmac_cases, body_hmac_transcription, compact,
                                hmac_digest, write_fixture)

SECRET = "wHk8dS3cR3tJ1r4AdM1nW3bh00kS3cr3tV4lu3"  # secret entered (or generated) on System > WebHooks
OTHER = "aDifferentJiraWebhookSecretValue0000"
H = "X-Hub-Signature"
sign, judge = body_hmac_transcription("sha256", "hex", prefix="sha256=")


def issue_created(summary: str) -> str:
    return compact({
        "timestamp": 1699999995123, "webhookEvent": "jira:issue_created", "issue_event_type_name": "issue_created",
        "user": {"accountId": "5b10a2844c20165700ede21g", "displayName": "Mia Krystof"},
        "issue": {"id": "10002", "key": "ED-1", "self": "https://example.atlassian.net/rest/api/2/issue/10002",
                  "fields": {"summary": summary, "issuetype": {"name": "Task"}, "project": {"key": "ED"}}},
    })


def build():
    return body_hmac_cases(
        header=H, sign=sign, judge=judge, secret=SECRET, other_secret=OTHER,
        bodies=[("issue_created_basic", issue_created("hello world: fix login"), None),
                ("non_ascii_body", issue_created("Überprüfung 😀 " + UNICODE_TEXT), None)],
        extra_headers=[("X-Atlassian-Webhook-Identifier", "a4d7b9c1-2e3f-4a5b-8c6d-7e8f9a0b1c2d"),
                       ("X-Atlassian-Webhook-Flow", "Primary")],
        mutations=[
            ("sha1_method", lambda b, s: "sha1=" + hmac_digest("sha1", s, b).hex(),
             "mutation: WebSub sha1 method; the preset accepts sha256 only"),
            ("missing_prefix", lambda b, s: sign(b, s)[7:], "mutation: bare hex"),
            ("uppercase_hex", lambda b, s: "sha256=" + sign(b, s)[7:].upper(), "mutation: uppercase hex; exact compare"),
            ("base64_encoding", lambda b, s: "sha256=" + b64(hmac_digest("sha256", s, b)), "mutation: base64"),
            ("truncated_signature", lambda b, s: sign(b, s)[:-2], "mutation: last byte cut"),
        ])


if __name__ == "__main__":
    src = ("transcription (no Atlassian SDK verifier) of Atlassian's 'Secure admin webhooks' (Jira Cloud) and Jira Data "
           "Center's 'Managing webhooks' page: X-Hub-Signature = 'sha256=' + "
           "lowercase hex HMAC-SHA256(webhook secret, raw body), exact constant-time compare")
    print(write_fixture("jira", src, build()))
