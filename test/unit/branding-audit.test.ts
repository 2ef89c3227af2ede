import { describe, expect, it } from '@jest/globals';
import { describeBrandingChange } from '../../src/maintenance-page/branding-audit.js';

describe('describeBrandingChange', () => {
  it('is null when nothing changed, whatever the order of the keys', () => {
    expect(describeBrandingChange({ title: 'A', primaryColor: '#fff' }, { primaryColor: '#fff', title: 'A' }, 'page')).toBeNull();
    expect(describeBrandingChange(null, {}, 'page')).toBeNull();
  });

  it('names each changed field before → after, texts quoted, unset as (none)', () => {
    expect(
      describeBrandingChange(
        { title: 'Back soon', primaryColor: '#fff', contactUrl: 'mailto:ops@example.com' },
        { title: 'Closed for stocktaking', primaryColor: '#ff6600', logoUrl: 'https://cdn.example.com/logo.png', contactUrl: 'mailto:ops@example.com' },
        'page',
      ),
    ).toBe('page title "Back soon" → "Closed for stocktaking"; page logo URL (none) → https://cdn.example.com/logo.png; page primary colour #fff → #ff6600');
    expect(describeBrandingChange({ message: 'Gone.' }, null, 'default page')).toBe('default page message "Gone." → (none)');
  });

  it('cuts a long text to one line of 80 characters and never copies the template', () => {
    const message = `${'x'.repeat(100)}\nsecond line`;
    const template = `<main>${'y'.repeat(5000)}</main>`;
    const line = describeBrandingChange(null, { message, template }, 'page')!;
    expect(line).toBe(`page message (none) → "${'x'.repeat(79)}…"; page template set`);
    expect(describeBrandingChange({ template }, { template: '<p>{{message}}</p>' }, 'page')).toBe('page template changed');
    expect(describeBrandingChange({ template }, {}, 'page')).toBe('page template removed');
  });

  it('names translations by language: added, changed, removed', () => {
    expect(
      describeBrandingChange(
        { translations: { fr: { title: 'Bientôt' }, de: { title: 'Bald' } } },
        { translations: { fr: { title: 'Bientôt de retour' }, es: { message: 'Volvemos pronto.' } } },
        'page',
      ),
    ).toBe('page translations de removed, es added, fr changed');
  });
});
