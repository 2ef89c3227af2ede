import Negotiator from 'negotiator';
import { DEFAULT_LANGUAGE } from './branding.js';

/**
 * The page's language for a visitor's Accept-Language, among `languages` (pageLanguages): the best match by
 * quality, a region matching its language either way (`fr-CA` gets `fr`, `pt` gets `pt-BR`), else the page
 * without a translation.
 */
export function pickLanguage(acceptLanguage: string | undefined, languages: string[]): string {
  const translated = languages.filter((language) => language !== DEFAULT_LANGUAGE);
  // "*" (what fetch sends unless told otherwise) prefers nothing: it gets the page without a translation.
  const asked = (acceptLanguage ?? '')
    .split(',')
    .filter((range) => !['', '*'].includes(range.split(';')[0].trim()))
    .join(',');
  if (!asked || translated.length === 0) return DEFAULT_LANGUAGE;
  const [best] = new Negotiator({ headers: { 'accept-language': asked } }).languages(translated);
  return best ?? DEFAULT_LANGUAGE;
}
