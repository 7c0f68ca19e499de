// Generates tests/vectors/mux.json with the official Mux Node SDK.
// Run: node mux.mjs   (SDKs pinned in envs/timestamped/package.json)
import { writeFixture, makeCase } from "./fixture.mjs";
import { sdk, sdkVersion, judgeAll, hmac, UNICODE_TEXT, compact, tamper, pretty } from "./fixture_g2.mjs";

const Mux = sdk("@mux/mux-node").default;
const VERSION = sdkVersion("@mux/mux-node");
const SECRET = "7fq3kd9mb2nvr4stjl1c8h0ewpxyzag6";
const T = 1699999995;

function sign(t, body, secret = SECRET) { return hmac("sha256", secret, `${t}.${body}`); }
function hdr(v) { return [["Mux-Signature", v], ["Content-Type", "application/json"], ["User-Agent", "Mux Webhooks"]]; }

const BASIC = compact({
  type: "video.asset.ready",
  object: { type: "asset", id: "0201p02fGKPE7MrbC269XRD7LpcHhrmbu0002" },
  id: "3a56ac3d-33da-4366-855b-f592d898409d",
  environment: { name: "Demo pages", id: "j0863n" },
  data: { status: "ready", playback_ids: [{ policy: "public", id: "FRDDXsjcNgD013rx1M4CDunZ86xkq8A02hfF3b6XAa7iE" }],
    id: "0201p02fGKPE7MrbC269XRD7LpcHhrmbu0002", passthrough: "hello", duration: 23.857167, max_stored_resolution: "HD", aspect_ratio: "16:9" },
  created_at: "2023-11-14T22:13:15.000000Z",
  accessor_source: null, accessor: null, request_id: null,
});
const UNI = compact({ type: "video.asset.created", object: { type: "asset", id: "asset_uni" }, id: "evt-uni-1",
  data: { id: "asset_uni", status: "preparing", passthrough: `hello ${UNICODE_TEXT}` }, created_at: "2023-11-14T22:13:15.000000Z" });

const specs = [
  { name: "sdk_signed_basic", headers: hdr(`t=${T},v1=${sign(T, BASIC)}`), body: BASIC, expect: "valid" },
  { name: "non_ascii_body", headers: hdr(`t=${T},v1=${sign(T, UNI)}`), body: UNI, expect: "valid" },
  { name: "empty_body", headers: hdr(`t=${T},v1=${sign(T, "")}`), body: "", expect: "valid",
    note: "the SDK accepts an empty string body (it is still signed as `t.`)" },
  { name: "two_v1_second_matches", headers: hdr(`t=${T},v1=${sign(T, BASIC, "old-secret-000")},v1=${sign(T, BASIC)}`), body: BASIC, expect: "valid",
    note: "the SDK accepts any matching v1 item" },
  { name: "unknown_scheme_item_ignored", headers: hdr(`t=${T},v0=deadbeef,v1=${sign(T, BASIC)}`), body: BASIC, expect: "valid" },
  { name: "window_exactly_300s_old", headers: hdr(`t=1699999700,v1=${sign(1699999700, BASIC)}`), body: BASIC, expect: "valid",
    note: "past-only tolerance of 300 s: age 300 passes" },
  { name: "window_301s_old", headers: hdr(`t=1699999699,v1=${sign(1699999699, BASIC)}`), body: BASIC, expect: "invalid" },
  { name: "window_299s_old", headers: hdr(`t=1699999701,v1=${sign(1699999701, BASIC)}`), body: BASIC, expect: "valid" },
  { name: "future_300s", headers: hdr(`t=1700000300,v1=${sign(1700000300, BASIC)}`), body: BASIC, expect: "valid" },
  { name: "sdk_quirk_future_301s", headers: hdr(`t=1700000301,v1=${sign(1700000301, BASIC)}`), body: BASIC, expect: "valid",
    note: "the SDK window only looks back (timestampAge > 300); a strict verifier rejects a timestamp 301 s ahead" },
  { name: "sdk_quirk_future_one_day", headers: hdr(`t=1700086400,v1=${sign(1700086400, BASIC)}`), body: BASIC, expect: "valid",
    note: "SDK quirk: any future timestamp passes" },
  { name: "tampered_body", headers: hdr(`t=${T},v1=${sign(T, BASIC)}`), body: tamper(BASIC), expect: "invalid" },
  { name: "reserialized_pretty_json", headers: hdr(`t=${T},v1=${sign(T, BASIC)}`), body: pretty(BASIC), expect: "invalid" },
  { name: "wrong_secret", headers: hdr(`t=${T},v1=${sign(T, BASIC, "another-secret-value")}`), body: BASIC, expect: "invalid" },
  { name: "timestamp_changed", headers: hdr(`t=${T + 1},v1=${sign(T, BASIC)}`), body: BASIC, expect: "invalid" },
  { name: "signature_over_body_only", headers: hdr(`t=${T},v1=${hmac("sha256", SECRET, BASIC)}`), body: BASIC, expect: "invalid",
    note: "mutation: `t.` must be prepended" },
  { name: "uppercase_hex", headers: hdr(`t=${T},v1=${sign(T, BASIC).toUpperCase()}`), body: BASIC, expect: "invalid",
    note: "the hex is compared as text" },
  { name: "base64_signature", headers: hdr(`t=${T},v1=${hmac("sha256", SECRET, `${T}.${BASIC}`, "base64")}`), body: BASIC, expect: "invalid" },
  { name: "truncated_signature", headers: hdr(`t=${T},v1=${sign(T, BASIC).slice(0, 63)}`), body: BASIC, expect: "invalid" },
  { name: "space_after_comma", headers: hdr(`t=${T}, v1=${sign(T, BASIC)}`), body: BASIC, expect: "invalid",
    note: "items are not trimmed: ` v1` is not `v1`" },
  { name: "wrong_scheme_v0_only", headers: hdr(`t=${T},v0=${sign(T, BASIC)}`), body: BASIC, expect: "invalid" },
  { name: "missing_timestamp", headers: hdr(`v1=${sign(T, BASIC)}`), body: BASIC, expect: "invalid" },
  { name: "missing_signature_header", headers: [["Content-Type", "application/json"]], body: BASIC, expect: "invalid" },
  { name: "sdk_quirk_timestamp_trailing_garbage", headers: hdr(`t=${T}x,v1=${sign(T, BASIC)}`), body: BASIC, expect: "valid",
    note: "SDK quirk: parseInt('1699999995x') = 1699999995 and the message is rebuilt from the parsed integer; a strict verifier rejects a non-numeric t" },
];

const cases = await judgeAll(specs.map((s) => ({ secret: SECRET, ...s })), async (c) => {
  const mux = new Mux({ tokenId: "x", tokenSecret: "y", webhookSecret: c.secret });
  const h = {};
  for (const [k, v] of c.headers) h[k.toLowerCase()] = v;
  await mux.webhooks.verifySignature(c.body, h, c.secret);
  return true;
}, makeCase);

console.log(writeFixture("mux",
  `@mux/mux-node@${VERSION} (node): signed with node:crypto HMAC-SHA256(secret, \`\${t}.\${body}\`) hex (the SDK's computeSignature layout; the SDK has no signer), verdict from mux.webhooks.verifySignature(body, headers, secret) with Date.now() frozen at \`now\``,
  cases));
