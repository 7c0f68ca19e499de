// Generates tests/vectors/twitter.json (X / Twitter webhooks) with X's own webhook library,
// twitter-autohook (from X's developer relations, github.com/twitterdev/autohook):
//   POST: validateSignature(headers, {consumer_secret}, rawBody)  — 'sha256=' + base64 HMAC-SHA256(secret, body)
//   CRC GET: validateSignature(headers, auth, rawQuery) when the GET carries the header (as autohook's own
//   server checks it), and the answer from validateWebhook(crc_token, auth) in expected_response.
// sdk_verdict is validateSignature's answer (a throw, e.g. for a missing header, is "invalid"): an unsigned
// CRC GET is "invalid" as a delivery and still has its expected answer. `autohook_test_*` are the library's
// own test vectors (test/signature.js). Run: node twitter.mjs (SDK from envs/payloads or $G2_SDK_DIR).
process.env.G2_SDK_DIR ??= new URL("./envs/payloads", import.meta.url).pathname;
const { writeFixture, makeCase } = await import("./fixture.mjs");
const { sdk, sdkVersion, judgeAll, hmac, UNICODE_TEXT, compact, tamper, pretty } = await import("./fixture_g2.mjs");

const { validateSignature, validateWebhook } = sdk("twitter-autohook");
const VERSION = sdkVersion("twitter-autohook");
// The example consumer secret and token of X DevRel's published CRC samples.
const SECRET = "z3ZX4v7mAAUGykl3EcmkqbartmuW8VFOOzCloLx9Q45P0hLrFu";
const TOKEN = "9b4507b3-9040-4669-9ca3-6b94edb50553";
const URL_ = "https://mydomain.com/webhook/twitter";

const b64mac = (secret, msg) => hmac("sha256", secret, msg, "base64");
const hdr = (sig) => [["x-twitter-webhooks-signature", sig], ["Content-Type", "application/json; charset=utf-8"]];

function crc(name, query, { signed = false, note } = {}) {
  const token = new URLSearchParams(query).get("crc_token");
  const headers = signed ? [["x-twitter-webhooks-signature", "sha256=" + b64mac(SECRET, query)]] : [];
  return { name, method: "GET", url: `${URL_}?${query}`, headers, body: "",
    expected_response: { status: 200, content_type: "application/json", body: validateWebhook(token, { consumer_secret: SECRET }) },
    ...(note ? { note } : {}) };
}

const DM = compact({ for_user_id: "4337869213", direct_message_events: [{ type: "message_create", id: "954491830116155396",
  created_timestamp: "1699999994000", message_create: { target: { recipient_id: "4337869213" }, sender_id: "3001969357",
  message_data: { text: "hello world", entities: { hashtags: [], symbols: [], user_mentions: [], urls: [] } } } }], users: {} });
const UNI = compact({ for_user_id: "4337869213", tweet_create_events: [{ id_str: "1", text: `Bonjour ${UNICODE_TEXT}`,
  user: { id_str: "3001969357", screen_name: "zoë" } }] });
const S = "sha256=" + b64mac(SECRET, DM);
const raw = Buffer.from(b64mac(SECRET, DM), "base64");

const specs = [
  { name: "signed_event_post", headers: hdr(S), body: DM, expect: "valid" },
  { name: "non_ascii_body", headers: hdr("sha256=" + b64mac(SECRET, UNI)), body: UNI, expect: "valid" },
  { name: "empty_body", headers: hdr("sha256=" + b64mac(SECRET, "")), body: "", expect: "valid" },
  { name: "autohook_test_form_body", secret: "test", headers: [["x-twitter-webhooks-signature", "sha256=25Cu3iwbbiqBTwQRzcKJZwisjf736V2Q8UaTlkfLSoc="]],
    body: "test=1&other_test=2", content_type: "application/x-www-form-urlencoded", expect: "valid",
    note: "twitter-autohook's own test vector (test/signature.js), signature verbatim" },
  { name: "autohook_test_json_body", secret: "test", headers: [["x-twitter-webhooks-signature", "sha256=YWHphPn/JFq43jkF0y4/w8R/SelmLjvpunhVFY8JhlI="]],
    body: '{"test_number":1,"test_string":"two"}', expect: "valid", note: "twitter-autohook's own test vector (test/signature.js), signature verbatim" },
  crc("crc_challenge_devrel_example", `crc_token=${TOKEN}`,
    { note: "CRC without a signature header (X DevRel's example secret and token): not a verified delivery; the answer is expected_response" }),
  crc("crc_challenge_signed_query", `crc_token=${TOKEN}&nonce=1700000000`, { signed: true,
    note: "CRC carrying x-twitter-webhooks-signature over the raw query string, as twitter-autohook's server checks it" }),
  crc("crc_challenge_token_with_symbols", "crc_token=A1b2-C3d4_E5f6.G7h8~", { note: "the crc_token value is used as sent (after URL decoding)" }),
  { ...crc("crc_signed_query_tampered", `crc_token=${TOKEN}&nonce=1700000001`), headers: [["x-twitter-webhooks-signature", "sha256=" + b64mac(SECRET, `crc_token=${TOKEN}&nonce=1700000000`)]],
    expected_response: undefined, expect: "invalid", note: "signature over another query: refused, not answered" },
  { name: "tampered_body", headers: hdr(S), body: tamper(DM), expect: "invalid" },
  { name: "reserialized_pretty_json", headers: hdr(S), body: pretty(DM), expect: "invalid" },
  { name: "wrong_consumer_secret", headers: hdr("sha256=" + b64mac("bearer-token-is-not-the-key", DM)), body: DM, expect: "invalid" },
  { name: "missing_sha256_prefix", headers: hdr(S.slice(7)), body: DM, expect: "invalid" },
  { name: "hex_signature", headers: hdr("sha256=" + raw.toString("hex")), body: DM, expect: "invalid" },
  { name: "base64url_signature", headers: hdr("sha256=" + raw.toString("base64url") + "="), body: DM, expect: "invalid" },
  { name: "truncated_signature", headers: hdr(S.slice(0, -2)), body: DM, expect: "invalid" },
  { name: "missing_signature_header", headers: [["Content-Type", "application/json; charset=utf-8"]], body: DM, expect: "invalid" },
];

const cases = await judgeAll(specs.map((s) => ({ secret: SECRET, method: "POST", url: URL_, ...s })), async (c) => {
  const headers = Object.fromEntries(c.headers.map(([k, v]) => [k.toLowerCase(), v]));
  const message = c.method === "GET" ? c.url.split("?")[1] : c.body;
  return validateSignature(headers, { consumer_secret: c.secret }, message);
}, (c) => {
  const out = makeCase(c);
  if (c.method === "GET") delete out.content_type;
  return out;
});

console.log(writeFixture("twitter",
  `twitter-autohook@${VERSION} (node, X developer relations): verdicts from validateSignature(headers, {consumer_secret}, raw body — the raw query for a GET); ` +
  "CRC answers (expected_response) from validateWebhook(crc_token, auth). `url` = the webhook URL (with the CRC query for GETs)",
  cases));
