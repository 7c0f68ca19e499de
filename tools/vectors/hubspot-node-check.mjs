// Helper for hubspot.py / hubspot-v2.py: reads cases on stdin, prints @hubspot/api-client verdicts
// (Signature.isValid({signature, clientSecret, requestBody, url, method, signatureVersion, timestamp}), Date.now() frozen).
import { sdk, verdict } from "./fixture_g2.mjs";
const { Signature } = sdk("@hubspot/api-client");
const input = JSON.parse(await new Promise((r) => { let s = ""; process.stdin.on("data", (d) => (s += d)); process.stdin.on("end", () => r(s)); }));
const out = [];
for (const c of input) {
  const h = Object.fromEntries(c.headers.map(([k, v]) => [k.toLowerCase(), v]));
  const v3 = "x-hubspot-signature-v3" in h;
  const version = v3 ? "v3" : (h["x-hubspot-signature-version"] || "v1");
  const signature = v3 ? h["x-hubspot-signature-v3"] : h["x-hubspot-signature"];
  out.push((await verdict(c.now, async () => {
    if (signature === undefined) throw new Error("no signature header");
    return Signature.isValid({ signature, clientSecret: c.secret, requestBody: c.body, url: c.url, method: c.method,
      signatureVersion: version, timestamp: h["x-hubspot-request-timestamp"] });
  })).v);
}
console.log(JSON.stringify(out));
