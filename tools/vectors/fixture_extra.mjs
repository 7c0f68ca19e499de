// Fixture writer for the per-provider Node generators (`<provider>.mjs`) added after
// generate.mjs: the format of ../../tests/vectors, keys in a stable order.
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const NOW = 1_700_000_000;
export const HERE = dirname(fileURLToPath(import.meta.url));
export const NODE_DIR = process.env.EXTRA_NODE_DIR || join(HERE, "envs", "standard-webhooks");
const OUT = join(HERE, "..", "..", "tests", "vectors");
const ORDER = ["name", "secret", "signing_key", "headers", "body", "url", "method",
  "content_type", "now", "sdk_verdict", "note", "expected_response"];

export function makeCase(fields) {
  const f = { method: "POST", content_type: "application/json", now: NOW, ...fields };
  if (!["valid", "invalid"].includes(f.sdk_verdict)) throw new Error(`verdict of ${f.name}`);
  const out = {};
  for (const k of ORDER) if (k in f) out[k] = f[k];
  for (const k of Object.keys(f)) if (!(k in out)) out[k] = f[k];
  return out;
}

export function writeFixture(provider, source, cases) {
  const names = new Set(cases.map((c) => c.name));
  if (names.size !== cases.length) throw new Error(`duplicate case names in ${provider}`);
  mkdirSync(OUT, { recursive: true });
  const path = join(OUT, `${provider}.json`);
  writeFileSync(path, JSON.stringify({ provider, source, cases }, null, 2) + "\n");
  return path;
}
