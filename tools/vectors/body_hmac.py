"""Helpers for the per-provider generators of body-HMAC presets (line.py, razorpay.py, ...).

Each such generator writes one fixture, ../../tests/vectors/<provider>.json, in the format of
README.md. The SDKs they drive are pinned in envs/body-hmac (requirements.txt for Python,
package.json for the Node cross-checks; $VECTORS_EXTRA_NODE points the Node side elsewhere):

    python3 -m venv envs/body-hmac/.venv && envs/body-hmac/.venv/bin/pip install -r envs/body-hmac/requirements.txt
    (cd envs/body-hmac && npm install --ignore-scripts)
    envs/body-hmac/.venv/bin/python line.py

Every verdict is the answer of the SDK's verify function (or, where the provider has no SDK
verifier, of the exact constant-time compare its documentation describes); nothing here writes
a verdict by hand. The output is byte-for-byte reproducible.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parent.parent / "tests" / "vectors"
NOW = 1_700_000_000
NODE_DIR = Path(os.environ.get("VECTORS_EXTRA_NODE", HERE / "envs" / "body-hmac"))
ORDER = ["name", "secret", "signing_key", "headers", "body", "url", "method",
         "content_type", "now", "sdk_verdict", "note", "expected_response"]

# Generators are named after providers (razorpay.py, castle.py), which would shadow the SDK
# packages of the same name: once these helpers are imported, drop this folder from sys.path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
if sys.argv and sys.argv[0]:
    sys.modules.pop(Path(sys.argv[0]).stem, None)

UNICODE_TEXT = "Ça marche 😀 — naïve café, 日本語, line\u2028separator, para\u2029end"


def case(**fields) -> dict:
    """One case in the fixture format, fields in a stable order; None values dropped."""
    fields = {k: v for k, v in fields.items() if v is not None}
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
    path = OUT / f"{provider}.json"
    path.write_text(json.dumps({"provider": provider, "source": source, "cases": cases},
                               indent=2, ensure_ascii=False) + "\n")
    return path


def compact(obj) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def tamper(body: str) -> str:
    """Change exactly one byte: the first 'hello' becomes 'hellp'."""
    assert "hello" in body, body[:80]
    return body.replace("hello", "hellp", 1)


def hmac_digest(alg: str, key: bytes | str, msg: bytes | str) -> bytes:
    if isinstance(key, str):
        key = key.encode()
    if isinstance(msg, str):
        msg = msg.encode()
    return hmac.new(key, msg, getattr(hashlib, alg)).digest()


def b64(b: bytes) -> str:
    return base64.b64encode(b).decode()


def b64url_nopad(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


def verdict(fn, *args, none_is_valid: bool = False, **kwargs) -> tuple[str, str]:
    """Run an SDK verify function. Truthy -> valid; False -> invalid; an exception -> invalid
    (its text is the reason). For SDKs that return None on success and raise on failure, pass
    none_is_valid=True."""
    try:
        r = fn(*args, **kwargs)
    except Exception as e:  # the SDK's own rejection
        return "invalid", f"{type(e).__name__}: {e}"[:140]
    if r is None and none_is_valid:
        return "valid", "no exception"
    return ("valid", "returned " + repr(r)[:40]) if r else ("invalid", "returned " + repr(r)[:40])


def node_run(script: str, payload) -> object:
    """Run an ES-module snippet in NODE_DIR (bare imports resolve there); JSON in/out on stdio."""
    out = subprocess.run(["node", "--input-type=module", "-e", script], cwd=NODE_DIR,
                         input=json.dumps(payload), capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def pkg_version(dist: str) -> str:
    import importlib.metadata as md
    return md.version(dist)


def node_pkg_version(name: str) -> str:
    return json.loads((NODE_DIR / "node_modules" / name / "package.json").read_text())["version"]


def body_hmac_cases(*, header: str, sign, judge, secret: str, other_secret: str, bodies: list,
                    extra_headers=(), mutations=(), empty_body: bool = True,
                    content_type: str = "application/json", missing_note: str = "") -> list[dict]:
    """Standard cases for a scheme whose signature covers only the body.

    sign(body, secret) -> header value; judge(body, header_value_or_None, secret) -> (verdict, why).
    bodies: [(name, body, note)] -- the first must contain 'hello' (it is tampered).
    mutations: [(name, header_value_fn(body, secret), note)] applied to the first body.
    """
    cases = []

    def add(name, body, value, sec=secret, note=None):
        hs = [] if value is None else [[header, value]]
        hs += [list(h) for h in extra_headers]
        v, why = judge(body, value, sec)
        if v == "invalid":
            note = (note + "; " if note else "") + f"verifier: {why}"
        cases.append(case(name=name, secret=sec, headers=hs, body=body, content_type=content_type,
                          sdk_verdict=v, note=note))

    for name, body, note in bodies:
        add(name, body, sign(body, secret), note=note)
    if empty_body:
        add("empty_body", "", sign("", secret), note="a correct signature over an empty body")
    first = bodies[0][1]
    add("tampered_body", tamper(first), sign(first, secret), note="mutation: body changed after signing")
    add("wrong_secret", first, sign(first, other_secret), note="signed with another secret")
    add("missing_signature_header", first, None, note=missing_note or f"no {header} header")
    for name, fn, note in mutations:
        add(name, first, fn(first, secret), note=note)
    return cases


def body_hmac_transcription(alg: str, encoding: str, prefix: str = "", key_bytes=None):
    """(sign, judge) for a documented `prefix + encode(HMAC-alg(key, body))` header, judged by an
    exact, constant-time comparison of the whole header value (the strict reading of the docs).
    key_bytes(secret) -> bytes turns the dashboard value into the HMAC key (default: UTF-8)."""
    enc = {"hex": lambda d: d.hex(), "base64": b64}[encoding]
    kb = key_bytes or (lambda s: s.encode())

    def sign(body: str, secret: str) -> str:
        return prefix + enc(hmac.new(kb(secret), body.encode(), getattr(hashlib, alg)).digest())

    def judge(body: str, value, secret: str):
        if value is None:
            return "invalid", "no signature header"
        try:
            want = sign(body, secret)
        except Exception as e:  # e.g. a key that does not decode
            return "invalid", f"key: {e}"
        if hmac.compare_digest(value.encode(), want.encode()):
            return "valid", ""
        return "invalid", "signature mismatch"

    return sign, judge
