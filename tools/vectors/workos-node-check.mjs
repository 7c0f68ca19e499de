// Helper for workos.py: reads cases (JSON array) on stdin, prints the @workos-inc/node verdicts.
// verifyHeader({payload: JSON.parse(body), sigHeader, secret}) — the Node SDK re-serialises the
// parsed payload with JSON.stringify before hashing.
import { sdk, verdict } from "./fixture_g2.mjs";
const { WorkOS } = sdk("@workos-inc/node");
const input = JSON.parse(await new Promise((r) => { let s = ""; process.stdin.on("data", (d) => (s += d)); process.stdin.on("end", () => r(s)); }));
const workos = new WorkOS("sk_test_123", { clientId: "client_123" });
const out = [];
for (const c of input) {
  const sig = (c.headers.find(([k]) => k.toLowerCase() === "workos-signature") || [])[1];
  const r = await verdict(c.now, async () => {
    if (sig === undefined) throw new Error("no WorkOS-Signature header");
    return await workos.webhooks.verifyHeader({ payload: JSON.parse(c.body || "null"), sigHeader: sig, secret: c.secret });
  });
  out.push(r.v);
}
console.log(JSON.stringify(out));
