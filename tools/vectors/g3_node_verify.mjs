// Group g3: node SDK verdicts for fixture cases (extra field `node_sdk_verdict`).
// Usage: node g3_node_verify.mjs <provider> < cases.json  -> JSON list of "valid"/"invalid".
// Packages are resolved from .extra/node_modules (see package-extra.json).
import { createRequire } from "node:module";
const require = createRequire(new URL("./.extra/package.json", import.meta.url));

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
  async "aws-sns"(c) {
    // sns-validator fetches SigningCertURL with https.get: stub it to serve the case's
    // `certificate` (what that URL would return); a fresh module per case empties its cache.
    const https = require("https");
    const { EventEmitter } = require("events");
    const real = https.get;
    https.get = (url, cb) => {
      const req = new EventEmitter();
      const res = new EventEmitter();
      res.statusCode = c.certificate ? 200 : 404;
      process.nextTick(() => {
        cb(res);
        process.nextTick(() => { if (c.certificate) res.emit("data", Buffer.from(c.certificate)); res.emit("end"); });
      });
      return req;
    };
    try {
      delete require.cache[require.resolve("sns-validator")];
      const MessageValidator = require("sns-validator");
      await new Promise((ok, fail) => new MessageValidator().validate(c.body, (err) => (err ? fail(err) : ok())));
    } finally { https.get = real; }
    return true;
  },};

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
