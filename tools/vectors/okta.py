#!/usr/bin/env python3
"""Generates tests/vectors/okta.json (Okta event hooks). Okta event hooks carry no signature: every request,
the one-time verification GET included, is authenticated by a static header the admin configures
(Authentication field + secret), and the endpoint is proven once by a GET with X-Okta-Verification-Challenge
that must be echoed as {"verification": …}. Verdicts (is the request authentic?) come from a transcription of
the Okta docs (developer.okta.com event hooks; help.okta.com "Create an event hook"); the answer to the
verification GET is in expected_response. `docs_example` is Okta's published one-time verification request
and response (support.okta.com "Unable to verify event hook"), verbatim. No SDK verifier exists."""
from __future__ import annotations

import hmac

from fixture import write_fixture
from fixture_g2 import judge_all, compact, UNICODE_TEXT

AUTH_HEADER = "Authorization"  # "Authentication field" configured in the Admin Console (any header name)
SECRET = "Sup3r-Secret-Hook-Token-7c1d9e"  # "Authentication secret" configured with it
CHALLENGE = "j4lmNlPdV6T1tmRrdFLA38bFB8Yh6EqTYCwkZR9cMw1w4jrC3KeLiuE3YUVaZu7B"


def docs_verify(c):
    h = {k.lower(): v for k, v in c["headers"]}
    if "expected_response" in c and c["expected_response"]["body"] != {"verification": h["x-okta-verification-challenge"]}:
        raise ValueError("expected_response must echo the challenge")
    got = h.get(c["auth_header"].lower())
    if got is None:
        raise ValueError(f"no {c['auth_header']} header")
    return hmac.compare_digest(got.encode(), c["secret"].encode())


EVENT = compact({"eventType": "com.okta.event_hook", "eventTypeVersion": "1.0", "cloudEventsVersion": "0.1", "source": "https://dev-123456.okta.com/api/v1/eventHooks/whoql0HfiLGPWc8Jx0g3",
                 "eventId": "b5a188b9-5ece-4636-b041-482ffda96311", "data": {"events": [{"uuid": "f6e1f2c4-0000-11ee-8000-5b1d2c3e4f50",
                 "published": "2023-11-14T22:13:14.123Z", "eventType": "user.lifecycle.create", "version": "0", "displayMessage": "Create Okta user",
                 "severity": "INFO", "actor": {"id": "00u1a2b3c4d5e6f7g8h9", "type": "User", "alternateId": "admin@example.com", "displayName": "hello admin"},
                 "target": [{"id": "00u9z8y7x6w5v4u3t2s1", "type": "User", "alternateId": "new.user@example.com", "displayName": "New User"}]}]},
                 "eventTime": "2023-11-14T22:13:14.456Z", "contentType": "application/json"})
UNI = compact({"eventType": "com.okta.event_hook", "eventId": "uni", "data": {"events": [{"eventType": "user.account.update_profile",
               "displayMessage": f"Profil mis à jour {UNICODE_TEXT}"}]}})


def post(name, value, body=EVENT, **kw):
    return dict(name=name, headers=[[AUTH_HEADER, value], ["Content-Type", "application/json"]], body=body, **kw)


DOCS_CHALLENGE = "Me_rShK8JHsTnbyYrWXCEoMGbM_zsZ6k0hLPZ_Pg"
specs = [
    dict(name="docs_example", method="GET", secret="my-shared-secret", url="https://example.com/event-hook/",
         headers=[["User-Agent", "Okta-Integrations"], ["Accept", "application/json"], ["X-Okta-Request-Id", "XOZfPkReFFZ10KWyGkzAMwAAADA"],
                  ["X-Okta-Verification-Challenge", DOCS_CHALLENGE], ["x-any-key", "my-header-value"],
                  ["Authorization", "my-shared-secret"], ["Host", "example.com"]], body="",
         expected_response={"status": 200, "content_type": "application/json", "body": {"verification": DOCS_CHALLENGE}},
         note="Okta's published one-time verification request and answer, verbatim", expect="valid"),
    dict(name="one_time_verification_get", method="GET",
         headers=[["X-Okta-Verification-Challenge", CHALLENGE], ["Accept", "application/json"], [AUTH_HEADER, SECRET]], body="",
         expected_response={"status": 200, "content_type": "application/json", "body": {"verification": CHALLENGE}},
         note="verify the event hook: echo the header value as JSON {\"verification\": …} with 200", expect="valid"),
    post("event_delivery_with_auth_header", SECRET, expect="valid",
         note="no signature: the configured header must carry the configured secret verbatim (the body is not authenticated)"),
    post("non_ascii_body", SECRET, body=UNI, expect="valid"),
    dict(name="auth_header_name_case_insensitive", headers=[["authorization", SECRET], ["Content-Type", "application/json"]], body=EVENT,
         expect="valid", note="header names are case-insensitive"),
    post("wrong_secret", "Sup3r-Secret-Hook-Token-7c1d9f", expect="invalid"),
    post("bearer_prefix_added", "Bearer " + SECRET, expect="invalid", note="the value is compared exactly; Okta sends what was configured"),
    post("secret_with_trailing_space", SECRET + " ", expect="invalid"),
    dict(name="missing_auth_header", headers=[["Content-Type", "application/json"]], body=EVENT, expect="invalid"),
    dict(name="verification_get_without_auth_header", method="GET",
         headers=[["X-Okta-Verification-Challenge", CHALLENGE], ["Accept", "application/json"]], body="", expect="invalid",
         note="the verification request carries the configured header too; without it, it is not authenticated"),
    dict(name="get_without_challenge", method="GET", headers=[["Accept", "application/json"], [AUTH_HEADER, SECRET]], body="",
         expect="valid", note="authenticated, but not a verification request: an ordinary request for the handler"),
]
for s in specs:
    s.setdefault("secret", SECRET)
    s.setdefault("auth_header", AUTH_HEADER)
    s.setdefault("method", "POST")

cases = judge_all(specs, docs_verify)
for c in cases:
    if c["method"] == "GET":
        c.pop("content_type", None)
print(write_fixture("okta",
    "no SDK verifier and no signature: transcription of Okta's event hook docs (one-time GET with X-Okta-Verification-Challenge → 200 "
    "{\"verification\": <value>}; deliveries carry the admin-configured header `auth_header` whose value must equal `secret`), tools/okta.py. "
    "Extra field auth_header = the configured header name",
    cases))
