// Hygraph (GraphCMS) webhooks fixture generator.
// Signed with @hygraph/utils generateWebhookSignature({rawPayload, secret, environmentName}) with
// Date.now frozen at the signing time, verdict from verifyWebhookSignature({rawPayload,
// signature, secret}) (no clock involved: the SDK checks no timestamp).
// Run (from tools/vectors): node hygraph.mjs   (packages from $EXTRA_NODE_DIR; see README.md)
import { createRequire } from "node:module";
import { createHmac } from "node:crypto";
import { writeFixture, makeCase, NOW, NODE_DIR } from "./fixture_extra.mjs";
const require = createRequire(`${NODE_DIR}/package.json`);
const { generateWebhookSignature, verifyWebhookSignature } = require("@hygraph/utils");
const VERSION = require("@hygraph/utils/package.json").version;

const SECRET = "rCNwyiloY3oJYYkxgpBXaleIiUv5MYlx"; // the secret used in Hygraph's README
const OTHER = "Xq7Lw2PzN8cVb4Ty6Hk1Rm3Jd5Fs9Ga0";
const T_MS = NOW * 1000 - 5000;

const realNow = Date.now;
function sign(rawPayload, { secret = SECRET, env = "master", tMs = T_MS } = {}) {
  Date.now = () => tMs;
  try { return generateWebhookSignature({ rawPayload, secret, environmentName: env }); }
  finally { Date.now = realNow; }
}
function verdict(rawPayload, signature, secret) {
  try { return verifyWebhookSignature({ rawPayload, signature, secret }) ? "valid" : "invalid"; }
  catch { return "invalid"; }
}
const cases = [];
function add(name, body, signature, { secret = SECRET, note, extraHeaders = [] } = {}) {
  const headers = signature === null ? [] : [["gcms-signature", signature]];
  cases.push(makeCase({ name, secret, headers: [...headers, ...extraHeaders], body,
    sdk_verdict: verdict(body, signature === null ? undefined : signature, secret), ...(note ? { note } : {}) }));
}

const basic = '{"operation":"publish","data":{"__typename":"Post","id":"ckt6w0yqo000g0a12kk5x7f3s","title":"Hello World","slug":"hello-world","stage":"PUBLISHED","updatedAt":"2023-11-14T22:13:15.000000+00:00"}}';
const nonAscii = '{"operation":"update","data":{"__typename":"Post","id":"ckt6w0yqo000g0a12kk5x7f3t","title":"Ça marche 😀 — naïve café, 日本語","stage":"DRAFT"}}';
const escapes = '{\n  "operation": "create",\n  "data": {\n    "title": "quote \\" backslash \\\\ tab\\t",\n    "note": "line\u2028sep"\n  }\n}';

const sig = sign(basic);
add("sdk_signed_basic", basic, sig, { note: "header `sign=<b64>, env=master, t=<ms>`; signed bytes = JSON.stringify({Body: rawBody, EnvironmentName, TimeStamp})" });
add("non_ascii_body", nonAscii, sign(nonAscii), { note: "non-ASCII is not \\u-escaped by JSON.stringify: UTF-8 bytes as-is" });
add("pretty_body_with_json_escapes", escapes, sign(escapes),
  { note: "newlines, quotes, backslash and a tab in the raw body become \\n, \\\", \\\\, \\t inside the Body string; U+2028 stays raw" });
add("tampered_body", basic.replace("Hello World", "Hello World!"), sig);
add("wrong_secret", basic, sig, { secret: OTHER });
const stg = sign(basic, { env: "staging" });
add("environment_staging", basic, stg);
add("environment_changed_in_header", basic, stg.replace("env=staging", "env=master"));
add("timestamp_changed_in_header", basic, sig.replace(`t=${T_MS}`, `t=${T_MS + 1}`));
const old = sign(basic, { tMs: (NOW - 86400) * 1000 });
add("timestamp_one_day_old", basic, old, { note: "the SDK checks no timestamp: valid. A preset should bound it (ms timestamp)" });
const fut = sign(basic, { tMs: (NOW + 86400) * 1000 });
add("timestamp_one_day_in_future", basic, fut, { note: "no timestamp check in the SDK" });
add("timestamp_at_tolerance_past_300s", basic, sign(basic, { tMs: (NOW - 300) * 1000 }), { note: "t = now - 300 s (ms); SDK has no window" });
add("timestamp_past_301s", basic, sign(basic, { tMs: (NOW - 301) * 1000 }), { note: "t = now - 301 s (ms); SDK has no window" });
const secs = sign(basic, { tMs: NOW - 5 });
add("timestamp_in_seconds_not_ms", basic, secs, { note: "t given as seconds; the SDK signs whatever number is there (valid). Hygraph sends ms" });
add("missing_signature_header", basic, null);
add("separator_without_space", basic, sig.replaceAll(", ", ","), { note: "SDK splits on \", \" exactly" });
add("fields_reordered", basic, (() => { const [s, e, t] = sig.split(", "); return [e, s, t].join(", "); })(),
  { note: "SDK reads fields by position: sign, env, t" });
const mac = sig.split(", ")[0].slice(5);
add("hex_encoded_signature", basic, sig.replace(mac, Buffer.from(mac, "base64").toString("hex")));
add("truncated_signature", basic, sig.replace(mac, mac.slice(0, -4)));
add("unpadded_base64_signature", basic, sig.replace(mac, mac.replace(/=+$/, "")));
// signed over the raw body instead of the JSON envelope (a naive implementation)
const naive = createHmac("sha256", SECRET).update(basic).digest("base64");
add("mac_over_raw_body_only", basic, `sign=${naive}, env=master, t=${T_MS}`, { note: "HMAC of the body alone is not Hygraph's scheme" });

// Negatives and edges the research fixture lacked (same SDK, same verdict function).
add("timestamp_at_tolerance_future_300s", basic, sign(basic, { tMs: (NOW + 300) * 1000 }), { note: "t = now + 300 s (ms); SDK has no window" });
add("timestamp_future_301s", basic, sign(basic, { tMs: (NOW + 301) * 1000 }), { note: "t = now + 301 s (ms); SDK has no window" });
add("timestamp_with_leading_zero", basic, sig.replace(`t=${T_MS}`, `t=0${T_MS}`),
  { note: "parseInt reads t=0<ms> as the same integer and the SDK signs the integer; the header text differs from what was signed" });
add("fourth_item_appended", basic, `${sig}, x=1`, { note: "the SDK reads the first three items by position and ignores the rest" });
add("empty_environment", basic, sign(basic, { env: "" }), { note: "env= with nothing after it" });
const controls = '{"note":"raw:\u0001\u001f\b\f\r\u007f sep:\u2028\u2029 ok"}';
add("body_with_raw_control_characters", controls, sign(controls),
  { note: "raw C0 controls, DEL, U+2028 and U+2029 in the body: JSON.stringify escapes the controls (\\b \\f \\r, \\u00xx lowercase) and keeps DEL, U+2028 and U+2029 raw" });
add("empty_body", "", sign(""), { note: "rawPayload \"\" is falsy: the SDK signs JSON.stringify({Body: undefined, ...}), which drops Body" });
const url = mac.replace(/\+/g, "-").replace(/\//g, "_");
if (url !== mac) add("base64url_signature", basic, sig.replace(mac, url), { note: "same MAC, URL-safe alphabet" });

const src = `@hygraph/utils@${VERSION} (node): signed with generateWebhookSignature({rawPayload, secret, environmentName}) with Date.now frozen at the signing time, verdict from verifyWebhookSignature({rawPayload, signature, secret}) (the SDK checks no timestamp, so \`now\` does not matter to it).`;
console.log(writeFixture("hygraph", src, cases));
for (const c of cases) console.log(c.name, c.sdk_verdict);
