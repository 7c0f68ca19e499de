// Generates webhook-guard's test vectors for the providers whose official SDK is a Node package,
// and serves generate.py as a helper (SendGrid spec extraction, Node-side cross-checks).
//
//   node generate.mjs                    write github, github-sha1, shopify, linear, zoom, discord
//   node generate.mjs sendgrid-spec      print the @sendgrid/eventwebhook spec fixtures as JSON
//   node generate.mjs check <provider>   read cases (JSON) on stdin, print the Node SDK's verdicts
//
// Every case's sdk_verdict is what the SDK's own verify function answers for the case's exact
// headers/body with the clock frozen at the case's `now`.

import { createHmac, createPrivateKey, createPublicKey, sign as edSign } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.resolve(HERE, '..', '..', 'tests', 'vectors');
const NOW = 1_700_000_000;
const UNICODE_TEXT = 'Ça marche 😀 — naïve café, 日本語, line\u2028separator, para\u2029end';
const SURPRISES = [];

const pkgVersion = (name) => JSON.parse(readFileSync(path.join(HERE, 'node_modules', name, 'package.json'), 'utf8')).version;
const compact = (o) => JSON.stringify(o);
const pretty = (s) => JSON.stringify(JSON.parse(s), null, 2);
function tamper(body) {
  if (!body.includes('hello')) throw new Error(`no 'hello' in ${body.slice(0, 60)}`);
  return body.replace('hello', 'hellp');
}
function bigItems(n) {
  return Array.from({ length: n }, (_, i) => ({
    id: `item_${String(i).padStart(4, '0')}`,
    sku: `SKU-${String((i * 7919) % 100000).padStart(5, '0')}`,
    qty: ((i * 31) % 17) + 1,
    price: ((i * 2.75) % 300).toFixed(2),
    tags: ['alpha', 'beta', 'gamma'].slice(0, (i % 3) + 1),
  }));
}
function largeBody(base, target = 4096) {
  for (let n = 1; ; n++) {
    const s = compact({ ...base, items: bigItems(n) });
    if (Buffer.byteLength(s) >= target) return s;
  }
}
const hget = (c, name) => {
  const h = c.headers.find(([k]) => k.toLowerCase() === name.toLowerCase());
  return h ? h[1] : undefined;
};
const hobj = (c) => Object.fromEntries(c.headers);
const hmacHex = (key, msg, algo = 'sha256') => createHmac(algo, key).update(msg, 'utf8').digest('hex');
const hmacB64 = (key, msg, algo = 'sha256') => createHmac(algo, key).update(msg, 'utf8').digest('base64');
const short = (e) => `${e?.constructor?.name ?? 'Error'}: ${String(e?.message ?? e).split('\n')[0]}`;

// Freeze the clock: Date.now() and `new Date()` (no arguments) return `now`.
async function atTime(now, fn) {
  const RealDate = globalThis.Date;
  class FrozenDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(now * 1000);
      else super(...args);
    }
    static now() {
      return now * 1000;
    }
  }
  globalThis.Date = FrozenDate;
  try {
    return await fn();
  } finally {
    globalThis.Date = RealDate;
  }
}

class Fixture {
  constructor(provider, source, verify) {
    Object.assign(this, { provider, source, verify, cases: [] });
  }
  async add(name, { secret, headers, body, now = NOW, method = 'POST', contentType = 'application/json', url,
    signingKey, note, expect, verify, extra = {} }) {
    if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`bad name ${name}`);
    if (this.cases.some((c) => c.name === name)) throw new Error(`duplicate ${name}`);
    const c = { name, secret };
    if (signingKey !== undefined) c.signing_key = signingKey;
    c.headers = headers.map(([k, v]) => [k, v]);
    c.body = body;
    if (url !== undefined) c.url = url;
    c.method = method;
    if (contentType) c.content_type = contentType;
    c.now = now;
    let ok;
    let reason;
    try {
      [ok, reason] = await atTime(now, () => (verify ?? this.verify)(c));
    } catch (e) {
      [ok, reason] = [false, short(e)];
    }
    c.sdk_verdict = ok ? 'valid' : 'invalid';
    const notes = [note].filter(Boolean);
    if (!ok && reason) notes.push(`verifier said: ${reason}`);
    if (notes.length) c.note = notes.join(' | ');
    Object.assign(c, extra);
    if (expect && expect !== c.sdk_verdict) SURPRISES.push(`${this.provider}/${name}: expected ${expect}, SDK said ${c.sdk_verdict} (${reason})`);
    this.cases.push(c);
    return c;
  }
  write() {
    mkdirSync(OUT, { recursive: true });
    const doc = { provider: this.provider, source: this.source, cases: this.cases };
    // Python's json.dumps(indent=2, ensure_ascii=False) and JSON.stringify(..., 2) agree on layout.
    writeFileSync(path.join(OUT, `${this.provider}.json`), JSON.stringify(doc, null, 2) + '\n');
    const nv = this.cases.filter((c) => c.sdk_verdict === 'valid').length;
    console.log(`wrote tests/vectors/${this.provider}.json: ${nv} valid, ${this.cases.length - nv} invalid`);
  }
}

// ---------------------------------------------------------------------------------------- GitHub

async function genGithub() {
  const m6 = await import('@octokit/webhooks-methods');
  const m2 = require('@octokit/webhooks-methods-v2');
  const v6 = pkgVersion('@octokit/webhooks-methods');
  const v2 = pkgVersion('@octokit/webhooks-methods-v2');

  const verify = async (c) => [await m6.verify(c.secret, c.body, hget(c, 'X-Hub-Signature-256')), null];
  const fx = new Fixture('github',
    `@octokit/webhooks-methods@${v6} (node): signed with sign(secret, payload), verdict from verify(secret, payload, ` +
    `<X-Hub-Signature-256 header>) (a throw counts as invalid). The legacy X-Hub-Signature (sha1) header that GitHub ` +
    `also sends was produced with @octokit/webhooks-methods@${v2} sign({secret, algorithm:'sha1'}); see github-sha1.json ` +
    `for verifying it. Docs example from https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries.`,
    verify);

  const kat = { secret: "It's a Secret to Everybody", body: 'Hello, World!',
    sig: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' };
  if ((await m6.sign(kat.secret, kat.body)) !== kat.sig) throw new Error('GitHub docs example does not reproduce');
  await fx.add('docs_example_hello_world', { secret: kat.secret, headers: [['X-Hub-Signature-256', kat.sig]], body: kat.body,
    contentType: 'text/plain', expect: 'valid', note: 'the example from GitHub\'s docs; sign() reproduces it' });

  const secret = 'gh-webhook-secret-4f9Kp2Qx';
  const other = 'not-the-webhook-secret';
  const H = async (body, key = secret, over = {}) => [
    ['User-Agent', 'GitHub-Hookshot/5f3c2e1'],
    ['X-GitHub-Event', 'push'],
    ['X-GitHub-Delivery', '72d3162e-cc78-11e3-81ab-4c9367dc0958'],
    ['X-GitHub-Hook-ID', '292430182'],
    ['X-Hub-Signature', over.sha1 ?? await m2.sign({ secret: key, algorithm: 'sha1' }, body)],
    ['X-Hub-Signature-256', over.sha256 ?? await m6.sign(key, body)],
  ];
  const body = compact({ ref: 'refs/heads/main', before: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
    after: '0000000000000000000000000000000000000000', repository: { id: 186853002, full_name: 'octo-org/hello-world' },
    pusher: { name: 'octocat' }, head_commit: { message: 'hello world' } });
  await fx.add('sdk_signed_push', { secret, headers: await H(body), body, expect: 'valid' });
  const ubody = compact({ action: 'created', comment: { body: `hello ${UNICODE_TEXT}` } });
  await fx.add('non_ascii_body', { secret, headers: await H(ubody), body: ubody, expect: 'valid' });
  await fx.add('tiny_body', { secret, headers: await H('{}'), body: '{}', expect: 'valid' });
  const lbody = largeBody({ action: 'synchronize', note: 'hello' });
  await fx.add('large_body_4k', { secret, headers: await H(lbody), body: lbody, expect: 'valid' });
  const form = `payload=${encodeURIComponent(body)}`;
  await fx.add('form_encoded_payload', { secret, headers: await H(form), body: form,
    contentType: 'application/x-www-form-urlencoded', expect: 'valid',
    note: 'webhooks configured with content type application/x-www-form-urlencoded: the raw form bytes are signed' });
  await fx.add('sdk_quirk_empty_body', { secret, headers: [['X-Hub-Signature-256', `sha256=${hmacHex(secret, '')}`]], body: '',
    expect: 'invalid', note: 'HMAC of the empty body (computed with node:crypto); the SDK throws on an empty payload, so it is ' +
      'rejected. GitHub does not send empty bodies' });
  // negatives
  const s = await m6.sign(secret, body);
  await fx.add('tampered_body', { secret, headers: await H(body), body: tamper(body), expect: 'invalid' });
  await fx.add('reserialized_pretty_json', { secret, headers: await H(body), body: pretty(body), expect: 'invalid' });
  await fx.add('wrong_secret', { secret, headers: await H(body, other), body, expect: 'invalid' });
  await fx.add('uppercase_hex', { secret, headers: await H(body, secret, { sha256: `sha256=${s.slice(7).toUpperCase()}` }), body, expect: 'invalid' });
  await fx.add('uppercase_prefix', { secret, headers: await H(body, secret, { sha256: `SHA256=${s.slice(7)}` }), body, expect: 'invalid' });
  await fx.add('truncated_signature', { secret, headers: await H(body, secret, { sha256: s.slice(0, -2) }), body, expect: 'invalid' });
  await fx.add('missing_prefix', { secret, headers: await H(body, secret, { sha256: s.slice(7) }), body, expect: 'invalid' });
  await fx.add('sha1_value_in_sha256_header', { secret,
    headers: await H(body, secret, { sha256: await m2.sign({ secret, algorithm: 'sha1' }, body) }), body, expect: 'invalid' });
  await fx.add('only_legacy_sha1_header', { secret, headers: (await H(body)).filter(([k]) => k !== 'X-Hub-Signature-256'), body,
    expect: 'invalid', note: 'a sha256 verifier must not fall back to the sha1 header' });
  fx.write();

  // ---- github-sha1 (legacy X-Hub-Signature) with the v2 API, which still has sha1
  const verify1 = async (c) => [await m2.verify(c.secret, c.body, hget(c, 'X-Hub-Signature')), null];
  const f1 = new Fixture('github-sha1',
    `@octokit/webhooks-methods@${v2} (node; v3+ dropped sha1): signed with sign({secret, algorithm:'sha1'}, payload), verdict ` +
    `from verify(secret, payload, <X-Hub-Signature header>) (v2 picks the algorithm from the value's prefix; a throw counts ` +
    `as invalid). Legacy X-Hub-Signature: sha1=<hex HMAC-SHA1(secret, body)>.`, verify1);
  const S1 = async (b, key = secret) => [['X-GitHub-Event', 'push'], ['X-Hub-Signature', await m2.sign({ secret: key, algorithm: 'sha1' }, b)]];
  const katSha1 = await m2.sign({ secret: kat.secret, algorithm: 'sha1' }, kat.body);
  await f1.add('docs_secret_hello_world_sha1', { secret: kat.secret, headers: [['X-Hub-Signature', katSha1]], body: kat.body,
    contentType: 'text/plain', expect: 'valid', note: 'the docs example\'s secret and body, signed with sha1 (no sha1 value is published)' });
  await f1.add('sdk_signed_push', { secret, headers: await S1(body), body, expect: 'valid' });
  await f1.add('non_ascii_body', { secret, headers: await S1(ubody), body: ubody, expect: 'valid' });
  await f1.add('tiny_body', { secret, headers: await S1('{}'), body: '{}', expect: 'valid' });
  await f1.add('large_body_4k', { secret, headers: await S1(lbody), body: lbody, expect: 'valid' });
  const s1 = await m2.sign({ secret, algorithm: 'sha1' }, body);
  const X = (v) => [['X-GitHub-Event', 'push'], ['X-Hub-Signature', v]];
  await f1.add('tampered_body', { secret, headers: await S1(body), body: tamper(body), expect: 'invalid' });
  await f1.add('reserialized_pretty_json', { secret, headers: await S1(body), body: pretty(body), expect: 'invalid' });
  await f1.add('wrong_secret', { secret, headers: await S1(body, other), body, expect: 'invalid' });
  await f1.add('uppercase_hex', { secret, headers: X(`sha1=${s1.slice(5).toUpperCase()}`), body, expect: 'invalid' });
  await f1.add('truncated_signature', { secret, headers: X(s1.slice(0, -2)), body, expect: 'invalid' });
  await f1.add('missing_prefix', { secret, headers: X(s1.slice(5)), body, expect: 'invalid' });
  await f1.add('sdk_quirk_sha256_value_accepted_by_prefix', { secret, headers: X(await m6.sign(secret, body)), body, expect: 'valid',
    note: 'v2 verify() chooses the algorithm from the value (sha256= prefix), so a sha256 value in X-Hub-Signature verifies; ' +
      'a strict sha1 verifier would reject it' });
  f1.write();
}

// ---------------------------------------------------------------------------------------- Shopify

async function genShopify() {
  await import('@shopify/shopify-api/adapters/web-api');
  const { shopifyApi, ApiVersion, LogSeverity } = await import('@shopify/shopify-api');
  const { getHmac } = await import('@shopify/shopify-api/test-helpers');
  const version = pkgVersion('@shopify/shopify-api');
  const apis = new Map();
  const api = (secret) => {
    if (!apis.has(secret)) {
      apis.set(secret, shopifyApi({ apiKey: 'test-client-id', apiSecretKey: secret, scopes: ['read_orders'],
        hostName: 'app.example.com', apiVersion: ApiVersion.October24, isEmbeddedApp: false,
        logger: { level: LogSeverity.Error, log: async () => {} } }));
    }
    return apis.get(secret);
  };
  const verify = async (c) => {
    const rawRequest = new Request('https://app.example.com/webhooks', { method: c.method, headers: c.headers, body: c.body });
    const r = await api(c.secret).webhooks.validate({ rawBody: c.body, rawRequest });
    return [r.valid, r.valid ? null : `${r.reason}${r.missingHeaders ? ` ${r.missingHeaders.join(',')}` : ''}`];
  };
  const fx = new Fixture('shopify',
    `@shopify/shopify-api@${version} (node; 13.x is the newest line that supports Node 20): signed with ` +
    `@shopify/shopify-api/test-helpers getHmac(body, secret), verdict from shopifyApi({apiSecretKey: secret}).webhooks.validate(` +
    `{rawBody, rawRequest}) with the web-api adapter. validate() also requires the topic/domain/api-version/webhook-id ` +
    `(and for events: event-id) headers; cases named sdk_quirk_* differ from a signature-only verdict.`, verify);
  const secret = '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';
  const W = (hmac, over = {}) => [
    ['X-Shopify-Topic', 'orders/create'],
    ['X-Shopify-Hmac-Sha256', hmac],
    ['X-Shopify-Shop-Domain', 'example.myshopify.com'],
    ['X-Shopify-API-Version', '2024-10'],
    ['X-Shopify-Webhook-Id', 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043'],
    ['X-Shopify-Triggered-At', '2023-11-14T22:13:18.000000000Z'],
    ['X-Shopify-Event-Id', '98880550-7158-44d4-b7cd-2c97c8a091b5'],
  ].filter(([k]) => !(over.drop ?? []).includes(k));
  const E = (hmac) => [
    ['shopify-topic', 'orders/create'],
    ['shopify-hmac-sha256', hmac],
    ['shopify-shop-domain', 'example.myshopify.com'],
    ['shopify-api-version', '2024-10'],
    ['shopify-webhook-id', 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043'],
    ['shopify-event-id', '98880550-7158-44d4-b7cd-2c97c8a091b5'],
    ['shopify-triggered-at', '2023-11-14T22:13:18.000000000Z'],
  ];
  const body = compact({ id: 820982911946154500, email: 'jon@example.com', total_price: '403.00', currency: 'USD',
    note: 'hello world', line_items: [{ id: 866550311766439000, title: 'IPod Nano - 8GB', quantity: 1 }] });
  const h = getHmac(body, secret);
  await fx.add('sdk_signed_x_shopify_headers', { secret, headers: W(h), body, expect: 'valid' });
  await fx.add('sdk_signed_events_headers', { secret, headers: E(h), body, expect: 'valid',
    note: 'newer "events" deliveries: the same value under the un-prefixed lowercase names' });
  const ubody = compact({ id: 1, note: `hello ${UNICODE_TEXT}`, customer: { first_name: 'Zoë' } });
  await fx.add('non_ascii_body', { secret, headers: W(getHmac(ubody, secret)), body: ubody, expect: 'valid' });
  await fx.add('tiny_body', { secret, headers: W(getHmac('{}', secret)), body: '{}', expect: 'valid' });
  const lbody = largeBody({ id: 2, note: 'hello' });
  await fx.add('large_body_4k', { secret, headers: W(getHmac(lbody, secret)), body: lbody, expect: 'valid' });
  await fx.add('events_header_wins_over_legacy', { secret, headers: [...E(h), ['X-Shopify-Hmac-Sha256', 'AAAA']], body, expect: 'valid',
    note: 'detectWebhookType() prefers the shopify-hmac-sha256 (events) header when both are present' });
  // negatives
  await fx.add('sdk_quirk_empty_body', { secret, headers: W(getHmac('', secret)), body: '', expect: 'invalid',
    note: 'the SDK rejects an empty body before hashing (MissingBody) even with a matching HMAC' });
  await fx.add('tampered_body', { secret, headers: W(h), body: tamper(body), expect: 'invalid' });
  await fx.add('reserialized_pretty_json', { secret, headers: W(h), body: pretty(body), expect: 'invalid' });
  await fx.add('wrong_secret', { secret, headers: W(getHmac(body, 'shpss_ffffffffffffffffffffffffffffffff')), body, expect: 'invalid' });
  await fx.add('hex_instead_of_base64', { secret, headers: W(hmacHex(secret, body)), body, expect: 'invalid' });
  await fx.add('unpadded_base64', { secret, headers: W(h.replace(/=+$/, '')), body, expect: 'invalid' });
  // a body whose HMAC contains '+' or '/', to make the url-safe variant differ
  let ub = body;
  for (let i = 0; !/[+/]/.test(getHmac(ub, secret)); i++) ub = compact({ ...JSON.parse(body), n: i });
  const hu = getHmac(ub, secret);
  await fx.add('url_safe_base64', { secret, headers: W(hu.replace(/\+/g, '-').replace(/\//g, '_')), body: ub, expect: 'invalid' });
  await fx.add('standard_base64_control', { secret, headers: W(hu), body: ub, expect: 'valid', note: 'control for url_safe_base64' });
  await fx.add('truncated_signature', { secret, headers: W(h.slice(0, -4)), body, expect: 'invalid' });
  await fx.add('missing_hmac_header', { secret, headers: W(h, { drop: ['X-Shopify-Hmac-Sha256'] }), body, expect: 'invalid' });
  await fx.add('sdk_quirk_missing_topic_header', { secret, headers: W(h, { drop: ['X-Shopify-Topic'] }), body, expect: 'invalid',
    note: 'the HMAC is correct; validate() rejects because a required non-signature header is missing' });
  fx.write();
}

// ---------------------------------------------------------------------------------------- Linear

async function genLinear() {
  const { LinearWebhookClient } = await import('@linear/sdk/webhooks');
  const version = pkgVersion('@linear/sdk');
  const verify = async (c) => [new LinearWebhookClient(c.secret).verify(Buffer.from(c.body, 'utf8'), hget(c, 'Linear-Signature')), null];
  const fx = new Fixture('linear',
    `@linear/sdk@${version} (node): signature = hex HMAC-SHA256(secret, raw body) computed with node:crypto exactly as ` +
    `LinearWebhookClient.verify does (the SDK has no signer); verdict from new LinearWebhookClient(secret).verify(rawBody, ` +
    `<Linear-Signature>) with Date.now() frozen at now*1000 (it throws on mismatch and checks the body's webhookTimestamp, ` +
    `in ms, within ±60 000 ms).`, verify);
  const secret = 'lin_wh_5Kx9Qm2Vp7Lr4Tz8Nb1Yc6Hd3Jf0GaWe';
  const H = (body, key = secret) => [['Linear-Delivery', '234d1a4e-b617-4388-90fe-adc3633d6b72'], ['Linear-Event', 'Issue'],
    ['Linear-Signature', hmacHex(key, body)]];
  const ev = (ts, extra = {}) => compact({ action: 'create', type: 'Issue', createdAt: '2023-11-14T22:13:18.766Z',
    data: { id: '2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9', title: 'hello world', ...extra },
    url: 'https://linear.app/issue/LIN-1778/foo-bar', organizationId: '3f5a1d6e', webhookTimestamp: ts,
    webhookId: '000042e3-d123-4980-b49f-8e140eef9329' });
  const ms = NOW * 1000;
  const body = ev(ms - 1234);
  await fx.add('sdk_signed_basic', { secret, headers: H(body), body, expect: 'valid', note: 'webhookTimestamp is in milliseconds' });
  const ubody = ev(ms - 1234, { description: `hello ${UNICODE_TEXT}` });
  await fx.add('non_ascii_body', { secret, headers: H(ubody), body: ubody, expect: 'valid' });
  const tiny = compact({ webhookTimestamp: ms });
  await fx.add('tiny_body', { secret, headers: H(tiny), body: tiny, expect: 'valid' });
  const lbody = largeBody({ action: 'update', type: 'Issue', webhookTimestamp: ms - 10, note: 'hello' });
  await fx.add('large_body_4k', { secret, headers: H(lbody), body: lbody, expect: 'valid' });
  await fx.add('timestamp_60s_old', { secret, headers: H(ev(ms - 60000)), body: ev(ms - 60000), expect: 'valid', note: '|now - ts| > 60000 ms rejects' });
  await fx.add('timestamp_60s_future', { secret, headers: H(ev(ms + 60000)), body: ev(ms + 60000), expect: 'valid' });
  // negatives
  const s = hmacHex(secret, body);
  const L = (v) => [['Linear-Event', 'Issue'], ['Linear-Signature', v]];
  await fx.add('tampered_body', { secret, headers: H(body), body: tamper(body), expect: 'invalid' });
  await fx.add('reserialized_pretty_json', { secret, headers: H(body), body: pretty(body), expect: 'invalid' });
  await fx.add('wrong_secret', { secret, headers: H(body, 'lin_wh_other'), body, expect: 'invalid' });
  await fx.add('uppercase_hex', { secret, headers: L(s.toUpperCase()), body, expect: 'invalid' });
  await fx.add('truncated_signature', { secret, headers: L(s.slice(0, -2)), body, expect: 'invalid' });
  await fx.add('sha256_prefixed_value', { secret, headers: L(`sha256=${s}`), body, expect: 'invalid', note: 'Linear sends bare hex' });
  await fx.add('stale_timestamp_60001ms', { secret, headers: H(ev(ms - 60001)), body: ev(ms - 60001), expect: 'invalid' });
  await fx.add('future_timestamp_60001ms', { secret, headers: H(ev(ms + 60001)), body: ev(ms + 60001), expect: 'invalid' });
  const secs = ev(NOW - 1);
  await fx.add('timestamp_in_seconds_not_ms', { secret, headers: H(secs), body: secs, expect: 'invalid',
    note: 'a seconds value is read as ms, i.e. 1970: far outside the window' });
  const strTs = compact({ action: 'create', note: 'hello', webhookTimestamp: String(ms) });
  await fx.add('timestamp_as_string', { secret, headers: H(strTs), body: strTs, expect: 'invalid', note: 'must be a JSON number' });
  const noTs = compact({ action: 'create', data: { title: 'hello' } });
  await fx.add('missing_webhook_timestamp', { secret, headers: H(noTs), body: noTs, expect: 'invalid' });
  await fx.add('empty_body', { secret, headers: H(''), body: '', expect: 'invalid', note: 'correct HMAC of the empty body, but there is no timestamp to check' });
  fx.write();
}

// ---------------------------------------------------------------------------------------- Zoom

async function genZoom() {
  const rivet = require('@zoom/rivet/users');
  const version = pkgVersion('@zoom/rivet');
  const quiet = async (fn) => {
    const saved = [console.debug, console.error];
    console.debug = () => {};
    console.error = () => {};
    try { return await fn(); } finally { [console.debug, console.error] = saved; }
  };
  const receive = (c) => quiet(async () => {
    const receiver = new rivet.AwsLambdaReceiver({ webhooksSecretToken: c.secret });
    receiver.init({ eventEmitter: { emit: async () => {} } });
    return receiver.start()({ body: c.body, headers: hobj(c), isBase64Encoded: false }, {});
  });
  const verify = async (c) => {
    const r = await receive(c);
    return [r.statusCode === 200, r.statusCode === 200 ? null : `HTTP ${r.statusCode} ${r.body}`];
  };
  const fx = new Fixture('zoom',
    `@zoom/rivet@${version} (node; users module): signature = 'v0=' + hex HMAC-SHA256(secret token, 'v0:' + ts + ':' + body) ` +
    `computed with node:crypto over the RAW body (Rivet has no signer); verdict = Rivet's AwsLambdaReceiver answering 200 ` +
    `(CommonHttpRequest.isEventVerified), which hashes JSON.stringify(JSON.parse(body)), not the raw bytes: the ` +
    `sdk_quirk_* cases show where that differs. Rivet checks no timestamp age. url_validation cases carry Rivet's own ` +
    `response in expected_response.`, verify);
  const secret = 'aBcDeFgHiJkLmNoPqRsTuV';
  const sig = (ts, body, key = secret) => `v0=${hmacHex(key, `v0:${ts}:${body}`)}`;
  const H = (ts, body, key = secret) => [['x-zm-request-timestamp', String(ts)], ['x-zm-signature', sig(ts, body, key)],
    ['x-zm-trackingid', 'v=2.0;clid=aw1;rid=1234']];
  const ts = NOW - 2;
  const body = compact({ event: 'meeting.started', event_ts: ts * 1000, payload: { account_id: 'D8cJuqWVQ623CI4Q8yQK0Q',
    object: { id: '89457934', uuid: '4444AAAiAAAAAiAiAiiAii==', topic: 'hello world', start_time: '2023-11-14T22:13:18Z' } } });
  await fx.add('signed_meeting_started', { secret, headers: H(ts, body), body, expect: 'valid' });
  const plainToken = 'qgg8vlvZRS6UYooatFL8Aw';
  const uv = compact({ payload: { plainToken }, event_ts: ts * 1000, event: 'endpoint.url_validation' });
  const uvCase = await fx.add('url_validation_event', { secret, headers: H(ts, uv), body: uv, expect: 'valid',
    note: 'answer with {"plainToken": p, "encryptedToken": hex HMAC-SHA256(secret, p)}; expected_response is Rivet\'s answer' });
  const rr = JSON.parse((await receive(uvCase)).body);
  if (rr.encryptedToken !== hmacHex(secret, plainToken)) throw new Error('zoom encryptedToken mismatch');
  uvCase.expected_response = rr;
  const ubody = compact({ event: 'meeting.started', payload: { object: { topic: `hello ${UNICODE_TEXT}` } } });
  await fx.add('non_ascii_body', { secret, headers: H(ts, ubody), body: ubody, expect: 'valid',
    note: 'literal non-ASCII (incl. U+2028) survives JSON.parse + JSON.stringify unchanged' });
  const lbody = largeBody({ event: 'recording.completed', note: 'hello' });
  await fx.add('large_body_4k', { secret, headers: H(ts, lbody), body: lbody, expect: 'valid' });
  await fx.add('stale_timestamp_one_day', { secret, headers: H(NOW - 86400, body), body, expect: 'valid',
    note: 'Rivet checks no timestamp age (Zoom documents no tolerance); a verifier with a window rejects this' });
  const pb = pretty(body);
  await fx.add('sdk_quirk_pretty_body_with_compact_signature', { secret, headers: H(ts, body), body: pb, expect: 'valid',
    note: 'Rivet re-encodes the parsed body before hashing, so a pretty-printed body verifies against the signature of its ' +
      'compact form; a raw-bytes verifier rejects it (Zoom sends compact JSON)' });
  await fx.add('sdk_quirk_raw_signature_over_pretty_body', { secret, headers: H(ts, pb), body: pb, expect: 'invalid',
    note: 'the signature over the exact (non-canonical) bytes: a raw-bytes verifier accepts it, Rivet rejects' });
  const esc = '{"event":"meeting.started","payload":{"object":{"topic":"hello \\u00e7a \\/ ok"}}}';
  await fx.add('sdk_quirk_escaped_unicode_raw_signature', { secret, headers: H(ts, esc), body: esc, expect: 'invalid',
    note: 'JSON.stringify turns \\u00e7 into a literal ç and \\/ into /, so Rivet hashes different bytes; a raw-bytes verifier accepts' });
  // negatives
  await fx.add('tampered_body', { secret, headers: H(ts, body), body: tamper(body), expect: 'invalid' });
  await fx.add('wrong_secret', { secret, headers: H(ts, body, 'ZyXwVuTsRqPoNmLkJiHgFe'), body, expect: 'invalid' });
  const s = sig(ts, body);
  const Z = (v, t = ts) => [['x-zm-request-timestamp', String(t)], ['x-zm-signature', v]];
  await fx.add('uppercase_hex', { secret, headers: Z(`v0=${s.slice(3).toUpperCase()}`), body, expect: 'invalid' });
  await fx.add('truncated_signature', { secret, headers: Z(s.slice(0, -2)), body, expect: 'invalid' });
  await fx.add('missing_v0_prefix', { secret, headers: Z(s.slice(3)), body, expect: 'invalid' });
  await fx.add('timestamp_header_changed', { secret, headers: Z(s, ts + 1), body, expect: 'invalid' });
  await fx.add('url_validation_wrong_secret', { secret, headers: H(ts, uv, 'ZyXwVuTsRqPoNmLkJiHgFe'), body: uv, expect: 'invalid',
    note: 'url_validation events are signed like any other; do not answer an unverified one' });
  await fx.add('sdk_quirk_empty_body', { secret, headers: H(ts, ''), body: '', expect: 'invalid',
    note: 'the HMAC over the empty body matches, but Rivet cannot JSON.parse an empty body (Zoom always sends JSON)' });
  fx.write();
}

// ---------------------------------------------------------------------------------------- Discord

function ed25519FromSeed(seed) {
  const priv = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
  const pub = createPublicKey(priv).export({ format: 'der', type: 'spki' }).subarray(12);
  return { priv, pubHex: pub.toString('hex'), seedHex: seed.toString('hex') };
}

async function genDiscord() {
  const { verifyKey } = require('discord-interactions');
  const { createHash } = await import('node:crypto');
  const version = pkgVersion('discord-interactions');
  const verify = async (c) => [await verifyKey(c.body, hget(c, 'X-Signature-Ed25519'), hget(c, 'X-Signature-Timestamp'), c.secret), null];
  const fx = new Fixture('discord',
    `discord-interactions@${version} (node): signed with node:crypto Ed25519 (deterministic) over timestamp + body using a ` +
    `fixed seed (signing_key, hex), verdict from verifyKey(rawBody, signature, timestamp, publicKeyHex) (WebCrypto Ed25519). ` +
    `No timestamp tolerance in the SDK.`, verify);
  const k = ed25519FromSeed(createHash('sha256').update('webhook-guard discord test key').digest());
  const k2 = ed25519FromSeed(createHash('sha256').update('another discord app').digest());
  const sigHex = (ts, body, key = k) => edSign(null, Buffer.from(`${ts}${body}`, 'utf8'), key.priv).toString('hex');
  const H = (ts, body, key = k) => [['X-Signature-Ed25519', sigHex(ts, body, key)], ['X-Signature-Timestamp', String(ts)],
    ['User-Agent', 'Discord-Interactions/1.0 (+https://discord.com)']];
  const ts = NOW - 1;
  const sk = k.seedHex;
  const ping = compact({ app_permissions: '562949953601536', application_id: '1180000000000000000', authorizing_integration_owners: {},
    entitlements: [], id: '1180000000000000001', token: 'aW50ZXJhY3Rpb246MTE4MDAwMDAwMDAwMDAwMDAwMTpoZWxsbw', type: 1,
    user: { id: '80351110224678912', username: 'hello' }, version: 1 });
  await fx.add('ping_interaction', { secret: k.pubHex, signingKey: sk, headers: H(ts, ping), body: ping, expect: 'valid',
    note: 'PING (type 1): answer {"type":1} after verifying' });
  const cmd = compact({ type: 2, id: '1180000000000000002', data: { name: 'say', options: [{ name: 'text', type: 3, value: `hello ${UNICODE_TEXT}` }] } });
  await fx.add('application_command_non_ascii', { secret: k.pubHex, signingKey: sk, headers: H(ts, cmd), body: cmd, expect: 'valid' });
  await fx.add('empty_body', { secret: k.pubHex, signingKey: sk, headers: H(ts, ''), body: '', expect: 'valid' });
  const lbody = largeBody({ type: 2, note: 'hello' });
  await fx.add('large_body_4k', { secret: k.pubHex, signingKey: sk, headers: H(ts, lbody), body: lbody, expect: 'valid' });
  await fx.add('stale_timestamp_one_day', { secret: k.pubHex, signingKey: sk, headers: H(NOW - 86400, ping), body: ping, expect: 'valid',
    note: 'the SDK checks no timestamp age; a verifier with a window rejects this' });
  const s = sigHex(ts, ping);
  const D = (v, t = ts) => [['X-Signature-Ed25519', v], ['X-Signature-Timestamp', String(t)]];
  await fx.add('uppercase_signature_hex', { secret: k.pubHex, signingKey: sk, headers: D(s.toUpperCase()), body: ping, expect: 'valid',
    note: 'hex is decoded to bytes, so case does not matter' });
  await fx.add('uppercase_public_key_hex', { secret: k.pubHex.toUpperCase(), signingKey: sk, headers: D(s), body: ping, expect: 'valid' });
  // negatives
  await fx.add('tampered_body', { secret: k.pubHex, signingKey: sk, headers: H(ts, ping), body: tamper(ping), expect: 'invalid' });
  await fx.add('reserialized_pretty_json', { secret: k.pubHex, signingKey: sk, headers: H(ts, ping), body: pretty(ping), expect: 'invalid' });
  await fx.add('wrong_public_key', { secret: k2.pubHex, signingKey: sk, headers: H(ts, ping), body: ping, expect: 'invalid' });
  await fx.add('truncated_signature', { secret: k.pubHex, signingKey: sk, headers: D(s.slice(0, -2)), body: ping, expect: 'invalid' });
  await fx.add('timestamp_changed', { secret: k.pubHex, signingKey: sk, headers: D(s, ts + 1), body: ping, expect: 'invalid' });
  await fx.add('signature_over_body_only', { secret: k.pubHex, signingKey: sk,
    headers: D(edSign(null, Buffer.from(ping), k.priv).toString('hex')), body: ping, expect: 'invalid',
    note: 'mutation: the timestamp must be prepended to the signed bytes' });
  await fx.add('bit_flipped_signature', { secret: k.pubHex, signingKey: sk,
    headers: D((s[0] === '0' ? '1' : '0') + s.slice(1)), body: ping, expect: 'invalid' });
  await fx.add('missing_signature_header', { secret: k.pubHex, signingKey: sk, headers: D(s).slice(1), body: ping, expect: 'invalid' });
  fx.write();
}

// ---------------------------------------------------------------------------------------- helper modes

function sendgridSpec() {
  const specPath = require.resolve('@sendgrid/eventwebhook/src/eventwebhook.spec.js');
  let src = readFileSync(specPath, 'utf8');
  if (!src.includes('function verify(')) throw new Error('unexpected spec layout');
  src = src.replace('function verify(', 'function __specVerify(');
  const captured = [];
  let current = null;
  const describe = (_name, fn) => fn();
  const it = (name, fn) => {
    current = { it: name };
    fn();
    if (current.args) captured.push(current);
    current = null;
  };
  const expect = (actual) => ({ to: { equal: (expected) => { if (current) Object.assign(current, { actual, expected }); } } });
  const run = new Function('require', 'describe', 'it', 'expect', '__capture',
    `${src}\nfunction verify(publicKey, payload, signature, timestamp) {\n` +
    `  __capture({ publicKey, payload, signature, timestamp });\n  return __specVerify(publicKey, payload, signature, timestamp);\n}`);
  run(createRequire(specPath), describe, it, expect, (args) => { current.args = args; });
  return captured.map((c) => {
    if (c.actual !== c.expected) throw new Error(`spec case failed under node: ${c.it}`);
    return {
      name: `real_sendgrid_${c.it.replace(/^should /, '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '')}`,
      it: c.it, expected: c.expected, public_key: c.args.publicKey, payload: c.args.payload,
      signature: c.args.signature, timestamp: String(c.args.timestamp),
    };
  });
}

async function check(provider, cases) {
  const out = [];
  for (const c of cases) {
    let ok = false;
    try {
      ok = await atTime(c.now, async () => {
        if (provider === 'sendgrid') {
          const { EventWebhook } = require('@sendgrid/eventwebhook');
          const ew = new EventWebhook();
          return ew.verifySignature(ew.convertPublicKeyToECDSA(c.secret), c.body,
            hget(c, 'X-Twilio-Email-Event-Webhook-Signature'), hget(c, 'X-Twilio-Email-Event-Webhook-Timestamp'));
        }
        if (provider === 'paddle') {
          const { Paddle, LogLevel } = require('@paddle/paddle-node-sdk');
          const sig = hget(c, 'Paddle-Signature');
          if (!sig) return false;
          return new Paddle('pdl_sdbx_apikey_test', { logLevel: LogLevel.none }).webhooks.isSignatureValid(c.body, c.secret, sig);
        }
        if (provider === 'square') {
          const { WebhooksHelper } = require('square');
          const sig = hget(c, 'x-square-hmacsha256-signature');
          if (sig === undefined) return false;
          return WebhooksHelper.verifySignature({ requestBody: c.body, signatureHeader: sig, signatureKey: c.secret, notificationUrl: c.url });
        }
        throw new Error(`no checker for ${provider}`);
      });
    } catch {
      ok = false;
    }
    out.push(Boolean(ok));
  }
  return out;
}

async function readStdin() {
  const chunks = [];
  for await (const ch of process.stdin) chunks.push(ch);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const [mode, arg] = process.argv.slice(2);
if (mode === 'sendgrid-spec') {
  process.stdout.write(JSON.stringify(sendgridSpec()));
} else if (mode === 'check') {
  process.stdout.write(JSON.stringify(await check(arg, await readStdin())));
} else {
  await genGithub();
  await genShopify();
  await genLinear();
  await genZoom();
  await genDiscord();
  if (SURPRISES.length) {
    console.log('\nSDK verdicts that differ from the generator\'s expectations (recorded as the SDK said):');
    for (const s of SURPRISES) console.log(`  - ${s}`);
  }
}
