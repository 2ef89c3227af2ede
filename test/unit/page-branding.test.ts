import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '../../src/common/errors.js';
import { applyBrandingChanges } from '../../src/maintenance-page/branding-changes.js';
import { mergeBranding, type PageBranding, parsePageBranding } from '../../src/maintenance-page/branding.js';
import { checkTemplate } from '../../src/maintenance-page/page-template.js';

function refusal(raw: unknown): { field?: string; message: string } {
  try {
    parsePageBranding(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return { field: (error as ValidationError).field, message: (error as ValidationError).message };
  }
  throw new Error(`accepted: ${JSON.stringify(raw)}`);
}

describe('parsePageBranding', () => {
  it('accepts and normalises every field', () => {
    expect(
      parsePageBranding({
        title: '  Back soon ',
        message: 'Line one\r\nLine two',
        logoUrl: 'https://CDN.example.com/logo.png',
        primaryColor: '#FF6600',
        backgroundColor: '#fff',
        textColor: '#1f2933',
        contactUrl: 'mailto:ops@example.com',
        translations: { 'pt-br': { title: 'Voltamos logo' }, FR: { message: 'Fermé.' } },
      }),
    ).toEqual({
      title: 'Back soon',
      message: 'Line one\nLine two',
      logoUrl: 'https://cdn.example.com/logo.png',
      primaryColor: '#ff6600',
      backgroundColor: '#fff',
      textColor: '#1f2933',
      contactUrl: 'mailto:ops@example.com',
      translations: { 'pt-BR': { title: 'Voltamos logo' }, fr: { message: 'Fermé.' } },
    });
    expect(parsePageBranding({})).toEqual({});
  });

  it('refuses each bad field with a message naming it and what is accepted', () => {
    expect(refusal({ primaryColor: 'red' })).toEqual({
      field: 'pagePrimaryColor',
      message: 'The primary colour "red" is not a colour: expected #rgb or #rrggbb in hexadecimal, e.g. #1a73e8.',
    });
    expect(refusal({ backgroundColor: '#12345' }).field).toBe('pageBackgroundColor');
    expect(refusal({ textColor: '#ggg' }).field).toBe('pageTextColor');
    expect(refusal({ logoUrl: 'http://example.com/logo.png' })).toEqual({
      field: 'pageLogoUrl',
      message:
        'The logo URL "http://example.com/logo.png" is not accepted: the scheme http: is not accepted. ' +
        'Expected an https:// address of an image (the page loads images over https only), e.g. https://example.com/logo.png.',
    });
    expect(refusal({ logoUrl: 'logo.png' }).message).toContain('it is not an absolute URL');
    expect(refusal({ contactUrl: 'javascript:alert(1)' })).toMatchObject({ field: 'pageContactUrl', message: expect.stringContaining('the scheme javascript: is not accepted') });
    expect(refusal({ contactUrl: 'https://user:pw@example.com' }).message).toContain('credentials in a URL are not accepted');
    expect(refusal({ title: 'x'.repeat(201) })).toEqual({ field: 'pageTitle', message: 'The page title is too long (201 characters): at most 200 characters are accepted.' });
    expect(refusal({ title: 'two\nlines' }).message).toContain('line feed');
    expect(refusal({ message: 'x'.repeat(2001) }).field).toBe('pageMessage');
    expect(refusal({ title: '  ' }).message).toBe('The page title is empty; leave it out to use the default.');
    expect(refusal({ translations: { 'not a tag': { title: 'x' } } })).toMatchObject({ field: 'pageTranslations', message: expect.stringContaining('Invalid language tag "not a tag"') });
    expect(refusal({ translations: { default: { title: 'x' } } }).field).toBe('pageTranslations');
    expect(refusal({ translations: { fr: {} } }).message).toContain('A translation needs a title, a message or both');
    expect(refusal({ translations: { fr: { title: 'x'.repeat(300) } } })).toMatchObject({ field: 'pageTranslations', message: expect.stringContaining('(translation fr)') });
    expect(refusal({ colour: '#fff' })).toEqual({ field: 'pageBranding', message: 'Unknown page branding field colour.' });
  });
});

describe('page templates', () => {
  const refused = (template: string) => refusal({ template }).message;

  it('refuses a script and an event handler, naming both', () => {
    expect(refused('<html><body onload="go()"><script>go()</script><p>{{message}}</p></body></html>')).toBe(
      'The page template contains an onload attribute and <script>; remove them: event handlers and scripts cannot be used on the maintenance page (it accepts HTML and CSS only).',
    );
  });

  it('refuses javascript: URLs, frames, embedded objects and refresh redirects', () => {
    expect(refused('<a href=" JaVa\tScRiPt:alert(1)">x</a>')).toContain('a javascript: URL in href');
    expect(refused('<iframe src="https://example.com"></iframe>')).toContain('<iframe>');
    expect(refused('<object data="x.swf"></object><embed src="x.swf">')).toContain('<object> and <embed>');
    expect(refused('<meta http-equiv="refresh" content="0;url=https://evil.example">')).toContain('<meta http-equiv="refresh">');
    expect(refused('<svg><script>alert(1)</script></svg>')).toContain('<svg> and <script>');
    expect(refused('<img src="data:image/png;base64,AA" onerror="x()">')).toContain('an onerror attribute');
    expect(refused('<link rel="stylesheet" href="https://example.com/a.css">')).toContain('external stylesheets');
  });

  it('refuses an unknown placeholder, naming the known ones', () => {
    expect(refused('<p>{{site}} {{ customer }}</p>')).toBe(
      'The page template uses {{customer}}, which is not a placeholder; the placeholders are {{site}}, {{title}}, {{message}}, {{ends_at}}, {{contact_url}}, {{logo_url}}.',
    );
  });

  it('accepts inline CSS, style attributes and images, and stores what the sanitiser wrote, which it then accepts as it is', () => {
    const template = '<!doctype html><html><head><meta charset="utf-8"><style>h1{color:red}</style></head><body style="background:#000"><img src="{{logo_url}}" alt=""><h1 class="t">{{title}}</h1></body></html>';
    const { template: stored } = parsePageBranding({ template });
    expect(stored).toBe('<html><head><meta charset="utf-8" /><style>h1{color:red}</style></head><body style="background:#000"><img src="{{logo_url}}" alt="" /><h1 class="t">{{title}}</h1></body></html>');
    expect(checkTemplate(stored!)).toEqual({ html: stored, findings: [], unknownPlaceholders: [] });
  });

  it('refuses an empty or oversized template', () => {
    expect(refused(' ')).toBe('The page template is empty; leave it out to use the default design.');
    expect(refused('x'.repeat(100_001))).toContain('at most 100000 are accepted');
  });
});

describe('applyBrandingChanges', () => {
  const current: PageBranding = { title: 'Back soon', primaryColor: '#ff6600', translations: { fr: { title: 'Bientôt', message: 'Fermé.' } } };

  it('sets, clears and keeps fields; edits and removes translations per language', () => {
    expect(applyBrandingChanges(current, { message: 'Closed', primaryColor: '', translations: { FR: { message: null }, de: { title: 'Bald zurück' } } })).toEqual({
      title: 'Back soon',
      message: 'Closed',
      translations: { fr: { title: 'Bientôt' }, de: { title: 'Bald zurück' } },
    });
    expect(applyBrandingChanges(current, { translations: { fr: null } })).toEqual({ title: 'Back soon', primaryColor: '#ff6600' });
  });

  it('comes back to null (the default) when nothing is left, or on reset', () => {
    expect(applyBrandingChanges(current, { reset: true })).toBeNull();
    expect(applyBrandingChanges({ title: 'x' }, { title: null })).toBeNull();
    expect(applyBrandingChanges(current, { reset: true, textColor: '#000' })).toEqual({ textColor: '#000' });
  });

  it('validates the result whole, so that nothing invalid is kept', () => {
    expect(() => applyBrandingChanges(current, { textColor: 'black' })).toThrow(ValidationError);
    expect(() => applyBrandingChanges(current, { translations: { 'x y': { title: 'a' } } })).toThrow('Invalid language tag "x y"');
  });
});

describe('mergeBranding', () => {
  const defaults: PageBranding = {
    title: 'Down for maintenance',
    message: 'Back soon.',
    primaryColor: '#2563eb',
    translations: { fr: { title: 'En maintenance', message: 'Bientôt de retour.' }, de: { title: 'Wartung' } },
  };

  it("lays the site's fields over the default's, and the default alone without a site branding", () => {
    expect(mergeBranding(defaults, null)).toBe(defaults);
    expect(mergeBranding(defaults, { primaryColor: '#000', logoUrl: 'https://a.example/l.png' })).toEqual({ ...defaults, primaryColor: '#000', logoUrl: 'https://a.example/l.png' });
  });

  it("drops the default's translations of a field the site replaced, and adds the site's own", () => {
    expect(mergeBranding(defaults, { title: 'Shop closed', translations: { fr: { title: 'Boutique fermée' }, es: { message: 'Cerrado.' } } })).toEqual({
      title: 'Shop closed',
      message: 'Back soon.',
      primaryColor: '#2563eb',
      translations: { fr: { title: 'Boutique fermée', message: 'Bientôt de retour.' }, es: { message: 'Cerrado.' } },
    });
  });
});
