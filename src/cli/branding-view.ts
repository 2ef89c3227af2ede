import type { PageBranding } from '../maintenance-page/branding.js';
import { inline } from './cli-output.js';

const LABELS: [keyof Omit<PageBranding, 'translations' | 'template'>, string][] = [
  ['title', 'title'],
  ['message', 'message'],
  ['logoUrl', 'logo URL'],
  ['contactUrl', 'contact URL'],
  ['primaryColor', 'primary colour'],
  ['backgroundColor', 'background colour'],
  ['textColor', 'text colour'],
];

/** A branding as indented lines for people (--json has it whole); "(none)" when it sets nothing. */
export function brandingLines(branding: PageBranding | null, indent = '  '): string {
  const lines = LABELS.filter(([key]) => branding?.[key] !== undefined).map(([key, label]) => `${indent}${label}: ${inline(branding![key])}`);
  if (branding?.template) lines.push(`${indent}template: ${branding.template.length} characters`);
  for (const [language, translation] of Object.entries(branding?.translations ?? {})) {
    const parts = [translation.title && `title "${inline(translation.title)}"`, translation.message && `message "${inline(translation.message)}"`].filter(Boolean);
    lines.push(`${indent}translation ${language}: ${parts.join(', ')}`);
  }
  return lines.length ? lines.join('\n') : `${indent}(none)`;
}
