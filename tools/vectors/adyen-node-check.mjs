// Helper for adyen.py: reads cases on stdin, prints @adyen/api-library verdicts, one per case:
// `notification`: new HmacValidator().validateHMAC(notificationItems[0].NotificationRequestItem, key);
// `payload`: validateHMACSignature(key, HmacSignature header, body). No clock is involved.
process.env.G2_SDK_DIR ??= new URL("./envs/payloads", import.meta.url).pathname;
const { sdk } = await import("./fixture_g2.mjs");
const HmacValidator = sdk("@adyen/api-library/lib/src/utils/hmacValidator").default;
const kind = process.argv[2];
const input = JSON.parse(await new Promise((r) => { let s = ""; process.stdin.on("data", (d) => (s += d)); process.stdin.on("end", () => r(s)); }));
const out = input.map((c) => {
  try {
    const v = new HmacValidator();
    if (kind === "notification") {
      const item = JSON.parse(c.body).notificationItems[0].NotificationRequestItem;
      return v.validateHMAC(item, c.secret) ? "valid" : "invalid";
    }
    const sig = (c.headers.find(([k]) => k.toLowerCase() === "hmacsignature") || [])[1];
    return v.validateHMACSignature(c.secret, sig, c.body) ? "valid" : "invalid";
  } catch (e) {
    return "invalid";
  }
});
console.log(JSON.stringify(out));
