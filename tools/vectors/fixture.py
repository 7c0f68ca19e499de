"""Shared fixture writer for the per-provider generators in tools/vectors (Python).

    from fixture import write_fixture, NOW
    write_fixture("mux", "mux-python==x (python): ...", cases)

Each case is a dict in the tests/vectors format; keys are written in a stable order.
"""
from __future__ import annotations

import json
from pathlib import Path

NOW = 1_700_000_000
OUT = Path(__file__).resolve().parent.parent.parent / "tests" / "vectors"
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
                               indent=2, ensure_ascii=False) + "\n")
    return path
