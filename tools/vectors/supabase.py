"""Supabase Auth Hooks (HTTP hooks, Standard Webhooks) fixture generator.

Signed the way Supabase Auth (supabase/auth internal/hooks/.../v0http.go generateSignatures) does:
for each configured secret `v1,whsec_<b64>`, strip `v1,`, standardwebhooks.Webhook(rest).sign(...),
and join the signatures with ", " (comma + space). Verdict from standardwebhooks (python)
Webhook(secret.replace("v1,whsec_", "")).verify(...) with the clock frozen at `now` — what
Supabase's docs tell receivers to do; node_sdk_verdict from npm standardwebhooks the same way.
Database Webhooks (the other Supabase surface) are unsigned and have no fixture.
The dashboard shows a hook secret as `v1,whsec_<b64>`; webhook-guard's preset takes it without the
`v1,` (`whsec_<b64>`, what Supabase's docs hand to standardwebhooks), so every case's `secret` is
that form, and `secret_in_dashboard_form` gives the dashboard form itself.
Run: .venv/bin/python supabase.py   (from tools/vectors; see README.md)
"""
import base64
import hashlib
from datetime import datetime, timezone
from importlib.metadata import version

import standardwebhooks
from fixture_extra import NOW, case, frozen_verdict, node_verdicts, sw_family_cases, write_fixture

# as the dashboard shows them, and as the preset takes them (without the `v1,` version tag)
DASHBOARD = "v1,whsec_" + base64.b64encode(hashlib.sha256(b"g3-supabase-secret").digest()[:24]).decode()
DASHBOARD_OTHER = "v1,whsec_" + base64.b64encode(hashlib.sha256(b"g3-supabase-other").digest()[:24]).decode()
SECRET = DASHBOARD[len("v1,"):]
OTHER = DASHBOARD_OTHER[len("v1,"):]
MSG_ID = "6f3c0c55-52d6-4bd7-8a6f-3d1c5e0f9a21"  # Supabase Auth uses a fresh UUIDv4 per attempt


def strip(secret):
    return secret.replace("v1,whsec_", "")


def dashboard(secret):
    return secret if secret.startswith("v1,") else "v1," + secret


def gotrue_sign(secrets, msg_id, ts, body):
    sigs = []
    for s in map(dashboard, secrets):
        assert s.startswith("v1,")
        sigs.append(standardwebhooks.Webhook(s[len("v1,"):]).sign(msg_id, datetime.fromtimestamp(ts, tz=timezone.utc), body))
    return ", ".join(sigs)


def sign(secret, msg_id, ts, body):
    return gotrue_sign([secret], msg_id, ts, body)


def verify(secret, body, headers):
    standardwebhooks.Webhook(strip(secret)).verify(body, headers, json_parse=False)


BODIES = {
    # send-email hook payload; Go's json.Marshal escapes < > & as \u003c \u003e \u0026
    "basic": '{"user":{"id":"8b3f2a6e-1c4d-4e5f-9a7b-2c3d4e5f6a7b","aud":"authenticated","role":"authenticated","email":"valid.email@supabase.io","app_metadata":{"provider":"email","providers":["email"]},"user_metadata":{},"created_at":"2023-11-14T22:13:10.000000Z"},"email_data":{"token":"305805","token_hash":"7d5b7b1964cf5d388340a7f04f1dbb5eeb6c7b52ef8270e1737a58d0","redirect_to":"http://localhost:3000/?a=1\\u0026b=2","email_action_type":"signup","site_url":"http://localhost:9999","token_new":"","token_hash_new":""}}',
    "non_ascii": '{"user":{"id":"8b3f2a6e-1c4d-4e5f-9a7b-2c3d4e5f6a7b","phone":"+33612345678","user_metadata":{"name":"Zoë Ça marche 😀 — 日本語"}},"sms":{"otp":"561166"}}',
    "empty": "",
}

cases = sw_family_cases(prefix="webhook", secret=SECRET, other_secret=OTHER, msg_id=MSG_ID,
                        bodies=BODIES, sdk_sign=sign, sdk_verify=verify,
                        decode_key=lambda s: base64.b64decode(s[s.index("whsec_") + len("whsec_"):]))
# two configured secrets: Supabase joins with ", "; a receiver splitting on " " sees "v1,<a>," then "v1,<b>"
t0 = NOW - 5
two = gotrue_sign([SECRET, OTHER], MSG_ID, t0, BODIES["basic"])
hd = [["webhook-id", MSG_ID], ["webhook-timestamp", str(t0)], ["webhook-signature", two]]
for name, sec, note in (
        ("two_secrets_comma_space_receiver_has_first", SECRET,
         "Supabase joins several signatures with \", \" (not the spec's single space); the first entry "
         "becomes `v1,<b64>,` after splitting on spaces and no longer matches"),
        ("two_secrets_comma_space_receiver_has_second", OTHER,
         "the last entry has no trailing comma, so the receiver holding the second secret verifies")):
    cases.append(case(name=name, secret=sec, headers=hd, body=BODIES["basic"],
                      sdk_verdict=frozen_verdict(NOW, lambda sec=sec: verify(sec, BODIES["basic"], dict(hd))),
                      note=note))
hw = [["webhook-id", MSG_ID], ["webhook-timestamp", str(t0)], ["webhook-signature", sign(SECRET, MSG_ID, t0, BODIES["basic"])]]
cases.append(case(name="secret_in_dashboard_form", secret=DASHBOARD, headers=hw, body=BODIES["basic"],
                  sdk_verdict=frozen_verdict(NOW, lambda: verify(DASHBOARD, BODIES["basic"], dict(hw))),
                  note="the secret as the dashboard shows it, `v1,whsec_…`; the documented receiver strips "
                       "`v1,whsec_` before standardwebhooks"))

node_cases = [dict(c, secret=strip(c["secret"])) for c in cases]
for c, v in zip(cases, node_verdicts("standardwebhooks", node_cases)):
    c["node_sdk_verdict"] = v
src = (f"standardwebhooks=={version('standardwebhooks')} (python): signed as supabase/auth generateSignatures does "
       "(strip `v1,`, Webhook(rest).sign, join several with \", \"), verdict from "
       "standardwebhooks.Webhook(secret.replace('v1,whsec_','')).verify(body, headers) (Supabase's documented "
       "receiver) with the clock frozen at `now` (freezegun); node_sdk_verdict from standardwebhooks@1.3.0 (node) "
       "with the same key and Date frozen. `secret` is the hook secret without its `v1,` tag (the dashboard "
       "shows `v1,whsec_…`), except in secret_in_dashboard_form.")
print(write_fixture("supabase", src, cases))
for c in cases:
    print(c["name"], c["sdk_verdict"], c["node_sdk_verdict"])
