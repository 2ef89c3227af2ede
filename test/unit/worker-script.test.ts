import { afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { PAGE_CONTENT_SECURITY_POLICY } from '../../src/maintenance-page/render-page.js';
import { workerScript } from '../../src/maintenance/engines/worker/worker-script.js';
import { sha256Hex, type WorkerSiteEntry, workerSiteEntry } from '../../src/maintenance/engines/worker/worker-site-entry.js';
import { BYPASS_COOKIE_MAX_AGE_SECONDS } from '../../src/sites/bypass-secret.js';
import { loadWorkerModule, type WorkerModule as Worker } from '../support/worker-module.js';

const SECRET = 'A'.repeat(21) + '_-' + 'b'.repeat(20);
const NOW = new Date('2026-12-06T02:00:00Z');
const HOSTILE = '</script><script>alert(1)</script> ` ${process} \' " \\ \u2028 \u2029 \u0000 --> <!-- ]]> </p>';

const shop = workerSiteEntry({
  siteId: 's-1',
  settings: { domain: 'shop.test', includeSubdomains: true, subdomainList: [] },
  access: {
    bypassIps: ['203.0.113.0/24', '198.51.100.7', '2001:db8::/32', '2001:db8:8000::/33', '192.0.2.128/25'],
    bypassSecret: SECRET,
    excludedPaths: ['/.well-known/acme-challenge/', '/api/webhooks/', '/health'],
  },
  endsAt: new Date(NOW.getTime() + 120_000),
  retryAfterSeconds: 600,
  pages: { default: '<p>shop: back soon</p>', fr: '<p>shop : bientôt</p>', 'pt-br': '<p>shop: em breve</p>' },
});
const listed = workerSiteEntry({
  siteId: 's-2',
  settings: { domain: 'listed.test', includeSubdomains: false, subdomainList: ['www', 'api'] },
  access: { bypassIps: ['2001:db8::/32'], bypassSecret: null, excludedPaths: [] },
  endsAt: null,
  retryAfterSeconds: 600,
  pages: { default: '<p>listed: back soon</p>' },
});
/** A zone of its own under shop.test: its apex is its own, not shop.test's. */
const nested = workerSiteEntry({
  siteId: 's-3',
  settings: { domain: 'eu.shop.test', includeSubdomains: true, subdomainList: [] },
  access: { bypassIps: [], bypassSecret: null, excludedPaths: [] },
  endsAt: null,
  retryAfterSeconds: 300,
  pages: { default: '<p>eu: back soon</p>' },
});
const hostile = workerSiteEntry({
  siteId: 's-4',
  settings: { domain: 'hostile.test', includeSubdomains: false, subdomainList: [] },
  access: { bypassIps: [], bypassSecret: null, excludedPaths: [] },
  endsAt: null,
  retryAfterSeconds: 60,
  pages: { default: `<h1>${HOSTILE}</h1>`, fr: `<h1>${HOSTILE}${HOSTILE}</h1>` },
});

let worker: Worker;
const realFetch = globalThis.fetch;
let origin: Request[];

function load(entries: WorkerSiteEntry[]): Promise<Worker> {
  return loadWorkerModule(workerScript(entries).source);
}

/** The Worker's answer, or 'origin' when it passed the request through to the origin. */
async function send(url: string, init: RequestInit = {}, to: Worker = worker): Promise<Response | 'origin'> {
  const before = origin.length;
  const request = new Request(url, init);
  const response = await to.fetch(request);
  if (origin.length > before) {
    expect(origin.at(-1)).toBe(request);
    return 'origin';
  }
  return response;
}

async function answer(url: string, init: RequestInit = {}): Promise<Response> {
  const response = await send(url, init);
  if (response === 'origin') throw new Error(`${url} went to the origin; expected the Worker's own answer`);
  return response;
}

beforeAll(async () => {
  worker = await load([hostile, nested, listed, shop]);
});

beforeEach(() => {
  origin = [];
  globalThis.fetch = async (input: RequestInfo | URL) => {
    origin.push(input as Request);
    return new Response('from the origin');
  };
  // Only Date is faked: WebCrypto and the Response bodies need the real microtasks and timers.
  jest.useFakeTimers({
    now: NOW,
    doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
  });
});

afterEach(() => {
  jest.useRealTimers();
  globalThis.fetch = realFetch;
});

describe('the maintenance answer', () => {
  it('is a 503 whose Retry-After counts down to the window end, read at request time', async () => {
    expect((await answer('https://shop.test/')).headers.get('retry-after')).toBe('120');
    jest.setSystemTime(NOW.getTime() + 30_500);
    expect((await answer('https://shop.test/')).headers.get('retry-after')).toBe('90');
    jest.setSystemTime(NOW.getTime() + 119_999);
    expect((await answer('https://shop.test/')).headers.get('retry-after')).toBe('1');
    jest.setSystemTime(NOW.getTime() + 600_000);
    expect((await answer('https://shop.test/')).headers.get('retry-after')).toBe('1');
  });

  it('gives the default Retry-After without a window end', async () => {
    expect((await answer('https://listed.test/')).headers.get('retry-after')).toBe('600');
    jest.setSystemTime(NOW.getTime() + 3_600_000);
    expect((await answer('https://listed.test/')).headers.get('retry-after')).toBe('600');
  });

  it('is never cached nor indexed, and serves the page exactly as given', async () => {
    const response = await answer('https://shop.test/some/page?x=1');
    expect(response.status).toBe(503);
    expect(Object.fromEntries(response.headers)).toEqual({
      'cache-control': 'no-store',
      'content-security-policy': PAGE_CONTENT_SECURITY_POLICY,
      'content-type': 'text/html; charset=utf-8',
      'retry-after': '120',
      vary: 'Accept, Accept-Language',
      'x-robots-tag': 'noindex',
    });
    expect(await response.text()).toBe(shop.pages.default);
  });

  it('answers HEAD with the headers and no body', async () => {
    const response = await answer('https://shop.test/', { method: 'HEAD' });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('120');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.body).toBeNull();
  });

  it('answers every method, not only GET', async () => {
    expect((await answer('https://shop.test/cart', { method: 'POST', body: 'x=1' })).status).toBe(503);
  });
});

describe('JSON', () => {
  it.each([
    ['application/json', true],
    ['application/json, text/html;q=0.9', true],
    ['application/*, text/html;q=0.1', true],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', false],
    ['application/json;q=0.5, text/html', false],
    ['*/*', false],
    ['', false],
  ])('Accept: %j prefers JSON: %s', async (accept, json) => {
    const response = await answer('https://shop.test/', accept ? { headers: { accept } } : {});
    expect(response.status).toBe(503);
    if (json) {
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(await response.json()).toEqual({ status: 'maintenance', retryAfter: 120 });
    } else {
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    }
    expect(response.headers.get('retry-after')).toBe('120');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});

describe('the visitor language', () => {
  it.each([
    ['fr', 'fr'],
    ['fr-CA', 'fr'],
    ['de, fr;q=0.5', 'fr'],
    ['en;q=0.2, fr;q=0.9', 'fr'],
    ['pt-BR', 'pt-br'],
    ['pt', undefined],
    ['de-DE, en', undefined],
    ['fr;q=0', undefined],
    ['*', undefined],
    ['constructor, __proto__, toString', undefined],
    ['default', undefined],
  ])('Accept-Language: %j gives the page %s', async (acceptLanguage, language) => {
    const response = await answer('https://shop.test/', { headers: { 'accept-language': acceptLanguage } });
    expect(await response.text()).toBe(shop.pages[language ?? 'default']);
    expect(response.headers.get('content-language')).toBe(language ?? null);
  });
});

describe('the bypass addresses', () => {
  it.each([
    ['203.0.113.9', 'an IPv4 CIDR'],
    ['198.51.100.7', 'an exact IPv4 address'],
    ['192.0.2.200', 'an IPv4 CIDR of 25 bits'],
    ['2001:db8::1', 'an IPv6 CIDR'],
    ['2001:DB8:0:0:0:0:0:1', 'an IPv6 CIDR, written in full and upper case'],
    ['2001:db8:ffff:1::', 'an IPv6 CIDR, compressed at the end'],
    ['::ffff:203.0.113.9', 'an IPv4 CIDR, from an IPv4-mapped IPv6 address'],
    ['::ffff:cb00:7109', 'an IPv4 CIDR, from an IPv4-mapped IPv6 address in hex'],
  ])('%s is let through (%s)', async (ip) => {
    expect(await send('https://shop.test/', { headers: { 'cf-connecting-ip': ip } })).toBe('origin');
  });

  it.each([
    ['203.0.114.1', 'outside the IPv4 CIDR'],
    ['198.51.100.8', 'beside the exact address'],
    ['192.0.2.127', 'below the 25-bit CIDR'],
    ['2001:db9::1', 'outside the IPv6 CIDR'],
    ['::203.0.113.9', 'IPv4-compatible, not IPv4-mapped'],
    ['203.0.113', 'not an address'],
    ['203.0.113.09', 'a leading zero'],
    ['2001:db8::1::2', 'two ::'],
    ['2001:db8::1%eth0', 'a zone index'],
    ['1:2:3:4:5:6:7:8:9', 'nine groups'],
    ['', 'empty'],
  ])('%j is not (%s)', async (ip) => {
    const response = await answer('https://shop.test/', { headers: { 'cf-connecting-ip': ip } });
    expect(response.status).toBe(503);
  });

  it('reads the prefix to the bit: 2001:db8:8000::/33 lets 2001:db8:8000::1 through and not 2001:db8:7fff::1 (in 2001:db8::/32 of another site)', async () => {
    const only33 = await load([{ ...shop, bypassIps: ['2001:db8:8000::/33'] }]);
    expect(await send('https://shop.test/', { headers: { 'cf-connecting-ip': '2001:db8:8000::1' } }, only33)).toBe('origin');
    expect(await send('https://shop.test/', { headers: { 'cf-connecting-ip': '2001:db8:7fff::1' } }, only33)).not.toBe('origin');
  });

  it('applies the bypass of the site the host belongs to', async () => {
    expect(await send('https://listed.test/', { headers: { 'cf-connecting-ip': '2001:db8::5' } })).toBe('origin');
    expect(await send('https://listed.test/', { headers: { 'cf-connecting-ip': '203.0.113.9' } })).not.toBe('origin');
  });

  it('does not read X-Forwarded-For, which any client can write', async () => {
    expect((await answer('https://shop.test/', { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(503);
  });
});

describe('the bypass secret', () => {
  it('lets through a request with the secret cookie, among other cookies', async () => {
    expect(await send('https://shop.test/', { headers: { cookie: `session=1; ${'cfm_bypass'}=${SECRET}; theme=dark` } })).toBe('origin');
  });

  it('lets through a request with the secret header', async () => {
    expect(await send('https://www.shop.test/api', { method: 'POST', headers: { 'x-maintenance-bypass': SECRET } })).toBe('origin');
  });

  it.each([
    ['a wrong cookie', { cookie: `cfm_bypass=${SECRET.slice(0, -1)}x` }],
    ['the secret in another cookie', { cookie: `other_cfm_bypass=${SECRET}` }],
    ['a wrong header', { 'x-maintenance-bypass': SECRET.toLowerCase() }],
    ['the secret in another header', { 'x-bypass': SECRET }],
    ['the secret hash as the cookie', { cookie: `cfm_bypass=${sha256Hex(SECRET)}` }],
  ])('answers 503 to %s', async (_name, headers) => {
    expect((await answer('https://shop.test/', { headers })).status).toBe(503);
  });

  it('hashes at most four values of each carrier: a header still counts beside four wrong cookies, a fifth cookie does not', async () => {
    const wrong = Array.from({ length: 4 }, (_, index) => `cfm_bypass=wrong${index}`).join('; ');
    expect(await send('https://shop.test/', { headers: { cookie: wrong, 'x-maintenance-bypass': SECRET } })).toBe('origin');
    expect((await answer('https://shop.test/', { headers: { cookie: `${wrong}; cfm_bypass=${SECRET}` } })).status).toBe(503);
  });

  it('lets nobody through on a site without a secret, whatever they carry', async () => {
    expect((await answer('https://listed.test/', { headers: { cookie: 'cfm_bypass=', 'x-maintenance-bypass': SECRET } })).status).toBe(503);
  });
});

describe('the secret link', () => {
  it('sets a host-only, HttpOnly, Secure cookie and redirects to the same URL without the secret, other parameters kept as written', async () => {
    const response = await answer(`https://www.shop.test/shop/item?a=1&cfm_bypass=${SECRET}&b=two%20words&c`);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://www.shop.test/shop/item?a=1&b=two%20words&c');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const cookie = response.headers.get('set-cookie') ?? '';
    const [pair, ...attributes] = cookie.split('; ');
    expect(pair).toBe(`cfm_bypass=${SECRET}`);
    expect(attributes.sort()).toEqual(['HttpOnly', `Max-Age=${BYPASS_COOKIE_MAX_AGE_SECONDS}`, 'Path=/', 'SameSite=Lax', 'Secure']);
    expect(cookie).not.toMatch(/domain=/i);
    expect(origin).toEqual([]);
  });

  it('redirects to the bare path when the secret was the only parameter, and the cookie then lets its holder through', async () => {
    const response = await answer(`https://shop.test/?cfm_bypass=${SECRET}`);
    expect(response.headers.get('location')).toBe('https://shop.test/');
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0];
    expect(await send(response.headers.get('location') ?? '', { headers: { cookie } })).toBe('origin');
  });

  it('answers HEAD the same way', async () => {
    const response = await answer(`https://shop.test/?cfm_bypass=${SECRET}`, { method: 'HEAD' });
    expect(response.status).toBe(302);
    expect(response.headers.get('set-cookie')).toContain(`cfm_bypass=${SECRET};`);
  });

  it('lets another method carrying the secret in its query through, as the redirect engine does', async () => {
    expect(await send(`https://shop.test/form?cfm_bypass=${SECRET}`, { method: 'POST', body: 'x' })).toBe('origin');
  });

  it.each([
    ['a wrong secret', `https://shop.test/?cfm_bypass=${SECRET.slice(1)}`],
    ['an empty secret', 'https://shop.test/?cfm_bypass='],
    ['the secret under another name', `https://shop.test/?cfm_bypass_x=${SECRET}`],
  ])('answers 503 with no cookie to %s', async (_name, url) => {
    const response = await answer(url);
    expect(response.status).toBe(503);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('answers 503 to a link on a site without a secret', async () => {
    expect((await answer(`https://listed.test/?cfm_bypass=${SECRET}`)).status).toBe(503);
  });
});

describe('the excluded paths', () => {
  it.each(['/.well-known/acme-challenge/token-123', '/api/webhooks/stripe', '/health', '/healthz', '/health/live'])(
    '%s goes to the origin (a prefix match, like starts_with in the redirect engine)',
    async (path) => {
      expect(await send(`https://shop.test${path}`)).toBe('origin');
    },
  );

  it.each([
    ['/api/webhooks', 'the folder prefix /api/webhooks/ without its slash'],
    ['/api/webhooksX/stripe', 'sharing letters but not the folder'],
    ['/API/webhooks/stripe', 'another case: the comparison is case-sensitive'],
    ['/x/.well-known/acme-challenge/t', 'the prefix further down the path'],
    ['/.well-known/acme-challenge/../../admin', 'dot segments: the path is read as the URL parser resolves it, /admin'],
    ['/?next=/health', 'the prefix in the query only'],
  ])('%s gets the maintenance answer (%s)', async (path) => {
    expect((await answer(`https://shop.test${path}`)).status).toBe(503);
  });
});

describe('hosts', () => {
  it.each([
    ['https://shop.test/', shop.pages.default, 'the apex'],
    ['https://www.shop.test/', shop.pages.default, 'a subdomain'],
    ['https://a.b.shop.test/', shop.pages.default, 'a deeper subdomain'],
    ['https://WWW.Shop.Test./', shop.pages.default, 'in upper case with a trailing dot'],
    ['https://listed.test/', listed.pages.default, 'the apex of a site with listed subdomains'],
    ['https://api.listed.test/', listed.pages.default, 'a listed subdomain'],
    ['https://eu.shop.test/', nested.pages.default, 'a site of its own under another site'],
    ['https://x.eu.shop.test/', nested.pages.default, 'a subdomain of that site: the longer suffix wins'],
    ['https://hostile.test/', hostile.pages.default, 'another site'],
  ])('%s gets its own page (%s)', async (url, page) => {
    expect(await (await answer(url)).text()).toBe(page);
  });

  it.each([
    ['https://blog.listed.test/', 'a subdomain that is not listed'],
    ['https://notshop.test/', 'a name ending with a domain of ours'],
    ['https://shop.test.evil.test/', 'a name starting with a domain of ours'],
    ['https://elsewhere.test/', 'no site at all'],
  ])('%s goes to the origin (%s)', async (url) => {
    expect(await send(url)).toBe('origin');
  });

  it.each([
    ['https://cfm-maintenance.acme.workers.dev/', 'the script on the account\'s workers.dev subdomain'],
    ['https://0123abcd-cfm-maintenance.acme.workers.dev/x', 'a Preview URL'],
    ['https://CFM-Maintenance.Acme.Workers.Dev./', 'in upper case with a trailing dot'],
  ])('%s gets a 404 of its own, never the origin: workers.dev has none (%s)', async (url) => {
    const response = await answer(url);
    expect(response.status).toBe(404);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toBe('Not found');
  });
});

describe('hostile text in the data', () => {
  it('cannot break out of the data: the module loads and serves the page byte for byte', async () => {
    const response = await answer('https://hostile.test/');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from(hostile.pages.default, 'utf8'));
    const french = await answer('https://hostile.test/', { headers: { 'accept-language': 'fr' } });
    expect(Buffer.from(await french.arrayBuffer())).toEqual(Buffer.from(hostile.pages.fr, 'utf8'));
  });

  it('holds U+2028 and U+2029 escaped in the source, and the texts only inside the one string literal of the data', () => {
    const { source } = workerScript([hostile]);
    expect(source).not.toMatch(/[\u2028\u2029]/);
    const dataLine = expect.stringMatching(/^const ENTRIES = JSON\.parse\(".*"\);$/);
    expect(source.split('\n').filter((line) => line.includes('alert(1)') || line.includes('${process}'))).toEqual([dataLine]);
  });

  it('gives a __proto__ language no meaning beyond a page name', async () => {
    const odd = await load([{ ...hostile, siteId: 's-5', pages: { ...hostile.pages, ['__proto__']: '<p>proto</p>' } }]);
    const response = await send('https://hostile.test/', { headers: { 'accept-language': 'de' } }, odd);
    expect(response).not.toBe('origin');
    expect(await (response as Response).text()).toBe(hostile.pages.default);
  });
});

describe('the source and its version', () => {
  it('is the same for the same sites in any order', () => {
    const one = workerScript([shop, listed, nested, hostile]);
    const other = workerScript([hostile, listed, shop, nested]);
    expect(other).toEqual(one);
    expect(one.version).toMatch(/^[0-9a-f]{16}$/);
  });

  it('is the same whatever the order of an entry\'s pages and fields', () => {
    const { pages, ...rest } = shop;
    const reordered = { pages: { 'pt-br': pages['pt-br'], fr: pages.fr, default: pages.default }, ...rest };
    expect(workerScript([reordered]).version).toBe(workerScript([shop]).version);
  });

  it.each<[string, Partial<WorkerSiteEntry>]>([
    ['a page', { pages: { ...shop.pages, fr: '<p>autre</p>' } }],
    ['a new language', { pages: { ...shop.pages, de: '<p>bald</p>' } }],
    ['the window end', { endsAt: '2026-12-06T02:03:00.000Z' }],
    ['the default Retry-After', { retryAfterSeconds: 601 }],
    ['the bypass addresses', { bypassIps: ['203.0.113.0/24'] }],
    ['the secret', { bypassSecretSha256: sha256Hex('another secret') }],
    ['the excluded paths', { excludedPaths: [] }],
    ['the hosts', { hostSuffixes: [] }],
  ])('changes with %s', (_name, change) => {
    const before = workerScript([shop, listed]);
    const after = workerScript([{ ...shop, ...change }, listed]);
    expect(after.version).not.toBe(before.version);
  });

  it('changes when a site joins or leaves', () => {
    expect(workerScript([shop, listed]).version).not.toBe(workerScript([shop]).version);
  });

  it('never holds the plain secret, only its SHA-256', () => {
    const { source } = workerScript([shop, listed, nested, hostile]);
    expect(source).not.toContain(SECRET);
    expect(source).toContain(sha256Hex(SECRET));
  });

  it('refuses a site given twice', () => {
    expect(() => workerScript([shop, { ...shop, domain: 'other.test' }])).toThrow('Site s-1 is in the Worker\'s data twice.');
  });
});
