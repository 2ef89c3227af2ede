import { describe, expect, it } from '@jest/globals';
import type { PageBranding } from '../../src/maintenance-page/branding.js';
import { type MaintenancePageInput, renderMaintenancePage } from '../../src/maintenance-page/render-page.js';
import { RenderedPages } from '../../src/maintenance-page/rendered-pages.js';

const branding: PageBranding = { title: 'Back soon', primaryColor: '#112233', translations: { fr: { title: 'Bientôt de retour' } } };
const base: MaintenancePageInput = {
  domain: 'shop.test',
  siteName: 'Shop',
  branding,
  message: 'Database upgrade',
  endsAt: new Date('2026-12-06T02:30:00Z'),
  timezone: 'Europe/Berlin',
  language: 'default',
};

/** The memo over the real renderer, counting what it really renders. */
function counted(limits = { pages: 100, length: 10_000_000 }) {
  const inputs: MaintenancePageInput[] = [];
  const pages = new RenderedPages(limits, (input) => {
    inputs.push(input);
    return renderMaintenancePage(input);
  });
  return { pages, inputs };
}

describe('the rendered pages memo', () => {
  it('renders an input once and serves the same page again, for an equal input built anew too', () => {
    const { pages, inputs } = counted();
    const first = pages.page(base);
    expect(pages.page(base)).toBe(first);
    expect(pages.page({ ...base, branding: structuredClone(branding), endsAt: new Date(base.endsAt!.getTime()) })).toBe(first);
    expect(first).toBe(renderMaintenancePage(base));
    expect(inputs).toHaveLength(1);
  });

  it.each<[string, Partial<MaintenancePageInput>]>([
    ['the domain', { domain: 'other.test' }],
    ['the name', { siteName: 'Other name' }],
    ['no name', { siteName: undefined }],
    ['the branding', { branding: { ...branding, title: 'Back later' } }],
    ['a translation of the branding', { branding: { ...branding, translations: { fr: { title: 'Plus tard' } } } }],
    ['the message', { message: 'Another reason' }],
    ['no message', { message: null }],
    ['the end', { endsAt: new Date('2026-12-06T03:30:00Z') }],
    ['no end', { endsAt: null }],
    ['the timezone', { timezone: 'America/New_York' }],
    ['the language', { language: 'fr' }],
  ])('renders again when %s changes, and serves exactly what the renderer gives for it', (_what, change) => {
    const { pages, inputs } = counted();
    pages.page(base);
    const changed = { ...base, ...change };
    const page = pages.page(changed);
    expect(inputs).toHaveLength(2);
    expect(page).toBe(renderMaintenancePage(changed));
    expect(pages.page(base)).toBe(renderMaintenancePage(base));
    expect(inputs).toHaveLength(2);
  });

  it('keeps at most its bound of pages, the least recently used going first', () => {
    const { pages, inputs } = counted({ pages: 2, length: 10_000_000 });
    const a = { ...base, domain: 'a.test' };
    const b = { ...base, domain: 'b.test' };
    const c = { ...base, domain: 'c.test' };
    pages.page(a);
    pages.page(b);
    pages.page(a);
    pages.page(c);
    expect(inputs.map((input) => input.domain)).toEqual(['a.test', 'b.test', 'c.test']);
    pages.page(a);
    pages.page(b);
    expect(inputs.map((input) => input.domain)).toEqual(['a.test', 'b.test', 'c.test', 'b.test']);
  });

  it('keeps at most its bound of total length', () => {
    const length = renderMaintenancePage(base).length;
    const { pages, inputs } = counted({ pages: 100, length: 2 * length + 10 });
    for (const domain of ['a.test', 'b.test', 'c.test', 'a.test']) pages.page({ ...base, domain });
    expect(inputs.map((input) => input.domain)).toEqual(['a.test', 'b.test', 'c.test', 'a.test']);
  });
});
