import { z } from 'zod';
import { ValidationError } from '../common/errors.js';
import { parseFreeText, TEXT_BOUNDS } from '../common/free-text.validation.js';
import { checkTemplate, placeholderRefusal, templateRefusal } from './page-template.js';

export interface PageTranslation {
  title?: string;
  message?: string;
}

/** What a maintenance page shows besides the site and its window; every field is optional (docs/maintenance-page.md#branding). */
export interface PageBranding {
  title?: string;
  message?: string;
  logoUrl?: string;
  primaryColor?: string;
  backgroundColor?: string;
  textColor?: string;
  contactUrl?: string;
  /** A whole HTML document with placeholders, stored as sanitize-html wrote it back (page-template.ts). */
  template?: string;
  /** By canonical language tag (`fr`, `pt-BR`). */
  translations?: Record<string, PageTranslation>;
}

export const BRANDING_FIELDS = ['title', 'message', 'logoUrl', 'primaryColor', 'backgroundColor', 'textColor', 'contactUrl', 'template'] as const;
export type BrandingField = (typeof BRANDING_FIELDS)[number];

export const BRANDING_BOUNDS = { title: TEXT_BOUNDS.windowTitle, message: TEXT_BOUNDS.windowMessage, url: 2048, template: 100_000, translations: 30 } as const;

/** The input each field is validated as: the admin form's property, and what ValidationError.field names. */
export const BRANDING_INPUTS: Record<BrandingField | 'translations', string> = {
  title: 'pageTitle',
  message: 'pageMessage',
  logoUrl: 'pageLogoUrl',
  primaryColor: 'pagePrimaryColor',
  backgroundColor: 'pageBackgroundColor',
  textColor: 'pageTextColor',
  contactUrl: 'pageContactUrl',
  template: 'pageTemplate',
  translations: 'pageTranslations',
};

/** The key pageLanguages gives the page without a translation; no language may be called so. */
export const DEFAULT_LANGUAGE = 'default';

function text(label: string, max: number, multiLine = false) {
  return z.string().transform((raw, context) => {
    try {
      const value = parseFreeText(raw, { field: '', label, max, multiLine });
      if (value !== null) return value;
      context.addIssue({ code: 'custom', message: `The ${label} is empty; leave it out to use the default.` });
    } catch (error) {
      context.addIssue({ code: 'custom', message: (error as Error).message });
    }
    return z.NEVER;
  });
}

function url(label: string, schemes: string[], example: string, why: string) {
  return z.string().transform((raw, context) => {
    const value = raw.trim();
    const refuse = (problem: string) => {
      context.addIssue({ code: 'custom', message: `The ${label} "${value}" is not accepted: ${problem}. Expected ${why}, e.g. ${example}.` });
      return z.NEVER;
    };
    if (value.length > BRANDING_BOUNDS.url) return refuse(`it is ${value.length} characters long, at most ${BRANDING_BOUNDS.url} are accepted`);
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      return refuse('it is not an absolute URL');
    }
    const scheme = parsed.protocol.slice(0, -1);
    if (!schemes.includes(scheme)) return refuse(`the scheme ${scheme}: is not accepted`);
    if (parsed.username || parsed.password) return refuse('credentials in a URL are not accepted');
    if (scheme === 'https' && !parsed.hostname) return refuse('it has no host');
    return parsed.toString();
  });
}

function colour(label: string) {
  return z.string().transform((raw, context) => {
    const value = raw.trim().toLowerCase();
    if (/^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/.test(value)) return value;
    context.addIssue({ code: 'custom', message: `The ${label} "${raw.trim()}" is not a colour: expected #rgb or #rrggbb in hexadecimal, e.g. #1a73e8.` });
    return z.NEVER;
  });
}

/** `fr`, `pt-BR`, `zh-Hant`: a BCP 47 tag, written canonically (Intl.getCanonicalLocales: `pt-br` becomes `pt-BR`). */
export function canonicalLanguage(raw: string): string {
  const tag = raw.trim();
  let canonical: string | undefined;
  try {
    canonical = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/.test(tag) ? Intl.getCanonicalLocales(tag)[0] : undefined;
  } catch {
    canonical = undefined;
  }
  if (!canonical || canonical.toLowerCase() === DEFAULT_LANGUAGE) {
    throw new ValidationError(
      `Invalid language tag "${tag}": expected a language such as fr, de or pt-BR (a BCP 47 tag: a 2–3 letter language, then optional region or script).`,
      { field: BRANDING_INPUTS.translations },
    );
  }
  return canonical;
}

const language = z.string().transform((raw, context) => {
  try {
    return canonicalLanguage(raw);
  } catch (error) {
    context.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

const template = z.string().transform((raw, context) => {
  if (raw.length > BRANDING_BOUNDS.template) {
    context.addIssue({ code: 'custom', message: `The page template is ${raw.length} characters long: at most ${BRANDING_BOUNDS.template} are accepted.` });
    return z.NEVER;
  }
  if (!raw.trim()) {
    context.addIssue({ code: 'custom', message: 'The page template is empty; leave it out to use the default design.' });
    return z.NEVER;
  }
  const checked = checkTemplate(raw);
  if (checked.findings.length) context.addIssue({ code: 'custom', message: templateRefusal(checked.findings) });
  else if (checked.unknownPlaceholders.length) context.addIssue({ code: 'custom', message: placeholderRefusal(checked.unknownPlaceholders) });
  else return checked.html;
  return z.NEVER;
});

const titleText = text('page title', BRANDING_BOUNDS.title);
const messageText = text('page message', BRANDING_BOUNDS.message, true);

const translation = z
  .strictObject({ title: titleText.optional(), message: messageText.optional() })
  .refine((value) => value.title !== undefined || value.message !== undefined, { message: 'A translation needs a title, a message or both.' });

export const pageBrandingSchema = z.strictObject({
  title: titleText.optional(),
  message: messageText.optional(),
  logoUrl: url('logo URL', ['https'], 'https://example.com/logo.png', 'an https:// address of an image (the page loads images over https only)').optional(),
  primaryColor: colour('primary colour').optional(),
  backgroundColor: colour('background colour').optional(),
  textColor: colour('text colour').optional(),
  contactUrl: url('contact URL', ['https', 'mailto'], 'https://example.com/contact or mailto:ops@example.com', 'an https:// or mailto: address').optional(),
  template: template.optional(),
  translations: z
    .record(language, translation)
    .refine((value) => Object.keys(value).length <= BRANDING_BOUNDS.translations, {
      message: `At most ${BRANDING_BOUNDS.translations} translations are accepted.`,
    })
    .optional(),
});

/** The branding validated and normalised (URLs, colours and language tags written canonically, the template sanitised). */
export function parsePageBranding(raw: unknown): PageBranding {
  const result = pageBrandingSchema.safeParse(raw);
  if (result.success) return withoutEmpty(result.data);
  let issue = result.error.issues[0];
  // A refused language tag comes wrapped in the record's "invalid key" issue.
  if (issue.code === 'invalid_key' && issue.issues[0]) issue = { ...issue.issues[0], path: issue.path };
  const [top] = issue.path.map(String);
  const field = top && top in BRANDING_INPUTS ? BRANDING_INPUTS[top as keyof typeof BRANDING_INPUTS] : 'pageBranding';
  if (issue.code === 'unrecognized_keys') {
    throw new ValidationError(`Unknown page branding ${issue.keys.length > 1 ? 'fields' : 'field'} ${issue.keys.join(', ')}.`, { field });
  }
  const where = issue.path.length > 2 && top === 'translations' ? ` (translation ${String(issue.path[1])})` : '';
  throw new ValidationError(issue.message.endsWith('.') ? `${issue.message}${where}` : `${issue.message}${where}.`, { field });
}

function withoutEmpty(branding: PageBranding): PageBranding {
  const { translations, ...fields } = branding;
  const kept: PageBranding = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  return translations && Object.keys(translations).length ? { ...kept, translations } : kept;
}

export function isEmptyBranding(branding: PageBranding): boolean {
  return Object.keys(withoutEmpty(branding)).length === 0;
}

/**
 * A site's branding over the global default, field by field. A site that sets its own title or message
 * drops the default's translations of that field: they translate a text the site replaced.
 */
export function mergeBranding(defaults: PageBranding, site: PageBranding | null): PageBranding {
  if (!site) return defaults;
  const { translations: siteTranslations = {}, ...siteFields } = site;
  const { translations: defaultTranslations = {}, ...defaultFields } = defaults;
  const translations: Record<string, PageTranslation> = {};
  for (const [tag, inherited] of Object.entries(defaultTranslations)) {
    const kept = withoutEmpty({
      title: site.title === undefined ? inherited.title : undefined,
      message: site.message === undefined ? inherited.message : undefined,
    }) as PageTranslation;
    if (Object.keys(kept).length) translations[tag] = kept;
  }
  for (const [tag, own] of Object.entries(siteTranslations)) translations[tag] = { ...translations[tag], ...own };
  return withoutEmpty({ ...defaultFields, ...siteFields, translations });
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
  }
  return value;
}

/** Equal brandings, whatever the order of their keys (jsonb keeps its own). */
export function sameBranding(a: PageBranding | null, b: PageBranding | null): boolean {
  return JSON.stringify(canonical(a ?? {})) === JSON.stringify(canonical(b ?? {}));
}
