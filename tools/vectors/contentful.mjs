// Generates tests/vectors/contentful.json with @contentful/node-apps-toolkit (signRequest / verifyRequest).
// Run: node contentful.mjs (the SDK from envs/payloads, or from $G2_SDK_DIR)
process.env.G2_SDK_DIR ??= new URL("./envs/payloads", import.meta.url).pathname;
const { writeFixture, makeCase } = await import("./fixture.mjs");
const { sdk, sdkVersion, judgeAll, UNICODE_TEXT, compact, tamper, pretty } = await import("./fixture_g2.mjs");

const { signRequest, verifyRequest } = sdk("@contentful/node-apps-toolkit");
const VERSION = sdkVersion("@contentful/node-apps-toolkit");
const SECRET = "k3v9Qp2Lw8Zr5Tx1Yb7Nc4Md6Fg0Hj2Kl5Ps8Rt1Uv4Wx7Yz0Ab3Cd6Ef9Gh2IjK"; // 64 chars (webhook signing secret)
if (SECRET.length !== 64) throw new Error("secret must be 64 chars");
const TMS = 1699999995123;
const HOST = "https://example.com";
const PATH = "/webhooks/contentful";

const BASIC = compact({ sys: { type: "Entry", id: "5KsDBWseXY6QegucYAoacS", space: { sys: { type: "Link", linkType: "Space", id: "yadj1kx9rmg0" } },
  environment: { sys: { id: "master", type: "Link", linkType: "Environment" } }, contentType: { sys: { type: "Link", linkType: "ContentType", id: "blogPost" } },
  revision: 3, createdAt: "2023-11-14T22:10:00.000Z", updatedAt: "2023-11-14T22:13:14.000Z" },
  fields: { title: { "en-US": "hello world" }, slug: { "en-US": "hello-world" } } });
const UNI = compact({ sys: { type: "Entry", id: "uni" }, fields: { title: { "de-DE": `Grüße ${UNICODE_TEXT}` } } });

const WEBHOOK_HEADERS = {
  "X-Contentful-Topic": "ContentManagement.Entry.publish",
  "X-Contentful-Webhook-Name": "My webhook",
  "Content-Type": "application/vnd.contentful.management.v1+json",
};

// Sign like Contentful: the headers passed to signRequest are the ones it lists in x-contentful-signed-headers.
function signed({ method = "POST", path = PATH, body = BASIC, headers = WEBHOOK_HEADERS, t = TMS, secret = SECRET } = {}) {
  const out = signRequest(secret, { method, path, headers: { ...headers }, body }, t);
  return [...Object.entries(headers), ...Object.entries(out)];
}
const setH = (hs, name, value) => hs.map(([k, v]) => (k.toLowerCase() === name ? [k, value] : [k, v]));
const dropH = (hs, name) => hs.filter(([k]) => k.toLowerCase() !== name);

const H = signed();
const sig = Object.fromEntries(H.map(([k, v]) => [k.toLowerCase(), v]))["x-contentful-signature"];

const specs = [
  { name: "sdk_signed_basic", headers: H, body: BASIC, expect: "valid",
    note: "canonical request = METHOD \\n normalized path \\n sorted 'key:value' signed headers joined by ';' \\n body" },
  { name: "non_ascii_body", headers: signed({ body: UNI }), body: UNI, expect: "valid" },
  { name: "empty_body_delete", method: "DELETE", headers: signed({ method: "DELETE", body: "" }), body: "", expect: "valid" },
  { name: "path_with_query", path: "/webhooks/contentful?env=master&x=1", url: `${HOST}/webhooks/contentful?env=master&x=1`,
    headers: signed({ path: "/webhooks/contentful?env=master&x=1" }), body: BASIC, expect: "valid",
    note: "the query is escaped with querystring.escape then the whole path with encodeURI: ?env=master&x=1 is signed as ?env%253Dmaster%2526x%253D1" },
  { name: "header_values_trimmed_and_keys_lowercased", headers: setH(H, "x-contentful-topic", "  ContentManagement.Entry.publish  "), body: BASIC,
    expect: "valid", note: "signed header keys are lower-cased and values trimmed before hashing" },
  { name: "window_29_999s_old", headers: signed({ t: 1_700_000_000_000 - 29_999 }), body: BASIC, expect: "valid",
    note: "default TTL 30 s: Date.now() - t >= 30000 rejects; timestamp in ms" },
  { name: "window_exactly_30s_old", headers: signed({ t: 1_700_000_000_000 - 30_000 }), body: BASIC, expect: "invalid" },
  { name: "window_31s_old", headers: signed({ t: 1_700_000_000_000 - 31_000 }), body: BASIC, expect: "invalid",
    note: "added for webhook-guard: past the 30 s TTL" },
  { name: "future_30s", headers: signed({ t: 1_700_000_000_000 + 30_000 }), body: BASIC, expect: "valid",
    note: "added for webhook-guard: the edge of a two-sided 30 s window" },
  { name: "sdk_quirk_future_31s", headers: signed({ t: 1_700_000_000_000 + 31_000 }), body: BASIC, expect: "valid",
    note: "added for webhook-guard: SDK quirk, the TTL only looks back; strict: ±30 s" },
  { name: "sdk_quirk_future_one_hour", headers: signed({ t: 1_700_000_000_000 + 3_600_000 }), body: BASIC, expect: "valid",
    note: "SDK quirk: the TTL only looks back; a strict verifier bounds future skew" },
  { name: "tampered_body", headers: H, body: tamper(BASIC), expect: "invalid" },
  { name: "reserialized_pretty_json", headers: H, body: pretty(BASIC), expect: "invalid" },
  { name: "wrong_secret", headers: signed({ secret: "Z".repeat(64) }), body: BASIC, expect: "invalid" },
  { name: "method_changed", method: "PUT", headers: H, body: BASIC, expect: "invalid", note: "the method is signed" },
  { name: "path_changed", path: "/webhooks/other", url: `${HOST}/webhooks/other`, headers: H, body: BASIC, expect: "invalid", note: "the path is signed" },
  { name: "signed_header_value_changed", headers: setH(H, "x-contentful-topic", "ContentManagement.Entry.delete"), body: BASIC, expect: "invalid" },
  { name: "unsigned_header_changed", headers: [...H, ["X-Forwarded-For", "203.0.113.7"]], body: BASIC, expect: "valid",
    note: "headers not listed in x-contentful-signed-headers are ignored" },
  { name: "signed_header_removed", headers: dropH(H, "x-contentful-topic"), body: BASIC, expect: "invalid" },
  { name: "timestamp_changed", headers: setH(H, "x-contentful-timestamp", String(TMS + 1)), body: BASIC, expect: "invalid" },
  { name: "uppercase_hex", headers: setH(H, "x-contentful-signature", sig.toUpperCase()), body: BASIC, expect: "invalid" },
  { name: "truncated_signature", headers: setH(H, "x-contentful-signature", sig.slice(0, 63)), body: BASIC, expect: "invalid",
    note: "the SDK requires exactly 64 characters" },
  { name: "missing_signature_header", headers: dropH(H, "x-contentful-signature"), body: BASIC, expect: "invalid" },
  { name: "missing_timestamp_header", headers: dropH(H, "x-contentful-timestamp"), body: BASIC, expect: "invalid" },
];

const cases = await judgeAll(specs.map((s) => ({ secret: SECRET, method: "POST", path: PATH, url: `${HOST}${s.path || PATH}`,
  content_type: "application/vnd.contentful.management.v1+json", ...s })), async (c) => {
  const headers = Object.fromEntries(c.headers);
  return verifyRequest(c.secret, { method: c.method, path: c.path, headers, body: c.body }, 30);
}, makeCase);

console.log(writeFixture("contentful",
  `@contentful/node-apps-toolkit@${VERSION} (node): signed with signRequest(secret, {method, path, headers, body}, timestamp_ms), verdict from verifyRequest(secret, {method, path, headers, body}, ttl=30) with Date.now() frozen at \`now\`. Extra field path = the request target (path + query) as the receiver sees it; url = the public URL`,
  cases));
