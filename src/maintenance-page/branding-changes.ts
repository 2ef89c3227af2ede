import { BRANDING_FIELDS, type BrandingField, canonicalLanguage, isEmptyBranding, type PageBranding, type PageTranslation, parsePageBranding } from './branding.js';

/**
 * An edit of a branding, as the CLI and the admin give it: undefined keeps a field, null or blank clears it.
 * Translations are edited per language; a language given null is removed.
 */
export type BrandingChanges = Partial<Record<BrandingField, string | null>> & {
  /** Start from nothing (a site: back to the global default) before applying the rest. */
  reset?: boolean;
  translations?: Record<string, { title?: string | null; message?: string | null } | null>;
};

export function hasBrandingChanges(changes: BrandingChanges | undefined): changes is BrandingChanges {
  return changes !== undefined && (changes.reset === true || BRANDING_FIELDS.some((field) => changes[field] !== undefined) || changes.translations !== undefined);
}

const blank = (value: string | null | undefined) => value === null || (value !== undefined && value.trim() === '');

function applyTranslation(current: PageTranslation | undefined, change: { title?: string | null; message?: string | null }): PageTranslation {
  const next: PageTranslation = { ...current };
  for (const field of ['title', 'message'] as const) {
    const value = change[field];
    if (value === undefined) continue;
    if (blank(value)) delete next[field];
    else next[field] = value!;
  }
  return next;
}

/** The branding after the changes, validated whole (page-branding rules in branding.ts); null when nothing is left. */
export function applyBrandingChanges(current: PageBranding | null, changes: BrandingChanges): PageBranding | null {
  const next: Record<string, unknown> = changes.reset ? {} : { ...current };
  for (const field of BRANDING_FIELDS) {
    const value = changes[field];
    if (value === undefined) continue;
    if (blank(value)) delete next[field];
    else next[field] = value;
  }
  if (changes.translations) {
    const translations: Record<string, PageTranslation> = { ...(changes.reset ? {} : current?.translations) };
    for (const [raw, change] of Object.entries(changes.translations)) {
      const tag = canonicalLanguage(raw);
      const edited = change === null ? {} : applyTranslation(translations[tag], change);
      if (Object.keys(edited).length) translations[tag] = edited;
      else delete translations[tag];
    }
    next.translations = translations;
  }
  const branding = parsePageBranding(next);
  return isEmptyBranding(branding) ? null : branding;
}
