// Generates tests/vectors/webflow.json with the official Webflow Node SDK (webflow-api).
// Run: node webflow.mjs   (SDKs pinned in envs/timestamped/package.json)
import { writeFixture, makeCase } from "./fixture.mjs";
import { sdk, sdkVersion, judgeAll, hmac, UNICODE_TEXT, compact, tamper, pretty } from "./fixture_g2.mjs";

const { WebflowClient } = sdk("webflow-api");
const VERSION = sdkVersion("webflow-api");
const SECRET = "0f9e8d7c6b5a49382716f5e4d3c2b1a0a1b2c3d4e5f60718293a4b5c6d7e8f90"; // OAuth app client secret (illustrative)
const TMS = 1699999995123; // milliseconds

const sign = (t, body, secret = SECRET) => hmac("sha256", secret, `${t}:${body}`);
const hdr = (t, sig) => [["x-webflow-timestamp", String(t)], ["x-webflow-signature", sig], ["Content-Type", "application/json"]];

const BASIC = compact({ triggerType: "form_submission", payload: { name: "Contact Form", siteId: "65427cf400e02b306eaa049c",
  data: { Name: "Jane Doe", Email: "jane@example.com", Message: "hello there" }, submittedAt: "2023-11-14T22:13:15.123Z",
  id: "6321ca84df3949bfc6752327", formId: "65429eadebe8a9f3a30f62d0", formElementId: "4e038d2c-6a1e-4953-7be9-a59a2b453177" } });
const UNI = compact({ triggerType: "collection_item_created", payload: { id: "580e64008c9a982ac9b8b754", siteId: "65427cf400e02b306eaa049c",
  fieldData: { name: `hello ${UNICODE_TEXT}`, slug: "unicode" }, isArchived: false, isDraft: false } });
const S = sign(TMS, BASIC);

const specs = [
  { name: "sdk_signed_basic", headers: hdr(TMS, S), body: BASIC, expect: "valid" },
  { name: "non_ascii_body", headers: hdr(TMS, sign(TMS, UNI)), body: UNI, expect: "valid" },
  { name: "empty_body", headers: hdr(TMS, sign(TMS, "")), body: "", expect: "valid" },
  { name: "sdk_quirk_stale_one_day", headers: hdr(TMS - 86_400_000, sign(TMS - 86_400_000, BASIC)), body: BASIC, expect: "valid",
    note: "SDK quirk: verifySignature checks no timestamp; the docs say to reject requests older than 5 minutes (ms timestamps)" },
  { name: "sdk_quirk_future_one_day", headers: hdr(TMS + 86_400_000, sign(TMS + 86_400_000, BASIC)), body: BASIC, expect: "valid",
    note: "SDK quirk: no timestamp check at all" },
  { name: "tampered_body", headers: hdr(TMS, S), body: tamper(BASIC), expect: "invalid" },
  { name: "reserialized_pretty_json", headers: hdr(TMS, S), body: pretty(BASIC), expect: "invalid" },
  { name: "wrong_secret", headers: hdr(TMS, sign(TMS, BASIC, "wrong-client-secret")), body: BASIC, expect: "invalid" },
  { name: "timestamp_changed", headers: hdr(TMS + 1, S), body: BASIC, expect: "invalid" },
  { name: "timestamp_in_seconds_signed_in_ms", headers: hdr(1699999995, S), body: BASIC, expect: "invalid" },
  { name: "uppercase_hex", headers: hdr(TMS, S.toUpperCase()), body: BASIC, expect: "invalid" },
  { name: "base64_signature", headers: hdr(TMS, hmac("sha256", SECRET, `${TMS}:${BASIC}`, "base64")), body: BASIC, expect: "invalid" },
  { name: "sha256_prefixed", headers: hdr(TMS, "sha256=" + S), body: BASIC, expect: "invalid" },
  { name: "truncated_signature", headers: hdr(TMS, S.slice(0, 63)), body: BASIC, expect: "invalid" },
  { name: "dot_separator_instead_of_colon", headers: hdr(TMS, hmac("sha256", SECRET, `${TMS}.${BASIC}`)), body: BASIC, expect: "invalid",
    note: "mutation: the separator is ':'" },
  { name: "missing_signature_header", headers: [["x-webflow-timestamp", String(TMS)], ["Content-Type", "application/json"]], body: BASIC, expect: "invalid" },
  { name: "missing_timestamp_header", headers: [["x-webflow-signature", S], ["Content-Type", "application/json"]], body: BASIC, expect: "invalid" },
  // Added for webhook-guard: the edges of the docs' 5-minute window, taken two-sided (the SDK checks none).
  { name: "window_exactly_300s_old", headers: hdr(1_699_999_700_000, sign(1_699_999_700_000, BASIC)), body: BASIC, expect: "valid" },
  { name: "sdk_quirk_stale_301s", headers: hdr(1_699_999_699_000, sign(1_699_999_699_000, BASIC)), body: BASIC, expect: "valid",
    note: "SDK quirk: no timestamp check; the docs reject requests older than 5 minutes" },
  { name: "future_300s", headers: hdr(1_700_000_300_000, sign(1_700_000_300_000, BASIC)), body: BASIC, expect: "valid" },
  { name: "sdk_quirk_future_301s", headers: hdr(1_700_000_301_000, sign(1_700_000_301_000, BASIC)), body: BASIC, expect: "valid",
    note: "SDK quirk: no timestamp check; a two-sided 5-minute window rejects this" },
];

const client = new WebflowClient({ accessToken: "test-token" });
const cases = await judgeAll(specs.map((s) => ({ secret: SECRET, ...s })), async (c) => {
  const h = {};
  for (const [k, v] of c.headers) h[k.toLowerCase()] = v;
  return await client.webhooks.verifySignature({ headers: h, body: c.body, secret: c.secret });
}, makeCase);

console.log(writeFixture("webflow",
  `webflow-api@${VERSION} (node): signed with node:crypto HMAC-SHA256(client_secret, \`\${x-webflow-timestamp}:\${body}\`) hex (the SDK has no signer), verdict from WebflowClient.webhooks.verifySignature({headers (lower-case keys), body, secret}); the SDK checks no timestamp, Date.now() frozen at \`now\` anyway`,
  cases));
