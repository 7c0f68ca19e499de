"""Clerk webhooks (Svix) fixture generator.

Signed with svix.webhooks.Webhook.sign (python); `sdk_verdict` from Clerk's own helper, npm
@clerk/backend verifyWebhook(request, {signingSecret}) (reads svix-* headers only; standardwebhooks
inside) with Date frozen at `now`; extra `svix_python_verdict` from svix.Webhook.verify (the library
Clerk's docs also point to) with freezegun.
Run: envs/standard-webhooks/.venv/bin/python clerk.py   (from tools/vectors; see README.md)
"""
import base64
import hashlib
from datetime import datetime, timezone
from importlib.metadata import version

from svix.webhooks import Webhook as SvixWebhook
from fixture_extra import NOW, case, frozen_verdict, node_verdicts, sw_family_cases, write_fixture

SECRET = "whsec_" + base64.b64encode(hashlib.sha256(b"g3-clerk-secret").digest()[:24]).decode()
OTHER = "whsec_" + base64.b64encode(hashlib.sha256(b"g3-clerk-other").digest()[:24]).decode()
MSG_ID = "msg_2qDPh2VpiEqwjSXKE2GXDbnrSvy"

BODIES = {
    # user.created event as in clerk.com/docs/webhooks (trimmed)
    "basic": '{"data":{"birthday":"","created_at":1654012591514,"email_addresses":[{"email_address":"example@example.org","id":"idn_29w83yL7CwVlJXylYLxcslromF1","linked_to":[],"object":"email_address","verification":{"status":"verified","strategy":"ticket"}}],"external_accounts":[],"external_id":"567772","first_name":"Example","gender":"","id":"user_29w83sxmDNGwOuEthce5gg56FcC","image_url":"https://img.clerk.com/xxxxxx","last_name":"Example","last_sign_in_at":1654012591514,"object":"user","password_enabled":true,"phone_numbers":[],"primary_email_address_id":"idn_29w83yL7CwVlJXylYLxcslromF1","primary_phone_number_id":null,"primary_web3_wallet_id":null,"private_metadata":{},"profile_image_url":"https://www.gravatar.com/avatar?d=mp","public_metadata":{},"two_factor_enabled":false,"unsafe_metadata":{},"updated_at":1654012591835,"username":null,"web3_wallets":[]},"event_attributes":{"http_request":{"client_ip":"0.0.0.0","user_agent":"Mozilla/5.0"}},"instance_id":"ins_123","object":"event","timestamp":1654012591835,"type":"user.created"}',
    "non_ascii": '{"data":{"id":"user_29w83sxmDNGwOuEthce5gg56FcD","first_name":"Zoë","last_name":"Ça marche 😀 — naïve café, 日本語","object":"user"},"object":"event","timestamp":1654012591835,"type":"user.updated"}',
    "empty": "",
}


def sign(secret, msg_id, ts, body):
    return SvixWebhook(secret).sign(msg_id, datetime.fromtimestamp(ts, tz=timezone.utc), body)


def verify(secret, body, headers):
    SvixWebhook(secret).verify(body, headers)


cases = sw_family_cases(prefix="svix", secret=SECRET, other_secret=OTHER, msg_id=MSG_ID,
                        bodies=BODIES, sdk_sign=sign, sdk_verify=verify,
                        decode_key=lambda s: base64.b64decode(s[6:]))
t0 = NOW - 5
sig = sign(SECRET, MSG_ID, t0, BODIES["basic"])
hw = [["webhook-id", MSG_ID], ["webhook-timestamp", str(t0)], ["webhook-signature", sig]]
cases.append(case(name="webhook_header_names", secret=SECRET, headers=hw, body=BODIES["basic"],
                  sdk_verdict=frozen_verdict(NOW, lambda: verify(SECRET, BODIES["basic"], dict(hw))),
                  note="Clerk sends svix-*; its helper requires svix-* (svix python also reads webhook-*)"))
hp = [["svix-id", MSG_ID], ["svix-timestamp", f" {t0} "], ["svix-signature", f" {sig} "]]
cases.append(case(name="headers_with_surrounding_spaces", secret=SECRET, headers=hp, body=BODIES["basic"],
                  sdk_verdict=frozen_verdict(NOW, lambda: verify(SECRET, BODIES["basic"], dict(hp))),
                  note="Clerk's helper trims header values; HTTP stacks strip OWS anyway"))

node = node_verdicts("clerk", cases)
for c, v in zip(cases, node):
    c["svix_python_verdict"] = c["sdk_verdict"]
    c["sdk_verdict"] = v

src = ("@clerk/backend@3.25.0 (node): signed with svix==" + version("svix") + " (python) Webhook.sign, "
       "verdict from @clerk/backend/webhooks verifyWebhook(new Request(...), {signingSecret}) "
       "(standardwebhooks@1.3.0 inside) with Date frozen at `now`; svix_python_verdict from "
       "svix==" + version("svix") + " Webhook.verify with freezegun.")
print(write_fixture("clerk", src, cases))
