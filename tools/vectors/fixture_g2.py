"""Helpers for the per-provider Python generators of research group g2 (on top of fixture.py).

SDKs are installed in envs/timestamped/.venv (from envs/timestamped/requirements.txt); run the
generators with that venv's python.
"""
from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac as _hmac
import importlib.metadata as md
import json
import sys
import time
from unittest import mock

from fixture import case, NOW  # noqa: F401  (re-exported)

UNICODE_TEXT = "Ça marche 😀 — naïve café, 日本語, line\u2028separator, para\u2029end"


def ver(dist: str) -> str:
    return md.version(dist)


def compact(obj) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def pretty(body: str) -> str:
    return json.dumps(json.loads(body), indent=2, ensure_ascii=False)


def tamper(body: str) -> str:
    assert "hello" in body, body[:80]
    return body.replace("hello", "hellp", 1)


def hmac_hex(alg: str, key, msg) -> str:
    key = key.encode() if isinstance(key, str) else key
    msg = msg.encode() if isinstance(msg, str) else msg
    return _hmac.new(key, msg, getattr(hashlib, alg)).hexdigest()


def hmac_b64(alg: str, key, msg) -> str:
    key = key.encode() if isinstance(key, str) else key
    msg = msg.encode() if isinstance(msg, str) else msg
    return base64.b64encode(_hmac.new(key, msg, getattr(hashlib, alg)).digest()).decode()


@contextlib.contextmanager
def frozen(now: int):
    """Freeze time.time() (and datetime.now()/utcnow via time) at `now` unix seconds."""
    import datetime as _dt

    real_dt = _dt.datetime

    class FrozenDT(real_dt):
        @classmethod
        def now(cls, tz=None):
            return real_dt.fromtimestamp(now, tz) if tz else real_dt.fromtimestamp(now)

        @classmethod
        def utcnow(cls):
            return real_dt.utcfromtimestamp(now)

    with mock.patch("time.time", return_value=float(now)):
        yield FrozenDT


SURPRISES: list[str] = []


def judge_all(specs: list[dict], judge) -> list[dict]:
    """Run judge(spec) with the clock frozen at spec['now']; its answer is sdk_verdict.

    judge returns True/False or raises (→ invalid, the message goes into the note).
    A mismatch with spec['expect'] is printed (never overrides the SDK's answer).
    """
    out = []
    for s in specs:
        s = dict(s)
        expect = s.pop("expect", None)
        own = s.pop("judge", None)
        s.setdefault("now", NOW)
        why = None
        try:
            with frozen(s["now"]):
                r = (own or judge)(s)
            v = "valid" if r is not False and r is not None else "invalid"
            if v == "invalid":
                why = "returned " + repr(r)
        except Exception as e:  # noqa: BLE001
            v, why = "invalid", f"{type(e).__name__}: {e}"[:160]
        if expect and expect != v:
            msg = f"SURPRISE {s['name']}: expected {expect}, verifier said {v} {why or ''}"
            SURPRISES.append(msg)
            print(msg, file=sys.stderr)
        if v == "invalid" and why:
            s["note"] = (s["note"] + "; " if s.get("note") else "") + "verifier said: " + why
        s["sdk_verdict"] = v
        c = case(**s)
        if c.get("method") == "GET" and c.get("body") == "":
            c.pop("content_type", None)  # a bodiless GET has no content type
        out.append(c)
    return out
