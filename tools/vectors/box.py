#!/usr/bin/env python3
"""Generates tests/vectors/box.json with Box's official Python SDK (PyPI boxsdk 10.x = package box_sdk_gen):
verdicts from WebhooksManager.validate_message(body, headers, primary_key, secondary_key=…, max_age=600)
with time.time() frozen; signatures made with box_sdk_gen.internal.utils.compute_webhook_signature."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac

from box_sdk_gen.internal.utils import compute_webhook_signature, escape_unicode
from box_sdk_gen.managers.webhooks import WebhooksManager

from fixture import write_fixture
from fixture_g2 import judge_all, compact, pretty, tamper, hmac_hex, UNICODE_TEXT, ver

PRIMARY = "SamplePrimaryKey1234567890abcdef"    # Developer Console → app → Webhooks → Manage signature keys
SECONDARY = "SampleSecondaryKeyfedcba0987654321"
NOW = 1_700_000_000


def ts(offset=0, tz="-08:00"):
    t = dt.datetime.fromtimestamp(NOW + offset, dt.timezone(dt.timedelta(hours=-8) if tz == "-08:00" else dt.timedelta(0)))
    s = t.strftime("%Y-%m-%dT%H:%M:%S")
    return s + ("Z" if tz == "Z" else tz)


TS = ts(-5)


def base_headers(t):
    return {"box-delivery-id": "f96bb54b-ee16-4fc5-aa65-8c2d9e5b546f", "box-delivery-timestamp": t,
            "box-signature-algorithm": "HmacSHA256", "box-signature-version": "1"}


def sign(body, t, key, escape=False):
    return compute_webhook_signature(body, base_headers(t), key, escape_body=escape)


def hdr(t, primary=None, secondary=None, extra=None, drop=()):
    h = base_headers(t)
    if primary is not None:
        h["box-signature-primary"] = primary
    if secondary is not None:
        h["box-signature-secondary"] = secondary
    h.update(extra or {})
    pairs = [["BOX-DELIVERY-ID", h["box-delivery-id"]], ["BOX-DELIVERY-TIMESTAMP", h["box-delivery-timestamp"]],
             ["BOX-SIGNATURE-ALGORITHM", h["box-signature-algorithm"]], ["BOX-SIGNATURE-VERSION", h["box-signature-version"]]]
    if "box-signature-primary" in h:
        pairs.append(["BOX-SIGNATURE-PRIMARY", h["box-signature-primary"]])
    if "box-signature-secondary" in h:
        pairs.append(["BOX-SIGNATURE-SECONDARY", h["box-signature-secondary"]])
    pairs = [p for p in pairs if p[0].lower() not in drop]
    return pairs + [["Content-Type", "application/json; charset=UTF-8"], ["User-Agent", "Box-WH-Client/0.1"]]


def judge(c):
    h = {k.lower(): v for k, v in c["headers"]}
    return WebhooksManager.validate_message(c["body"], h, c["secret"], secondary_key=c.get("secondary_secret"), max_age=600)


BASIC = compact({"type": "webhook_event", "id": "eac7cb2a-0000-4000-8000-e2ee3dc5c7e8", "created_at": "2023-11-14T14:13:10-08:00",
                 "trigger": "FILE.UPLOADED", "webhook": {"id": "53", "type": "webhook"},
                 "created_by": {"type": "user", "id": "2", "name": "Aaron Levie", "login": "hello@example.com"},
                 "source": {"id": "123456789", "type": "file", "name": "Hello World.docx", "sequence_id": "0",
                            "file_version": {"type": "file_version", "id": "987654321"}, "parent": {"type": "folder", "id": "0"}},
                 "additional_info": []})
UNI = compact({"type": "webhook_event", "id": "eac7cb2a-0000-4000-8000-000000000002", "trigger": "FILE.RENAMED",
               "source": {"id": "123456789", "type": "file", "name": f"Résumé {UNICODE_TEXT}.docx"}})
S1 = sign(BASIC, TS, PRIMARY)
S2 = sign(BASIC, TS, SECONDARY)

specs = [
    dict(name="sdk_signed_primary_and_secondary", headers=hdr(TS, S1, S2), body=BASIC, expect="valid"),
    dict(name="non_ascii_body", headers=hdr(TS, sign(UNI, TS, PRIMARY), sign(UNI, TS, SECONDARY)), body=UNI, expect="valid"),
    dict(name="primary_only_configured", headers=hdr(TS, S1, S2), body=BASIC, secondary_secret=None, expect="valid"),
    dict(name="primary_rotated_secondary_matches", secret="RotatedPrimaryKeyNotYetKnown00000",
         headers=hdr(TS, sign(BASIC, TS, "RotatedPrimaryKeyNotYetKnown11111"), S2), body=BASIC, expect="valid",
         note="during a primary-key rotation the secondary signature still verifies with the secondary key"),
    dict(name="secondary_header_checked_only_with_secondary_key", headers=hdr(TS, sign(BASIC, TS, "x" * 32), S1), body=BASIC,
         expect="invalid", note="the primary-key signature placed in the SECONDARY header is compared with the secondary key only"),
    dict(name="timestamp_utc_z", headers=hdr(ts(-5, "Z"), sign(BASIC, ts(-5, "Z"), PRIMARY)), body=BASIC, expect="valid"),
    dict(name="window_exactly_600s_old", headers=hdr(ts(-600), sign(BASIC, ts(-600), PRIMARY)), body=BASIC, expect="valid",
         note="max_age 600: now - 600 > t rejects, so exactly 600 s passes"),
    dict(name="window_601s_old", headers=hdr(ts(-601), sign(BASIC, ts(-601), PRIMARY)), body=BASIC, expect="invalid"),
    dict(name="future_1s", headers=hdr(ts(1), sign(BASIC, ts(1), PRIMARY)), body=BASIC, expect="invalid",
         note="the SDK rejects ANY future timestamp (t > now); no clock-skew allowance"),
    dict(name="timestamp_now", headers=hdr(ts(0), sign(BASIC, ts(0), PRIMARY)), body=BASIC, expect="valid"),
    dict(name="empty_body", headers=hdr(TS, sign("", TS, PRIMARY)), body="", expect="valid"),
    dict(name="tampered_body", headers=hdr(TS, S1, S2), body=tamper(BASIC), expect="invalid"),
    dict(name="reserialized_pretty_json", headers=hdr(TS, S1, S2), body=pretty(BASIC), expect="invalid"),
    dict(name="wrong_keys", secret="WrongPrimary", secondary_secret="WrongSecondary", headers=hdr(TS, S1, S2), body=BASIC, expect="invalid"),
    dict(name="timestamp_header_changed", headers=hdr(ts(-4), S1, S2), body=BASIC, expect="invalid"),
    dict(name="timestamp_before_body", headers=hdr(TS, base64.b64encode(hmac.new(PRIMARY.encode(), (TS + BASIC).encode(), hashlib.sha256).digest()).decode()),
         body=BASIC, expect="invalid", note="mutation: the order is body then timestamp"),
    dict(name="hex_signature", headers=hdr(TS, hmac_hex("sha256", PRIMARY, BASIC + TS)), body=BASIC, expect="invalid"),
    dict(name="wrong_signature_version", headers=hdr(TS, S1, S2, extra={"box-signature-version": "2"}), body=BASIC, expect="invalid"),
    dict(name="wrong_signature_algorithm", headers=hdr(TS, S1, S2, extra={"box-signature-algorithm": "HmacSHA1"}), body=BASIC, expect="invalid"),
    dict(name="missing_signature_headers", headers=hdr(TS), body=BASIC, expect="invalid"),
    dict(name="sdk_quirk_escaped_unicode_signature", headers=hdr(TS, sign(UNI, TS, PRIMARY, escape=True)), body=UNI, expect="valid",
         note="SDK quirk: validate_message also accepts a signature computed over the body with non-ASCII characters re-escaped as \\uXXXX "
              "(escape_unicode); a raw-bytes verifier rejects this"),
    # Added for webhook-guard: the future edge of its 1 s allowance, headers missing one by one,
    # the secondary signature alone, other encodings.
    dict(name="future_2s", headers=hdr(ts(2), sign(BASIC, ts(2), PRIMARY)), body=BASIC, expect="invalid"),
    dict(name="secondary_signature_only", headers=hdr(TS, None, S2), body=BASIC, expect="valid"),
    dict(name="missing_timestamp_header", headers=hdr(TS, S1, S2, drop=("box-delivery-timestamp",)), body=BASIC, expect="invalid"),
    dict(name="missing_algorithm_header", headers=hdr(TS, S1, S2, drop=("box-signature-algorithm",)), body=BASIC, expect="invalid"),
    dict(name="missing_version_header", headers=hdr(TS, S1, S2, drop=("box-signature-version",)), body=BASIC, expect="invalid"),
    dict(name="unix_timestamp", headers=hdr("1699999995", sign(BASIC, "1699999995", PRIMARY)), body=BASIC, expect="invalid"),
    dict(name="truncated_signature", headers=hdr(TS, S1[:-1]), body=BASIC, expect="invalid"),
    dict(name="base64url_signature", headers=hdr(TS, base64.urlsafe_b64encode(base64.b64decode(S1)).decode().rstrip("=")), body=BASIC,
         expect="invalid"),
]
for s in specs:
    s.setdefault("secret", PRIMARY)
    s.setdefault("secondary_secret", SECONDARY)
    s.setdefault("content_type", "application/json; charset=UTF-8")
    if s.get("secondary_secret") is None:
        s.pop("secondary_secret")

cases = judge_all(specs, judge)
print(write_fixture("box",
    f"boxsdk=={ver('boxsdk')} (python, package box_sdk_gen): signed with box_sdk_gen.internal.utils.compute_webhook_signature(body, headers, key), "
    "verdict from WebhooksManager.validate_message(body, lower-cased headers, primary_key=secret, secondary_key=secondary_secret, max_age=600) "
    "with time.time() frozen at `now`. Extra field secondary_secret = the app's secondary signature key",
    cases))
