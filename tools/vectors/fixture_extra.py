"""Shared pieces of the per-provider generators (`<provider>.py`) added after generate.py.

- `case(**fields)` / `write_fixture(provider, source, cases)`: the fixture format of
  ../../tests/vectors (keys in a stable order, two-space JSON, UTF-8 as is).
- `frozen_verdict(now, fn)`: run `fn()` with the clock frozen at `now` (freezegun patches
  time.time, datetime.now, ...); "valid" when it returns normally (and not False), "invalid"
  when it raises or returns False.
- `sw_family_cases(...)`: the case list shared by the Standard Webhooks / Svix senders
  (`{id}.{t}.{body}`, HMAC-SHA256, base64, `v1,` list), judged by a provider SDK's verifier.
- `node_verdicts(provider, cases)`: verdicts of a Node SDK for the same cases, from
  node_verify_extra.mjs (modules resolved from $EXTRA_NODE_DIR, default envs/standard-webhooks; see
  README.md).

Every input is fixed, so the output is byte-for-byte reproducible.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import subprocess
from datetime import datetime, timezone
from pathlib import Path

from freezegun import freeze_time

NOW = 1_700_000_000
HERE = Path(__file__).resolve().parent
OUT = HERE.parent.parent / "tests" / "vectors"
NODE_DIR = Path(os.environ.get("EXTRA_NODE_DIR", HERE / "envs" / "standard-webhooks"))
ORDER = ["name", "secret", "signing_key", "headers", "body", "url", "method",
         "content_type", "now", "sdk_verdict", "note", "expected_response"]


def case(**fields) -> dict:
    fields.setdefault("method", "POST")
    fields.setdefault("content_type", "application/json")
    fields.setdefault("now", NOW)
    assert fields.get("sdk_verdict") in ("valid", "invalid"), fields.get("name")
    ordered = {k: fields[k] for k in ORDER if k in fields}
    ordered.update({k: v for k, v in fields.items() if k not in ordered})
    return ordered


def write_fixture(provider: str, source: str, cases: list[dict]) -> Path:
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names)), f"duplicate case names in {provider}"
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{provider}.json"
    path.write_text(json.dumps({"provider": provider, "source": source, "cases": cases},
                               indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def frozen_verdict(now: int, fn) -> str:
    with freeze_time(datetime.fromtimestamp(now, tz=timezone.utc)):
        try:
            r = fn()
        except Exception:  # the SDK's own rejection
            return "invalid"
    return "invalid" if r is False else "valid"


def sw_sign(key: bytes, msg_id: str, ts: str, body: str) -> str:
    """Standard Webhooks v1 signature, only for negatives an SDK cannot produce (a signature
    over another timestamp text); genuine cases are signed with the SDK."""
    mac = hmac.new(key, f"{msg_id}.{ts}.".encode() + body.encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def sw_family_cases(*, prefix: str, secret: str, other_secret: str, msg_id: str,
                    bodies: dict, sdk_sign, sdk_verify, extra_headers=(), tolerance=300,
                    decode_key=None, skip=()):
    """The standard positive and negative cases of a Standard Webhooks / Svix sender.

    prefix: "webhook" or "svix"; bodies: {"basic": str, "non_ascii": str, "empty": str};
    sdk_sign(secret, msg_id, ts: int, body) -> "v1,<b64>";
    sdk_verify(secret, body, headers_dict) -> raises or returns False on failure.
    """
    H = lambda n: f"{prefix}-{n}"  # noqa: E731
    cases = []

    def mk(name, *, sec=secret, body, headers, note=None, now=NOW):
        hd = dict(headers)
        v = frozen_verdict(now, lambda: sdk_verify(sec, body, hd))
        kw = dict(name=name, secret=sec, headers=[list(h) for h in headers], body=body,
                  now=now, sdk_verdict=v)
        if note:
            kw["note"] = note
        cases.append(case(**kw))

    def hdrs(ts, sig, mid=msg_id, drop=()):
        out = []
        for n, v in ((H("id"), mid), (H("timestamp"), str(ts)), (H("signature"), sig)):
            if n not in drop:
                out.append((n, v))
        return out + list(extra_headers)

    t0 = NOW - 5
    basic = bodies["basic"]
    sig = sdk_sign(secret, msg_id, t0, basic)
    mk("sdk_signed_basic", body=basic, headers=hdrs(t0, sig))
    nb = bodies["non_ascii"]
    mk("non_ascii_body", body=nb, headers=hdrs(t0, sdk_sign(secret, msg_id, t0, nb)))
    eb = bodies.get("empty", "")
    mk("empty_body", body=eb, headers=hdrs(t0, sdk_sign(secret, msg_id, t0, eb)),
       note="empty body signed as `{id}.{t}.`")
    mk("tampered_body", body=basic.replace("}", ' }', 1) if "}" in basic else basic + " ",
       headers=hdrs(t0, sig), note="one byte of whitespace added after signing")
    mk("wrong_secret", sec=other_secret, body=basic, headers=hdrs(t0, sig))
    for label, off in (("past_at_tolerance", -tolerance), ("past_over_tolerance", -tolerance - 1),
                       ("future_at_tolerance", tolerance), ("future_over_tolerance", tolerance + 1)):
        ts = NOW + off
        mk(f"timestamp_{label}", body=basic, headers=hdrs(ts, sdk_sign(secret, msg_id, ts, basic)),
           note=f"webhook-timestamp = now {'+' if off >= 0 else '-'} {abs(off)} s")
    mk("missing_signature_header", body=basic, headers=hdrs(t0, sig, drop=(H("signature"),)))
    mk("missing_id_header", body=basic, headers=hdrs(t0, sig, drop=(H("id"),)))
    mk("missing_timestamp_header", body=basic, headers=hdrs(t0, sig, drop=(H("timestamp"),)))
    raw = sig.split(",", 1)[1]
    mk("bare_signature_without_v1_prefix", body=basic, headers=hdrs(t0, raw),
       note="signature value without the `v1,` version tag; spec requires the tag")
    mk("wrong_version_tag_v2", body=basic, headers=hdrs(t0, "v2," + raw))
    mk("v1_equals_instead_of_comma", body=basic, headers=hdrs(t0, "v1=" + raw))
    mk("truncated_signature", body=basic, headers=hdrs(t0, "v1," + raw[:-4]))
    mk("hex_encoded_signature", body=basic,
       headers=hdrs(t0, "v1," + base64.b64decode(raw).hex()),
       note="same MAC, hex instead of base64")
    mk("unpadded_base64_signature", body=basic, headers=hdrs(t0, "v1," + raw.rstrip("=")),
       note="same MAC, `=` padding removed")
    url = base64.urlsafe_b64encode(base64.b64decode(raw)).decode()
    if url != raw:
        mk("base64url_signature", body=basic, headers=hdrs(t0, "v1," + url),
           note="same MAC, URL-safe alphabet")
    old = sdk_sign(other_secret, msg_id, t0, basic)
    mk("rotation_two_signatures_second_matches", body=basic, headers=hdrs(t0, f"{old} {sig}"),
       note="space-separated list: a signature with the old secret, then the current one")
    mk("rotation_only_old_secret_signature", body=basic, headers=hdrs(t0, old))
    mk("extra_spaces_between_signatures", body=basic, headers=hdrs(t0, f"{old}  {sig}"),
       note="two spaces between list entries")
    mk("signature_for_other_msg_id", body=basic, headers=hdrs(t0, sig, mid=msg_id + "x"),
       note="id header changed after signing")
    if decode_key is not None and "timestamp_with_fraction" not in skip:
        key = decode_key(secret)
        mk("timestamp_with_fraction", body=basic,
           headers=hdrs(f"{t0}.0", sw_sign(key, msg_id, str(t0), basic)),
           note="timestamp header `t.0`, signature over the integer text `t` (what a lenient "
                "float() parser re-signs); strict: reject non-digit timestamps")
        mk("timestamp_with_fraction_signed_as_sent", body=basic,
           headers=hdrs(f"{t0}.0", sw_sign(key, msg_id, f"{t0}.0", basic)),
           note="timestamp header `t.0`, signature over the header text as sent")
    return cases


def node_verdicts(provider: str, cases: list[dict]) -> list[str]:
    """Verdicts of the Node SDK verifier for `provider` in node_verify_extra.mjs, one per case."""
    p = subprocess.run(["node", str(HERE / "node_verify_extra.mjs"), provider],
                       input=json.dumps(cases), capture_output=True, text=True, check=True,
                       cwd=NODE_DIR, env={**os.environ, "EXTRA_NODE_DIR": str(NODE_DIR)})
    return json.loads(p.stdout)
