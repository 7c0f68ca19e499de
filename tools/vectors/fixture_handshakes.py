"""Helpers for the generators of the `handshakes` group (meta.py, dropbox.py, asana.py, notion.mjs,
worldline.py, pusher.py, ...): the body-HMAC helpers of body_hmac.py, with this group's Node
environment, a frozen clock and the unsigned set-up requests (GET challenges, echo POSTs).

    python3 -m venv envs/handshakes/.venv && envs/handshakes/.venv/bin/pip install -r envs/handshakes/requirements.txt
    (cd envs/handshakes && npm install --ignore-scripts)
    envs/handshakes/.venv/bin/python meta.py

Every verdict is the answer of the SDK's verify function, or, where the provider has no SDK
verifier, of the transcribed documented check. A set-up request (a GET challenge, Asana's
X-Hook-Secret POST) carries no signature: its `sdk_verdict` is what that same check answers for
it (invalid: nothing is signed), and the answer the provider expects is in `expected_response`,
computed by the transcribed handshake. Nothing here writes a verdict by hand.
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path
from unittest import mock

import body_hmac as _body_hmac
from body_hmac import (HERE, NOW, UNICODE_TEXT, b64, b64url_nopad, body_hmac_cases,  # noqa: F401
                       body_hmac_transcription, case, compact, hmac_digest, node_pkg_version,
                       node_run, pkg_version, tamper, verdict, write_fixture)

# This group's Node SDKs (body_hmac's node helpers read the module global).
_body_hmac.NODE_DIR = Path(os.environ.get("VECTORS_HANDSHAKES_NODE", HERE / "envs" / "handshakes"))


@contextlib.contextmanager
def frozen(now: int):
    """Freeze time.time() (and time.time_ns) at `now` for the SDK's verify call."""
    with mock.patch("time.time", return_value=float(now)), \
            mock.patch("time.time_ns", return_value=int(now) * 1_000_000_000):
        yield
