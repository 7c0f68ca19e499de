"""Helpers of the fetched-key generators (aws-sns.py, paypal.py, plaid.py), adapted from the
provider research's group-g3 helpers: the fixture writer (into tests/vectors), frozen-clock
verdicts (freezegun) and node SDK verdicts (g3_node_verify.mjs).

Setup: `python3 -m venv .venv && .venv/bin/pip install -r requirements-extra.txt`, and
`mkdir -p .extra && cp package-extra.json .extra/package.json && (cd .extra && npm install)`.
"""
from __future__ import annotations

import json
import subprocess
from datetime import datetime, timezone
from pathlib import Path

from freezegun import freeze_time

NOW = 1_700_000_000
TOOLS = Path(__file__).resolve().parent
OUT = TOOLS.parent.parent / "tests" / "vectors"
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
    path = OUT / f"{provider}.json"
    path.write_text(json.dumps({"provider": provider, "source": source, "cases": cases},
                               indent=2, ensure_ascii=False) + "\n")
    return path


def frozen_verdict(now: int, fn) -> str:
    with freeze_time(datetime.fromtimestamp(now, tz=timezone.utc)):
        try:
            r = fn()
        except Exception:  # the SDK's own rejection
            return "invalid"
    return "invalid" if r is False else "valid"


def node_verdicts(script: str, provider: str, cases: list[dict]) -> list[str]:
    """Run `script` with node on the cases (modules from .extra/node_modules); it prints one
    verdict per case as a JSON list."""
    p = subprocess.run(["node", str(TOOLS / script), provider], input=json.dumps(cases),
                       capture_output=True, text=True, check=True, cwd=TOOLS / ".extra")
    return json.loads(p.stdout)
