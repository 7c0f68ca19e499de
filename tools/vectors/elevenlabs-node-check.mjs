// Helper for elevenlabs.py: reads cases on stdin, prints @elevenlabs/elevenlabs-js verdicts
// (client.webhooks.constructEvent(rawBody, sigHeader, secret), Date.now() frozen at `now`).
import { sdk, verdict } from "./fixture_g2.mjs";
const { ElevenLabsClient } = sdk("@elevenlabs/elevenlabs-js");
const input = JSON.parse(await new Promise((r) => { let s = ""; process.stdin.on("data", (d) => (s += d)); process.stdin.on("end", () => r(s)); }));
const client = new ElevenLabsClient({ apiKey: "sk_test" });
const out = [];
for (const c of input) {
  const sig = (c.headers.find(([k]) => k.toLowerCase() === "elevenlabs-signature") || [])[1];
  out.push((await verdict(c.now, async () => { await client.webhooks.constructEvent(c.body, sig, c.secret); return true; })).v);
}
console.log(JSON.stringify(out));
