#!/usr/bin/env python3
"""Sentry integration-platform webhook fixtures.

No SDK verifier exists. Transcription of Sentry's own sender (getsentry/sentry
src/sentry/sentry_apps/models/sentry_app.py SentryApp.build_signature and
src/sentry/sentry_apps/api/serializers/app_platform_event.py AppPlatformEvent.body/headers):
  body = json.dumps({...})  (Python defaults: ", " / ": " separators, ASCII escapes)
  Sentry-Hook-Signature = hex(HMAC-SHA256(client_secret.encode('utf-8'), body.encode('utf-8')))
  Sentry-Hook-Timestamp = str(int(time()))  -- sent, not signed
and of the docs' check (docs.sentry.io/organization/integrations/integration-platform/webhooks/):
  hmac.compare_digest(hexdigest, header)
"""
import json

from body_hmac import (UNICODE_TEXT, b64, body_hmac_cases, body_hmac_transcription, hmac_digest,
                        write_fixture)

SECRET = "8c2f5e1d9a7b4c3e6f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6"  # integration Client Secret
OTHER = "1111111111111111111111111111111111111111111111111111111111111111"
H = "Sentry-Hook-Signature"
sign, judge = body_hmac_transcription("sha256", "hex")


def issue_created(title: str) -> str:
    # serialised exactly like Sentry: json.dumps with default separators and ensure_ascii
    return json.dumps({
        "action": "created",
        "installation": {"uuid": "7a485448-a9e2-4c85-8a3c-4f44175783c9"},
        "data": {"issue": {
            "id": "1170820242", "shortId": "EXAMPLE-1", "title": title, "culprit": "app.views.index in get",
            "level": "error", "status": "unresolved", "platform": "python",
            "project": {"id": "1", "name": "example", "slug": "example", "platform": "python"},
            "firstSeen": "2023-11-14T22:13:10.000000Z", "lastSeen": "2023-11-14T22:13:10.000000Z",
            "web_url": "https://sentry.io/organizations/example/issues/1170820242/"}},
        "actor": {"type": "application", "id": "sentry", "name": "Sentry"},
    })


def build():
    hdrs = [("Request-ID", "f3c5a6b4e2d14c7f9a0b1c2d3e4f5a6b"), ("Sentry-Hook-Resource", "issue"),
            ("Sentry-Hook-Timestamp", "1699999999")]
    basic = issue_created("TypeError: hello world")
    uni = issue_created("ValueError: " + UNICODE_TEXT)
    assert "\\u00e7" in uni or "\\u00c7" in uni  # Python's ASCII escapes, as Sentry sends them
    cases = body_hmac_cases(
        header=H, sign=sign, judge=judge, secret=SECRET, other_secret=OTHER,
        bodies=[("issue_created_basic", basic, "body serialised the way Sentry does (json.dumps defaults)"),
                ("non_ascii_body", uni, "non-ASCII arrives as \\uXXXX escapes (json.dumps ensure_ascii)")],
        extra_headers=hdrs,
        mutations=[
            ("uppercase_hex", lambda b, s: sign(b, s).upper(), "mutation: uppercase hex; exact compare"),
            ("sha256_prefix", lambda b, s: "sha256=" + sign(b, s), "mutation: GitHub-style prefix"),
            ("base64_encoding", lambda b, s: b64(hmac_digest("sha256", s, b)), "mutation: base64 instead of hex"),
            ("truncated_signature", lambda b, s: sign(b, s)[:-2], "mutation: last byte cut"),
            ("signed_timestamp_dot_body", lambda b, s: sign("1699999999." + b, s),
             "mutation: Stripe-style timestamp.body; Sentry does not sign the timestamp"),
        ])
    # the docs' JavaScript snippet hashes JSON.stringify(request.body): compact separators, which are
    # NOT the bytes Sentry signed; a raw-bytes verifier must reject the re-serialised body
    compact_body = json.dumps(json.loads(basic), separators=(",", ":"))
    v, why = judge(compact_body, sign(basic, SECRET), SECRET)
    cases.append(dict(cases[0], name="reserialised_compact_body", body=compact_body,
                      headers=[[H, sign(basic, SECRET)]] + [list(h) for h in hdrs], sdk_verdict=v,
                      note="mutation: Sentry's signature over its json.dumps body, body re-serialised compactly "
                           f"(what the docs' JSON.stringify snippet hashes); transcription: {why}"))
    # the timestamp header is not covered: changing it keeps the signature valid
    v, why = judge(basic, sign(basic, SECRET), SECRET)
    cases.append(dict(cases[0], name="timestamp_header_not_signed",
                      headers=[[H, sign(basic, SECRET)], ["Request-ID", "f3c5a6b4e2d14c7f9a0b1c2d3e4f5a6b"],
                               ["Sentry-Hook-Resource", "issue"], ["Sentry-Hook-Timestamp", "1600000000"]],
                      sdk_verdict=v,
                      note="Sentry-Hook-Timestamp is sent but not signed; an old value does not change the "
                           "signature verdict (a freshness check on it would be advisory only)"))
    return cases


if __name__ == "__main__":
    src = ("transcription (no SDK verifier) of Sentry's sender SentryApp.build_signature / AppPlatformEvent "
           "(getsentry/sentry) and the docs' check: Sentry-Hook-Signature = lowercase hex HMAC-SHA256(Client "
           "Secret, raw body), compared exactly in constant time; Sentry-Hook-Timestamp unsigned")
    print(write_fixture("sentry", src, build()))
