// Helpers for the per-provider Node generators of research group g2 (on top of fixture.mjs).
//   import { sdk, freezeNow, hmac, BODIES } from "./fixture_g2.mjs";
// SDKs live in envs/timestamped (`npm install` there; G2_SDK_DIR points elsewhere).
import { createRequire } from "node:module";
import { createHmac } from "node:crypto";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

export const SDK_DIR =
  process.env.G2_SDK_DIR || new URL("./envs/timestamped", import.meta.url).pathname;
const req = createRequire(join(SDK_DIR, "package.json"));

/** require() a package from the SDK project. */
export function sdk(name) { return req(name); }
/** import() a package (ESM) from the SDK project. */
export async function sdkImport(name) { return import(pathToFileURL(req.resolve(name)).href); }
/** Installed version of a package in the SDK project. */
export function sdkVersion(name) {
  return JSON.parse(readFileSync(join(SDK_DIR, "node_modules", name, "package.json"), "utf8")).version;
}

const realNow = Date.now;
/** Run fn with Date.now() (and new Date()) frozen at unix seconds `t`; awaits promises. */
export async function freezeNow(t, fn) {
  const RealDate = Date;
  const ms = t * 1000;
  class FrozenDate extends RealDate {
    constructor(...a) { if (a.length === 0) super(ms); else super(...a); }
    static now() { return ms; }
  }
  globalThis.Date = FrozenDate;
  try { return await fn(); } finally { globalThis.Date = RealDate; RealDate.now = realNow; }
}

/** Run an SDK verify call: "valid" if it returns truthy without throwing, else "invalid" (+ reason). */
export async function verdict(t, fn) {
  try {
    const r = await freezeNow(t, fn);
    if (r === false) return { v: "invalid", why: "returned false" };
    return { v: "valid" };
  } catch (e) {
    return { v: "invalid", why: String(e && e.message || e).slice(0, 160) };
  }
}

export function hmac(alg, key, msg, enc = "hex") { return createHmac(alg, key).update(msg).digest(enc); }

export const UNICODE_TEXT = "Ça marche 😀 — naïve café, 日本語, line\u2028separator, para\u2029end";
export function compact(o) { return JSON.stringify(o); }
export function tamper(body) {
  if (!body.includes("hello")) throw new Error("no hello in body");
  return body.replace("hello", "hellp");
}
export function pretty(body) { return JSON.stringify(JSON.parse(body), null, 2); }

/**
 * Build cases: each spec is {name, secret, headers, body, ..., expect, note, judge}.
 * `judge(spec)` calls the SDK (clock frozen at spec.now); its answer becomes sdk_verdict.
 * A mismatch with `expect` is reported on stderr (never overrides the SDK).
 */
export async function judgeAll(specs, judge, makeCase) {
  const out = [];
  for (const s of specs) {
    const now = s.now ?? 1_700_000_000;
    const { expect, judge: own, ...fields } = s;
    const r = await verdict(now, () => (own || judge)({ ...fields, now }));
    if (expect && expect !== r.v) console.error(`SURPRISE ${s.name}: expected ${expect}, SDK said ${r.v} ${r.why || ""}`);
    let note = fields.note;
    if (r.v === "invalid" && r.why) note = (note ? note + "; " : "") + "verifier said: " + r.why;
    out.push(makeCase({ ...fields, now, sdk_verdict: r.v, ...(note ? { note } : {}) }));
  }
  return out;
}
