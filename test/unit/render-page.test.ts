import { describe, expect, it } from '@jest/globals';
import { pageDomain } from '../../src/maintenance-page/maintenance-page.service.js';
import { pickLanguage } from '../../src/maintenance-page/page-language.js';
import { expectedEnd, pageLanguages, renderMaintenancePage } from '../../src/maintenance-page/render-page.js';
import { retryAfterSeconds } from '../../src/maintenance-page/retry-after.js';

const endsAt = new Date('2026-12-06T02:30:00Z');
const withWindow = { domain: 'example.com', siteName: 'example.com', window: { message: 'New servers.', endsAt, timezone: 'Europe/Paris' }, reason: null, branding: {} };
const page = (input: Partial<Parameters<typeof renderMaintenancePage>[0]> = {}) =>
  renderMaintenancePage({ domain: 'example.com', branding: {}, endsAt: null, ...input });

describe('expectedEnd', () => {
  it("reads the end in the window's timezone, daylight saving included", () => {
    expect(expectedEnd(endsAt, 'Europe/Paris')).toBe('Sunday 6 December 2026, 03:30 CET');
    expect(expectedEnd(new Date('2026-07-05T01:30:00Z'), 'Europe/Paris')).toBe('Sunday 5 July 2026, 03:30 CEST');
    expect(expectedEnd(endsAt, 'America/New_York')).toBe('Saturday 5 December 2026, 21:30 GMT-5');
  });

  it('falls back to UTC for a zone it does not know', () => {
    expect(expectedEnd(endsAt, 'Mars/Olympus_Mons')).toBe('Sunday 6 December 2026, 02:30 UTC');
  });
});

describe('retryAfterSeconds', () => {
  it('counts whole seconds to the end of the window, at least one', () => {
    expect(retryAfterSeconds(withWindow, new Date('2026-12-06T02:00:00.500Z'), 600)).toBe(1800);
    expect(retryAfterSeconds(withWindow, new Date('2026-12-06T03:00:00Z'), 600)).toBe(1);
  });

  it('answers the default without a window or a site', () => {
    expect(retryAfterSeconds({ ...withWindow, window: null }, new Date(), 600)).toBe(600);
    expect(retryAfterSeconds(null, new Date(), 42)).toBe(42);
  });
});

describe('renderMaintenancePage, the default design', () => {
  it('shows the site, the message and the expected end, and is not indexed', () => {
    const html = page({ message: 'New servers.', endsAt, timezone: 'Europe/Paris' });
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain('<meta name="robots" content="noindex">');
    expect(html).toContain('<title>example.com is down for maintenance</title>');
    expect(html).toContain('<h1>example.com is down for maintenance</h1>');
    expect(html).toContain('<p class="message">New servers.</p>');
    expect(html).toContain('Expected back by <time datetime="2026-12-06T02:30:00.000Z">Sunday 6 December 2026, 03:30 CET</time>');
  });

  it('names the site by its display name, and shows the generic text and no time without a message or an end', () => {
    const html = page({ siteName: 'Shop' });
    expect(html).toContain('<h1>Shop is down for maintenance</h1>');
    expect(html).toContain('We are making improvements');
    expect(html).not.toContain('Expected back');
  });

  it("shows the branding's title, message, logo, colours and contact link; a window's message wins over the branding's", () => {
    const branding = {
      title: 'Back soon',
      message: 'Our shop is closed for an hour.',
      logoUrl: 'https://cdn.example.com/logo.png',
      primaryColor: '#ff6600',
      backgroundColor: '#101820',
      textColor: '#fefefe',
      contactUrl: 'mailto:ops@example.com',
    };
    const html = page({ siteName: 'Shop', branding });
    expect(html).toContain('<title>Back soon</title>');
    expect(html).toContain('<h1>Back soon</h1>');
    expect(html).toContain('<p class="message">Our shop is closed for an hour.</p>');
    expect(html).toContain('<img class="logo" src="https://cdn.example.com/logo.png" alt="Shop">');
    expect(html).toContain('<a href="mailto:ops@example.com">Contact us</a>');
    expect(html).toContain('background:#101820;color:#fefefe');
    expect(html).toContain('border-top:4px solid #ff6600');
    expect(html).not.toContain('prefers-color-scheme');
    expect(page({ branding, message: 'Deploy 7' })).toContain('<p class="message">Deploy 7</p>');
    expect(page({ branding, message: '  ' })).toContain('<p class="message">Our shop is closed for an hour.</p>');
  });

  it('escapes a hostile site name, message and title', () => {
    const html = page({
      domain: 'x.com',
      siteName: `<i>O'Brien</i>`,
      message: '<script>alert(1)</script><a href="x">&</a>',
      branding: { title: '</title><script>alert(2)</script>' },
    });
    expect(html).toContain('<title>&lt;/title&gt;&lt;script&gt;alert(2)&lt;/script&gt;</title>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;');
    expect(html).not.toMatch(/<script|<i>|<a href="x"/);
    expect(page({ siteName: `<i>O'Brien</i>` })).toContain('<h1>&lt;i&gt;O&#39;Brien&lt;/i&gt; is down for maintenance</h1>');
  });

  it('leaves out colours and URLs that a row edited by hand made invalid', () => {
    const html = page({ branding: { primaryColor: 'red;}</style><script>', logoUrl: 'javascript:alert(1)', contactUrl: 'http://x.com' } });
    expect(html).not.toMatch(/<script|javascript:|http:\/\/x\.com/);
    expect(html).toContain('border-top:4px solid #2563eb');
  });
});

describe('translations', () => {
  const branding = {
    title: 'Back soon',
    message: 'Closed for an hour.',
    translations: { fr: { title: 'Bientôt de retour', message: 'Fermé pour une heure.' }, 'pt-BR': { title: 'Voltamos logo' } },
  };

  it('lists the default page and each translation', () => {
    expect(pageLanguages(branding)).toEqual(['default', 'fr', 'pt-BR']);
    expect(pageLanguages({})).toEqual(['default']);
  });

  it("renders a language's title and message, falling back to the default text for what it does not translate", () => {
    const french = page({ branding, language: 'fr' });
    expect(french).toContain('<html lang="fr">');
    expect(french).toContain('<h1>Bientôt de retour</h1>');
    expect(french).toContain('Fermé pour une heure.');
    const portuguese = page({ branding, language: 'pt-BR' });
    expect(portuguese).toContain('<h1>Voltamos logo</h1>');
    expect(portuguese).toContain('Closed for an hour.');
    expect(page({ branding, language: 'default' })).toContain('<h1>Back soon</h1>');
    expect(page({ branding, language: 'de' })).toContain('<html lang="en">');
  });

  it('picks the language from Accept-Language: by quality, a region for its language and the other way round', () => {
    const languages = pageLanguages(branding);
    expect(pickLanguage('fr-CA,fr;q=0.9,en;q=0.5', languages)).toBe('fr');
    expect(pickLanguage('de, pt;q=0.8', languages)).toBe('pt-BR');
    expect(pickLanguage('en-GB,en;q=0.9', languages)).toBe('default');
    expect(pickLanguage(undefined, languages)).toBe('default');
    expect(pickLanguage('fr', ['default'])).toBe('default');
    expect(pickLanguage('*', languages)).toBe('default');
    expect(pickLanguage('de, *;q=0.5', languages)).toBe('default');
  });
});

describe('renderMaintenancePage, a template', () => {
  const template = `<html lang="en"><head><title>{{title}}</title><style>body{color:#333}</style></head>
<body style="margin:0"><img src="{{logo_url}}" alt="{{site}}"><h1>{{ site }}</h1><p>{{message}}</p><p>Until {{ends_at}}</p><a href="{{contact_url}}">Write to us</a></body></html>`;

  it('fills every placeholder, escaped, and adds the doctype and noindex', () => {
    const html = page({
      siteName: '<b>Shop</b>',
      message: '"><script>alert(1)</script>',
      endsAt,
      timezone: 'UTC',
      branding: { template, logoUrl: 'https://cdn.example.com/a.png?x=1&y=2', contactUrl: 'https://example.com/contact' },
    });
    expect(html).toMatch(/^<!doctype html>\n<html lang="en"><head><meta name="robots" content="noindex"><title>&lt;b&gt;Shop&lt;\/b&gt; is down for maintenance<\/title>/);
    expect(html).toContain('<style>body{color:#333}</style>');
    expect(html).toContain('<body style="margin:0">');
    expect(html).toContain('<img src="https://cdn.example.com/a.png?x=1&amp;y=2" alt="&lt;b&gt;Shop&lt;/b&gt;" />');
    expect(html).toContain('<h1>&lt;b&gt;Shop&lt;/b&gt;</h1>');
    expect(html).toContain('<p>&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(html).toContain('<p>Until Sunday 6 December 2026, 02:30 UTC</p>');
    expect(html).toContain('<a href="https://example.com/contact">Write to us</a>');
    expect(html).not.toContain('<script');
  });

  it('leaves the end empty when none is known, and puts noindex first in a fragment', () => {
    const html = page({ branding: { template: '<p>Until {{ends_at}}.</p>' } });
    expect(html).toBe('<!doctype html>\n<meta name="robots" content="noindex">\n<p>Until .</p>\n');
  });

  it('sanitises again a template stored by hand with a script', () => {
    const html = page({ branding: { template: '<p onclick="alert(1)">{{site}}</p><script>alert(2)</script>' } });
    expect(html).not.toMatch(/script|onclick|alert/);
    expect(html).toContain('<p>example.com</p>');
  });
});

describe('pageDomain', () => {
  it('spells the query value as a stored domain, or rejects it', () => {
    expect(pageDomain(' Example.COM. ')).toBe('example.com');
    expect(pageDomain('Bücher.example')).toBe('xn--bcher-kva.example');
    expect(pageDomain('')).toBeUndefined();
    expect(pageDomain(['a.com', 'b.com'])).toBeUndefined();
    expect(pageDomain({ x: '1' })).toBeUndefined();
    expect(pageDomain(`${'a'.repeat(250)}.com`)).toBeUndefined();
  });
});
