#!/usr/bin/env python3
"""MongoDB Atlas (and Cloud / Ops Manager) alert webhook fixtures.

No SDK verifier. Transcription of https://www.mongodb.com/docs/atlas/tutorial/webhook-integration/ :
  X-MMS-Signature = base64(HMAC-SHA1(Webhook Secret, raw request body))  (only when a secret is set)
"""
from fixture_handshakes import (UNICODE_TEXT, b64, body_hmac_cases, body_hmac_transcription, compact,
                                hmac_digest, write_fixture)

SECRET = "atlas-webhook-secret-5f2c9e"
OTHER = "not-the-atlas-webhook-secret"
H = "X-MMS-Signature"
sign, judge = body_hmac_transcription("sha1", "base64")


def alert(name: str) -> str:
    return compact({
        "id": "5b7f2a1c87d9d61f8f5e1a23", "groupId": "5b7f29f987d9d61f8f5e19f0", "clusterName": "Cluster0",
        "hostnameAndPort": "cluster0-shard-00-00.abcde.mongodb.net:27017", "replicaSetName": "atlas-xyz-shard-0",
        "eventTypeName": "OUTSIDE_METRIC_THRESHOLD", "status": "OPEN", "created": "2023-11-14T22:13:15Z",
        "updated": "2023-11-14T22:13:15Z", "lastNotified": "2023-11-14T22:13:15Z",
        "metricName": "CONNECTIONS", "currentValue": {"number": 512.0, "units": "RAW"}, "humanReadable": name,
        "links": [{"href": "https://cloud.mongodb.com/api/atlas/v1.0/groups/5b7f29f987d9d61f8f5e19f0/alerts/5b7f2a1c87d9d61f8f5e1a23",
                   "rel": "self"}],
    })


def build():
    return body_hmac_cases(
        header=H, sign=sign, judge=judge, secret=SECRET, other_secret=OTHER,
        bodies=[("alert_open_basic", alert("hello world: connections above 500"), None),
                ("non_ascii_body", alert("Verbindungen über Schwellwert 😀 " + UNICODE_TEXT), None)],
        extra_headers=[("X-MMS-Event", "alert.open")],
        mutations=[
            ("sha256_instead_of_sha1", lambda b, s: b64(hmac_digest("sha256", s, b)), "mutation: HMAC-SHA256 base64"),
            ("hex_encoding", lambda b, s: hmac_digest("sha1", s, b).hex(), "mutation: hex instead of base64"),
            ("base64_unpadded", lambda b, s: sign(b, s).rstrip("="), "mutation: '=' padding removed"),
            ("truncated_signature", lambda b, s: sign(b, s)[:-4], "mutation: last 4 chars cut"),
        ])


if __name__ == "__main__":
    src = ("transcription (no SDK verifier) of https://www.mongodb.com/docs/atlas/tutorial/webhook-integration/: "
           "X-MMS-Signature = base64(HMAC-SHA1(Webhook Secret, raw body)), exact constant-time compare")
    print(write_fixture("mongodb", src, build()))
