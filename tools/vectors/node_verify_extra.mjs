// Node SDK verdicts for the per-provider generators' cases (extra fields such as `node_sdk_verdict`).
// Usage: node node_verify_extra.mjs <provider> < cases.json  -> JSON list of "valid"/"invalid".
// Packages are resolved from $EXTRA_NODE_DIR/node_modules (default envs/standard-webhooks; README.md).
import { createRequire } from "node:module";
const require = createRequire(`${process.env.EXTRA_NODE_DIR || new URL("./envs/standard-webhooks", import.meta.url).pathname}/package.json`);

const RealDate = Date;
function freeze(nowSec) {
  const ms = nowSec * 1000;
  globalThis.Date = class extends RealDate {
    constructor(...a) { if (a.length === 0) super(ms); else super(...a); }
    static now() { return ms; }
  };
}

const hdrObj = (pairs) => Object.fromEntries(pairs.map(([k, v]) => [k.toLowerCase(), v]));

const verifiers = {
  async openai(c) {
    const { default: OpenAI } = await import(require.resolve("openai"));
    const client = new OpenAI({ apiKey: "sk-test", webhookSecret: c.secret });
    await client.webhooks.verifySignature(c.body, hdrObj(c.headers), c.secret);
    return true;
  },
  async replicate(c) {
    const { validateWebhook } = require("replicate");
    return await validateWebhook({ headers: new Headers(c.headers), body: c.body }, c.secret);
  },
  async resend(c) {
    const { Resend } = require("resend");
    const h = hdrObj(c.headers);
    new Resend("re_test").webhooks.verify({
      payload: c.body, webhookSecret: c.secret,
      headers: { id: h["svix-id"], timestamp: h["svix-timestamp"], signature: h["svix-signature"] },
    });
    return true;
  },
  async svix(c) {
    const { Webhook } = require("svix");
    new Webhook(c.secret).verify(c.body, hdrObj(c.headers));
    return true;
  },
  async clerk(c) {
    const { verifyWebhook } = await import(require.resolve("@clerk/backend/webhooks"));
    const req = new Request("https://example.com/webhooks/clerk", {
      method: "POST", headers: new Headers(c.headers), body: c.body });
    await verifyWebhook(req, { signingSecret: c.secret });
    return true;
  },
  async polar(c) {
    // validateEvent = signature check (standardwebhooks) + typed parsing of the event; only a
    // WebhookVerificationError is a signature verdict, a later SDKValidationError (event shape)
    // means the signature was accepted.
    const { validateEvent, WebhookVerificationError } = require("@polar-sh/sdk/webhooks");
    try { validateEvent(c.body, hdrObj(c.headers), c.secret); }
    catch (e) { if (e instanceof WebhookVerificationError) throw e; }
    return true;
  },
  async telnyx(c) {
    const { TelnyxWebhook } = require("telnyx/lib/webhooks");
    await new TelnyxWebhook(c.secret).verify(c.body, hdrObj(c.headers));
    return true;
  },
  async anthropic(c) {
    const mod = require("@anthropic-ai/sdk");
    const Anthropic = mod.default || mod.Anthropic || mod;
    const client = new Anthropic({ apiKey: "sk-ant-test", webhookKey: c.secret });
    client.beta.webhooks.unwrap(c.body, { headers: hdrObj(c.headers), key: c.secret });
    return true;
  },
  async standardwebhooks(c) {
    const { Webhook } = require("standardwebhooks");
    new Webhook(c.secret).verify(c.body, hdrObj(c.headers));
    return true;
  },
};

const provider = process.argv[2];
const chunks = [];
for await (const ch of process.stdin) chunks.push(ch);
const cases = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const out = [];
for (const c of cases) {
  freeze(c.now);
  let v;
  try { v = (await verifiers[provider](c)) === false ? "invalid" : "valid"; }
  catch { v = "invalid"; }
  globalThis.Date = RealDate;
  out.push(v);
}
process.stdout.write(JSON.stringify(out));
