#!/usr/bin/env node
// Notion webhook fixtures (group `handshakes`).
// Signed with @notionhq/client signWebhookPayload({body, verificationToken}), verdict from
// verifyWebhookSignature({body, signature, verificationToken}) (official Notion JS SDK). No clock.
// Run: node notion.mjs   (SDK installed from envs/handshakes/package.json there, or in
// $VECTORS_HANDSHAKES_NODE)
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { createHmac } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeFixture, makeCase } from "./fixture.mjs";

const NODE_DIR = process.env.VECTORS_HANDSHAKES_NODE ??
  join(dirname(fileURLToPath(import.meta.url)), "envs", "handshakes");
const req = createRequire(`${NODE_DIR}/package.json`);
const notion = req("@notionhq/client");
const VERSION = JSON.parse(readFileSync(`${NODE_DIR}/node_modules/@notionhq/client/package.json`)).version;

const TOKEN = "secret_tMrlL1qK5vuQAh1b6cZGhFChZTSYJlce98V0pYn7yBl"; // the subscription's verification_token
const OTHER = "secret_0000000000000000000000000000000000000000000";
const H = "X-Notion-Signature";
const UNICODE = "Ça marche 😀 — naïve café, 日本語, line\u2028separator, para\u2029end";

const event = (title) => JSON.stringify({
  id: "367cba44-b6f3-4c92-81e7-6a2e9659efd4", timestamp: "2023-11-14T22:13:15.000Z",
  workspace_id: "13950b26-c203-4f3b-b97d-93ec06319565", workspace_name: "Quantify Labs",
  subscription_id: "29d75c0d-5546-4414-8459-7b7a92f1fc4b", integration_id: "1ef5c6a6-0000-0000-0000-000000000000",
  type: "page.created", authors: [{ id: "c7c11cca-1d73-471d-9b6e-bdef51470190", type: "person" }],
  accessible_by: [{ id: "556a1abf-4f08-40c6-878a-75890d2a88ba", type: "person" }], attempt_number: 1,
  entity: { id: "153104cd-477e-809d-8dc4-ff2d96ae3090", type: "page" },
  data: { parent: { id: "13950b26-c203-4f3b-b97d-93ec06319565", type: "space" }, title },
});

const sign = async (body, token = TOKEN) => notion.signWebhookPayload({ body, verificationToken: token });
const judge = async (body, signature, token) => {
  try {
    return (await notion.verifyWebhookSignature({ body, signature, verificationToken: token })) ? "valid" : "invalid";
  } catch (e) { return "invalid"; }
};

const cases = [];
async function add(name, body, signature, { token = TOKEN, note, extra = [] } = {}) {
  const headers = signature === undefined ? [] : [[H, signature]];
  const v = await judge(body, signature, token);
  cases.push(makeCase({ name, secret: token, headers: [...headers, ...extra], body, sdk_verdict: v,
                        ...(note ? { note: note + (v === "invalid" ? "; verifyWebhookSignature returned false" : "") } : {}) }));
}

const basic = event("hello world");
await add("page_created_basic", basic, await sign(basic));
const uni = event("Überschrift 😀 " + UNICODE);
await add("non_ascii_body", uni, await sign(uni));
await add("empty_body", "", await sign(""), { note: "a correct signature over an empty body" });
const pretty = JSON.stringify(JSON.parse(basic), null, 2);
await add("pretty_printed_body", pretty, await sign(pretty), { note: "raw bytes are signed, whitespace included" });
await add("tampered_body", basic.replace("hello", "hellp"), await sign(basic), { note: "mutation: body changed after signing" });
await add("wrong_verification_token", basic, await sign(basic, OTHER), { note: "signed with another verification_token" });
await add("missing_signature_header", basic, undefined, { note: "no X-Notion-Signature header" });
const hex = (await sign(basic)).slice("sha256=".length);
await add("uppercase_hex_accepted_by_sdk", basic, "sha256=" + hex.toUpperCase(),
  { note: "the SDK lowercases the provided hex before comparing, so uppercase hex is accepted (case-insensitive hex)" });
await add("uppercase_prefix", basic, "SHA256=" + hex, { note: "mutation: prefix in capitals; the SDK requires exactly 'sha256='" });
await add("missing_prefix", basic, hex, { note: "mutation: bare hex without sha256=" });
await add("sha1_prefix", basic, "sha1=" + hex, { note: "mutation: wrong prefix" });
await add("base64_encoding", basic, "sha256=" + createHmac("sha256", TOKEN).update(basic).digest("base64"),
  { note: "mutation: base64 instead of hex" });
await add("truncated_signature", basic, "sha256=" + hex.slice(0, -2), { note: "mutation: last byte cut" });
await add("non_hex_characters", basic, "sha256=" + hex.slice(0, -1) + "g", { note: "mutation: a non-hex character" });

// verification handshake: Notion POSTs the verification_token, unsigned, once, when the subscription is created
// It carries no signature, so verifyWebhookSignature refuses it (sdk_verdict); the answer Notion expects is
// expected_response.
const handshake = JSON.stringify({ verification_token: TOKEN });
cases.push(makeCase({
  name: "handshake_verification_token", secret: TOKEN, headers: [], body: handshake,
  sdk_verdict: await judge(handshake, undefined, TOKEN),
  note: "subscription set-up: an unsigned POST whose body carries verification_token; answer 200 and show the token to " +
        "the operator, who pastes it back into Notion's integration settings to activate the subscription; the " +
        "token then becomes the HMAC key. Unsigned: verifyWebhookSignature (signature undefined) refuses it.",
  expected_response: { status: 200 },
}));

const src = `@notionhq/client@${VERSION} (node): signed with signWebhookPayload({body, verificationToken}), verdict from ` +
  "verifyWebhookSignature({body, signature, verificationToken}) (WebCrypto HMAC-SHA256, constant-time hex compare); no clock";
console.log(writeFixture("notion", src, cases));
