import { describe, expect, it } from '@jest/globals';
import { expectedEnd, maintenancePageHtml, retryAfterSeconds } from '../../src/maintenance-page/maintenance-page.html.js';
import { pageDomain } from '../../src/maintenance-page/maintenance-page.service.js';

const endsAt = new Date('2026-12-06T02:30:00Z');
const withWindow = { siteName: 'example.com', window: { message: 'New servers.', endsAt, timezone: 'Europe/Paris' }, reason: null };

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
    expect(retryAfterSeconds({ siteName: 'example.com', window: null, reason: null }, new Date(), 600)).toBe(600);
    expect(retryAfterSeconds(null, new Date(), 42)).toBe(42);
  });
});

describe('maintenancePageHtml', () => {
  it('shows the site, the message and the expected end', () => {
    const html = maintenancePageHtml(withWindow);
    expect(html).toContain('<title>example.com – down for maintenance</title>');
    expect(html).toContain('<h1>example.com is down for maintenance</h1>');
    expect(html).toContain('<p class="message">New servers.</p>');
    expect(html).toContain('Expected back by <time datetime="2026-12-06T02:30:00.000Z">Sunday 6 December 2026, 03:30 CET</time>');
  });

  it('shows the generic text for a window without a message, and no time without a window', () => {
    expect(maintenancePageHtml({ ...withWindow, window: { ...withWindow.window, message: ' ' } })).toContain('We are making improvements');
    const generic = maintenancePageHtml(null);
    expect(generic).toContain('<h1>This site is down for maintenance</h1>');
    expect(generic).not.toContain('Expected back');
  });

  it("shows the reason a site was put into maintenance with when no window's message says more, escaped", () => {
    const byHand = { siteName: 'example.com', window: null, reason: 'Back at <b>14:00</b> UTC' };
    expect(maintenancePageHtml(byHand)).toContain('<p class="message">Back at &lt;b&gt;14:00&lt;/b&gt; UTC</p>');
    expect(maintenancePageHtml({ ...withWindow, reason: 'Deploy 7' })).toContain('<p class="message">New servers.</p>');
    expect(maintenancePageHtml({ ...withWindow, window: { ...withWindow.window, message: '' }, reason: 'Deploy 7' })).toContain('<p class="message">Deploy 7</p>');
  });

  it('escapes the stored name and message', () => {
    const html = maintenancePageHtml({ siteName: `<i>O'Brien</i>`, window: { ...withWindow.window, message: '<a href="x">&</a>' }, reason: null });
    expect(html).toContain('&lt;i&gt;O&#39;Brien&lt;/i&gt;');
    expect(html).toContain('&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;');
    expect(html).not.toMatch(/<i>|<a /);
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
