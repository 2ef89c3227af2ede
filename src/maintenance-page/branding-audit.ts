import { BRANDING_FIELDS, type BrandingField, type PageBranding, type PageTranslation, sameBranding } from './branding.js';

/** How long a text or URL may be in an audit line before it is cut: the log says what changed, it is no copy of the page. */
const SHOWN_CHARACTERS = 80;

const NAMES: Record<BrandingField, string> = {
  title: 'title',
  message: 'message',
  logoUrl: 'logo URL',
  contactUrl: 'contact URL',
  primaryColor: 'primary colour',
  backgroundColor: 'background colour',
  textColor: 'text colour',
  template: 'template',
};

const QUOTED: ReadonlySet<BrandingField> = new Set(['title', 'message']);

function shown(field: BrandingField, value: string | undefined): string {
  if (value === undefined) return '(none)';
  const line = value.replace(/\s+/g, ' ');
  const characters = [...line];
  const cut = characters.length > SHOWN_CHARACTERS ? `${characters.slice(0, SHOWN_CHARACTERS - 1).join('')}…` : line;
  return QUOTED.has(field) ? `"${cut}"` : cut;
}

function templateChange(before: string | undefined, after: string | undefined): string {
  return before === undefined ? 'set' : after === undefined ? 'removed' : 'changed';
}

function translationChanges(before: PageBranding['translations'] = {}, after: PageBranding['translations'] = {}): string[] {
  const same = (a: PageTranslation, b: PageTranslation) => a.title === b.title && a.message === b.message;
  const languages = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return languages.flatMap((tag) => {
    if (!after[tag]) return [`${tag} removed`];
    if (!before[tag]) return [`${tag} added`];
    return same(before[tag], after[tag]) ? [] : [`${tag} changed`];
  });
}

/**
 * One line for the audit row of a branding change, each changed field named with `subject` ("page", "default
 * page"): texts, URLs and colours before → after (long ones cut), the template only as set, changed or removed,
 * translations by language. Null when nothing changed.
 */
export function describeBrandingChange(before: PageBranding | null, after: PageBranding | null, subject: string): string | null {
  if (sameBranding(before, after)) return null;
  const [from, to] = [before ?? {}, after ?? {}];
  const parts: string[] = [];
  for (const field of BRANDING_FIELDS) {
    if (from[field] === to[field]) continue;
    parts.push(
      field === 'template'
        ? `${subject} template ${templateChange(from.template, to.template)}`
        : `${subject} ${NAMES[field]} ${shown(field, from[field])} → ${shown(field, to[field])}`,
    );
  }
  const translations = translationChanges(from.translations, to.translations);
  if (translations.length) parts.push(`${subject} translations ${translations.join(', ')}`);
  return parts.join('; ');
}
