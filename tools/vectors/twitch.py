#!/usr/bin/env python3
"""Generates tests/vectors/twitch.json. Twitch ships no server SDK with an EventSub verifier; verdicts
come from a transcription of the official TwitchDev sample `verifySignature`
(twitchdev/eventsub-webhooks-node-sample index.js: message = id + timestamp + rawBody,
"sha256=" + hex HMAC-SHA256(secret, message), compared with the whole header), the same layout as
the docs (https://dev.twitch.tv/docs/eventsub/handling-webhook-events/) and the official
twitch-cli signer (internal/events/trigger/forward_event.go getSignatureHeader)."""
from __future__ import annotations

import hashlib
import hmac

from fixture import write_fixture
from fixture_g2 import judge_all, compact, pretty, tamper, hmac_hex, hmac_b64, UNICODE_TEXT

SECRET = "s3cRe7-for-eventsub-10to100chars"  # chosen by the app in transport.secret (10-100 chars)
MID = "befa7b53-d79d-478f-86b9-120f112b044e"
TS = "2023-11-14T22:13:15.123456789Z"  # RFC3339 with nanoseconds, as Twitch sends it


def sample_verify(c: dict) -> bool:
    h = {k.lower(): v for k, v in c["headers"]}
    if "twitch-eventsub-message-signature" not in h:
        raise ValueError("no Twitch-Eventsub-Message-Signature header")
    message = h.get("twitch-eventsub-message-id", "") + h.get("twitch-eventsub-message-timestamp", "") + c["body"]
    expected = "sha256=" + hmac.new(c["secret"].encode(), message.encode(), hashlib.sha256).hexdigest()
    return expected == h["twitch-eventsub-message-signature"]


def sig(mid, ts, body, secret=SECRET):
    return "sha256=" + hmac_hex("sha256", secret, mid + ts + body)


def hdr(mtype, signature, mid=MID, ts=TS, sub_type="channel.follow", retry="0"):
    return [["Twitch-Eventsub-Message-Id", mid], ["Twitch-Eventsub-Message-Retry", retry],
            ["Twitch-Eventsub-Message-Type", mtype], ["Twitch-Eventsub-Message-Signature", signature],
            ["Twitch-Eventsub-Message-Timestamp", ts], ["Twitch-Eventsub-Subscription-Type", sub_type],
            ["Twitch-Eventsub-Subscription-Version", "2"], ["Content-Type", "application/json"]]


SUB = {"id": "f1c2a387-161a-49f9-a165-0f21d7a4e1c4", "status": "enabled", "type": "channel.follow", "version": "2",
       "cost": 0, "condition": {"broadcaster_user_id": "1337", "moderator_user_id": "1337"},
       "transport": {"method": "webhook", "callback": "https://example.com/webhooks/callback"},
       "created_at": "2023-11-14T22:10:00.634234626Z"}
NOTIFY = compact({"subscription": SUB, "event": {"user_id": "1234", "user_login": "cool_user", "user_name": "Cool_User",
                  "broadcaster_user_id": "1337", "broadcaster_user_login": "hello_streamer", "broadcaster_user_name": "Hello_Streamer",
                  "followed_at": "2023-11-14T22:13:14.634234626Z"}})
UNI = compact({"subscription": dict(SUB, type="channel.chat.message"), "event": {
    "broadcaster_user_id": "1337", "chatter_user_login": "zoë", "message": {"text": UNICODE_TEXT, "fragments": []}}})
CHALLENGE = "pogchamp-kappa-360noscope-vohiyo"
VERIFY = compact({"challenge": CHALLENGE, "subscription": dict(SUB, status="webhook_callback_verification_pending")})
REVOKE = compact({"subscription": dict(SUB, status="authorization_revoked")})
S = sig(MID, TS, NOTIFY)

specs = [
    dict(name="notification_basic", headers=hdr("notification", S), body=NOTIFY, expect="valid",
         note="answer 2XX quickly (the sample sends 204/200)"),
    dict(name="non_ascii_body", headers=hdr("notification", sig(MID, TS, UNI), sub_type="channel.chat.message"), body=UNI, expect="valid"),
    dict(name="webhook_callback_verification_challenge", headers=hdr("webhook_callback_verification", sig(MID, TS, VERIFY)),
         body=VERIFY, expect="valid",
         note="verify the signature, then answer 200 with the raw `challenge` value as the body, Content-Type text/plain",
         expected_response={"status": 200, "content_type": "text/plain", "body": CHALLENGE}),
    dict(name="revocation", headers=hdr("revocation", sig(MID, TS, REVOKE)), body=REVOKE, expect="valid",
         note="revocation messages are signed the same way; answer 2XX", expected_response={"status": 204}),
    dict(name="retry_same_id_same_signature", headers=hdr("notification", S, retry="1"), body=NOTIFY, expect="valid",
         note="a resend keeps Twitch-Eventsub-Message-Id; Message-Retry is not signed. De-duplicate on the id"),
    dict(name="stale_timestamp_one_day", headers=hdr("notification", sig(MID, "2023-11-13T22:13:15.123456789Z", NOTIFY),
                                                     ts="2023-11-13T22:13:15.123456789Z"), body=NOTIFY, expect="valid",
         note="the official sample checks no age; the docs' 'Guarding against replay attacks' asks receivers to reject old timestamps"),
    dict(name="empty_body", headers=hdr("notification", sig(MID, TS, "")), body="", expect="valid",
         note="not sent by Twitch; shows the message is id + timestamp + empty body"),
    dict(name="tampered_body", headers=hdr("notification", S), body=tamper(NOTIFY), expect="invalid"),
    dict(name="reserialized_pretty_json", headers=hdr("notification", S), body=pretty(NOTIFY), expect="invalid"),
    dict(name="wrong_secret", headers=hdr("notification", sig(MID, TS, NOTIFY, "another-secret-123")), body=NOTIFY, expect="invalid"),
    dict(name="message_id_changed", headers=hdr("notification", S, mid="befa7b53-d79d-478f-86b9-120f112b044f"), body=NOTIFY, expect="invalid"),
    dict(name="timestamp_changed", headers=hdr("notification", S, ts="2023-11-14T22:13:15.123456788Z"), body=NOTIFY, expect="invalid"),
    dict(name="timestamp_reformatted_to_seconds", headers=hdr("notification", S, ts="2023-11-14T22:13:15Z"), body=NOTIFY, expect="invalid",
         note="the timestamp text is signed as sent: do not parse and re-render it"),
    dict(name="missing_sha256_prefix", headers=hdr("notification", S[7:]), body=NOTIFY, expect="invalid"),
    dict(name="uppercase_hex", headers=hdr("notification", "sha256=" + S[7:].upper()), body=NOTIFY, expect="invalid"),
    dict(name="base64_signature", headers=hdr("notification", "sha256=" + hmac_b64("sha256", SECRET, MID + TS + NOTIFY)), body=NOTIFY, expect="invalid"),
    dict(name="truncated_signature", headers=hdr("notification", S[:-1]), body=NOTIFY, expect="invalid"),
    dict(name="signature_over_body_only", headers=hdr("notification", "sha256=" + hmac_hex("sha256", SECRET, NOTIFY)), body=NOTIFY, expect="invalid"),
    dict(name="challenge_with_bad_signature", headers=hdr("webhook_callback_verification", sig(MID, TS, VERIFY, "wrong-secret-xyz")),
         body=VERIFY, expect="invalid", note="reject (403) without echoing the challenge"),
    dict(name="missing_signature_header", headers=[h for h in hdr("notification", S) if h[0] != "Twitch-Eventsub-Message-Signature"],
         body=NOTIFY, expect="invalid"),
]
for s in specs:
    s.setdefault("secret", SECRET)

cases = judge_all(specs, sample_verify)
print(write_fixture("twitch",
    "no official SDK verifier: transcription of the official TwitchDev sample verifySignature (twitchdev/eventsub-webhooks-node-sample "
    "index.js: 'sha256=' + hex HMAC-SHA256(secret, id + timestamp + rawBody) === header), tools/twitch.py sample_verify; the sample checks "
    "no timestamp age. expected_response for the challenge follows the docs and twitch-cli's verify-subscription checks (2XX, body == challenge, text/plain)",
    cases))
