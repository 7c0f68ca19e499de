#!/usr/bin/env python3
"""Pusher Channels webhook fixtures.

Signed with pusher.signature.sign(app secret, body) (HMAC-SHA256 hex), verdict from
pusher.Pusher(...).validate_webhook(key=X-Pusher-Key, signature=X-Pusher-Signature, body) (python)
with time.time() frozen at `now` (it checks body.time_ms within +-300000 ms).
node_verdict = pusher (npm) Pusher#webhook({headers, rawBody}).isValid() (no time check).
"""
import json

from fixture_handshakes import (NOW, UNICODE_TEXT, b64, case, frozen, hmac_digest, node_pkg_version, node_run,
                                pkg_version, tamper, write_fixture)
import pusher
from pusher.signature import sign as sdk_sign

APP_ID, KEY, SECRET = "1234567", "278d425bdf160c739803", "7ad3773142a6692b25b8"
OTHER_SECRET = "00000000000000000000"
HS, HK = "X-Pusher-Signature", "X-Pusher-Key"
CLIENT = pusher.Pusher(app_id=APP_ID, key=KEY, secret=SECRET, cluster="mt1")

NODE = """
import Pusher from 'pusher';
let s=''; process.stdin.on('data', d => s += d); process.stdin.on('end', () => {
  const out = JSON.parse(s).map(c => {
    const p = new Pusher({ appId: c.app_id, key: c.app_key, secret: c.secret, cluster: 'mt1' });
    const headers = {}; for (const [k, v] of c.headers) headers[k.toLowerCase()] = v;
    headers['content-type'] = c.content_type;
    try { return p.webhook({ headers, rawBody: c.body }).isValid() ? 'valid' : 'invalid'; } catch (e) { return 'invalid'; }
  });
  process.stdout.write(JSON.stringify(out));
});
"""


def body(time_ms, events):
    return json.dumps({"time_ms": time_ms, "events": events}, separators=(",", ":"), ensure_ascii=False)


def judge(c):
    h = dict((k.lower(), v) for k, v in c["headers"])
    with frozen(c["now"]):
        try:
            r = CLIENT.validate_webhook(key=h.get(HK.lower()), signature=h.get(HS.lower()), body=c["body"])
        except Exception as e:
            return "invalid", f"{type(e).__name__}: {e}"[:120]
    return ("valid", "") if r is not None else ("invalid", "returned None (key, signature, JSON or time_ms check failed)")


def build():
    cases = []
    now_ms = NOW * 1000

    def add(name, b, sig=True, key=KEY, secret=SECRET, note=None, ct="application/json", sig_value=None):
        headers = []
        if key is not None:
            headers.append([HK, key])
        if sig:
            headers.append([HS, sig_value if sig_value is not None else sdk_sign(secret, b)])
        c = case(name=name, secret=SECRET, app_key=KEY, app_id=APP_ID, headers=headers, body=b,
                 content_type=ct, sdk_verdict="valid")
        v, why = judge(c)
        c["sdk_verdict"] = v
        if note or why:
            c["note"] = "; ".join(x for x in [note, why and f"validate_webhook: {why}"] if x)
        cases.append(c)

    occ = body(now_ms - 1500, [{"name": "channel_occupied", "channel": "presence-hello-room"}])
    add("channel_occupied_basic", occ)
    ce = body(now_ms - 1500, [{"name": "client_event", "channel": "private-chat", "event": "client-message",
                                "data": json.dumps({"text": "Grüße 😀 " + UNICODE_TEXT}, ensure_ascii=False),
                                "socket_id": "123.456", "user_id": "u-42"}])
    add("client_event_non_ascii", ce)
    add("tampered_body", tamper(occ), sig_value=sdk_sign(SECRET, occ), note="mutation: body changed after signing")
    add("wrong_secret", occ, secret=OTHER_SECRET, note="signed with another app secret")
    add("missing_signature_header", occ, sig=False, note="no X-Pusher-Signature")
    add("wrong_app_key_header", occ, key="ffffffffffffffffffff", note="X-Pusher-Key names another app")
    add("missing_app_key_header", occ, key=None, note="no X-Pusher-Key")
    add("uppercase_hex", occ, sig_value=sdk_sign(SECRET, occ).upper(), note="mutation: uppercase hex")
    add("base64_encoding", occ, sig_value=b64(hmac_digest("sha256", SECRET, occ)), note="mutation: base64 instead of hex")
    add("sha256_prefix", occ, sig_value="sha256=" + sdk_sign(SECRET, occ), note="mutation: GitHub-style prefix")
    # time window on body.time_ms (python SDK only): abs(now_ms - time_ms) > 300000 -> reject
    for name, delta, note in [
        ("time_ms_exactly_300s_old", -300000, "window edge: exactly 300 s old"),
        ("time_ms_300s_plus_1ms_old", -300001, "window edge: 300.001 s old"),
        ("time_ms_exactly_300s_future", 300000, "window edge: exactly 300 s ahead"),
        ("time_ms_300s_plus_1ms_future", 300001, "window edge: 300.001 s ahead"),
        ("time_ms_1s_old_past_window", -301000, "301 s old"),
    ]:
        b = body(now_ms + delta, [{"name": "channel_vacated", "channel": "presence-hello-room"}])
        add(name, b, note=note + " (time_ms is in the signed body)")
    no_time = json.dumps({"events": [{"name": "channel_vacated", "channel": "presence-hello-room"}]},
                         separators=(",", ":"))
    add("no_time_ms_field", no_time, note="correctly signed body without time_ms")
    add("empty_body", "", note="a correct signature over an empty body (not JSON)")
    add("form_content_type", occ, ct="text/plain", note="correct signature, Content-Type text/plain")

    res = node_run(NODE, [{"app_id": APP_ID, "app_key": KEY, "secret": SECRET, "headers": c["headers"],
                           "body": c["body"], "content_type": c["content_type"]} for c in cases])
    for c, r in zip(cases, res):
        c["node_verdict"] = r
    return cases


if __name__ == "__main__":
    src = (f"pusher=={pkg_version('pusher')} (python): signed with pusher.signature.sign(secret, body), verdict from "
           "Pusher(app_id, key, secret).validate_webhook(key, signature, body) with time.time() frozen at now "
           "(it also requires JSON with time_ms within +-300000 ms). Extra fields: app_key, app_id (the preset needs "
           f"the app key too); node_verdict = pusher@{node_pkg_version('pusher')} (node) webhook({{headers, rawBody}}).isValid() "
           "(no time check, requires Content-Type application/json)")
    print(write_fixture("pusher", src, build()))
