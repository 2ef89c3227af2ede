import { IANAZone } from 'luxon';
import { formatInZone } from '../schedules/window-time.js';
import { DEFAULT_LANGUAGE, type PageBranding } from './branding.js';
import { escapeHtml } from './html-escape.js';
import { checkTemplate, fillTemplate } from './page-template.js';

/**
 * What the page may load, wherever it is served (our /maintenance and the Worker): no script at all, inline
 * CSS, and images over https or inline (a logo). A template cannot carry a script past the sanitiser; this
 * is the second line.
 */
export const PAGE_CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; base-uri 'none'; form-action 'none'";

export const GENERIC_MESSAGE = 'We are making improvements and will be back shortly. Thank you for your patience.';

const DEFAULT_COLOURS = { primaryColor: '#2563eb', backgroundColor: '#f4f5f7', textColor: '#1f2933' };
const COLOUR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

export interface MaintenancePageInput {
  domain: string;
  /** The site's display name, shown in place of the domain. */
  siteName?: string;
  /** The site's branding merged over the global default (mergeBranding). */
  branding: PageBranding;
  /** The window's message or the hand-enable reason: wins over the branding's message. */
  message?: string | null;
  endsAt: Date | null;
  /** The window's IANA zone, for the end time; UTC when unknown. */
  timezone?: string;
  /** A tag of pageLanguages(branding); the page without a translation when absent or 'default'. */
  language?: string;
}

/** The languages a site's page exists in: 'default', then each translation's tag. */
export function pageLanguages(branding: PageBranding): string[] {
  return [DEFAULT_LANGUAGE, ...Object.keys(branding.translations ?? {}).sort()];
}

/** "Sunday 6 December 2026, 03:30 CET" in the window's timezone (in UTC if that is no known zone). */
export function expectedEnd(endsAt: Date, timezone: string): string {
  return formatInZone(endsAt, IANAZone.isValidZone(timezone) ? timezone : 'UTC');
}

/** Stored branding is valid by construction; these checks only keep a hand-edited row from breaking out. */
const colour = (value: string | undefined, fallback: string) => (value && COLOUR.test(value) ? value : fallback);
const urlWith = (value: string | undefined, schemes: string[]) => (value && schemes.some((scheme) => value.startsWith(`${scheme}:`)) ? value : undefined);

interface PageTexts {
  site: string;
  title: string;
  message: string;
  endsAt: Date | null;
  endText: string | null;
  lang: string;
  logoUrl?: string;
  contactUrl?: string;
}

function texts(input: MaintenancePageInput): PageTexts {
  const { branding } = input;
  const language = input.language && input.language !== DEFAULT_LANGUAGE ? input.language : undefined;
  const translation = language ? branding.translations?.[language] : undefined;
  const site = input.siteName?.trim() || input.domain;
  return {
    site,
    title: translation?.title ?? branding.title ?? `${site} is down for maintenance`,
    message: input.message?.trim() || translation?.message || branding.message || GENERIC_MESSAGE,
    endsAt: input.endsAt,
    endText: input.endsAt ? expectedEnd(input.endsAt, input.timezone ?? 'UTC') : null,
    lang: translation ? language! : 'en',
    logoUrl: urlWith(branding.logoUrl, ['https']),
    contactUrl: urlWith(branding.contactUrl, ['https', 'mailto']),
  };
}

/**
 * The whole page, self-contained: the operator's template with its placeholders filled in, or the default
 * design. Every text is escaped, since a site name, a message or a window's reason may hold markup.
 */
export function renderMaintenancePage(input: MaintenancePageInput): string {
  const page = texts(input);
  return input.branding.template ? templatePage(input.branding.template, page) : defaultPage(input.branding, page);
}

function templatePage(template: string, page: PageTexts): string {
  // Sanitised again: a template is checked when saved, and a row edited by hand must not bypass that.
  const html = fillTemplate(checkTemplate(template).html, {
    site: escapeHtml(page.site),
    title: escapeHtml(page.title),
    message: escapeHtml(page.message),
    ends_at: page.endText ? escapeHtml(page.endText) : '',
    contact_url: escapeHtml(page.contactUrl ?? ''),
    logo_url: escapeHtml(page.logoUrl ?? ''),
  });
  const robots = '<meta name="robots" content="noindex">';
  const head = /<head\b[^>]*>/i.exec(html) ?? /<html\b[^>]*>/i.exec(html);
  const withRobots = head ? `${html.slice(0, head.index + head[0].length)}${robots}${html.slice(head.index + head[0].length)}` : `${robots}\n${html}`;
  return `<!doctype html>\n${withRobots}\n`;
}

function defaultPage(branding: PageBranding, page: PageTexts): string {
  const primary = colour(branding.primaryColor, DEFAULT_COLOURS.primaryColor);
  const background = colour(branding.backgroundColor, DEFAULT_COLOURS.backgroundColor);
  const text = colour(branding.textColor, DEFAULT_COLOURS.textColor);
  // The operator's colours are the design; the dark variant is only for ours.
  const ownColours = branding.backgroundColor !== undefined || branding.textColor !== undefined;
  const dark = ownColours
    ? ''
    : '@media (prefers-color-scheme:dark){body{background:#111827;color:#e5e7eb}main{background:#1f2937;box-shadow:none}}\n';
  const logo = page.logoUrl ? `<img class="logo" src="${escapeHtml(page.logoUrl)}" alt="${escapeHtml(page.site)}">\n` : '';
  const end = page.endsAt
    ? `<p class="end">Expected back by <time datetime="${page.endsAt.toISOString()}">${escapeHtml(page.endText!)}</time></p>\n`
    : '';
  const contact = page.contactUrl ? `<p class="contact"><a href="${escapeHtml(page.contactUrl)}">Contact us</a></p>\n` : '';
  return `<!doctype html>
<html lang="${escapeHtml(page.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(page.title)}</title>
<style>
${ownColours ? '' : ':root{color-scheme:light dark}\n'}body{margin:0;min-height:100vh;display:grid;place-items:center;background:${background};color:${text};font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{box-sizing:border-box;max-width:34rem;margin:1.5rem;padding:2.5rem 2rem;background:${ownColours ? `color-mix(in srgb,${background} 90%,#fff)` : '#fff'};border-top:4px solid ${primary};border-radius:12px;box-shadow:0 2px 12px rgba(15,23,42,.08);text-align:center;overflow-wrap:anywhere}
.logo{display:block;max-width:12rem;max-height:5rem;margin:0 auto 1.5rem}
h1{font-size:1.5rem;line-height:1.3;margin:0 0 1rem}
.message{margin:0;white-space:pre-line}
.end{margin:1.25rem 0 0;font-weight:600}
.contact{margin:1.25rem 0 0}
a{color:${primary}}
${dark}</style>
</head>
<body>
<main>
${logo}<h1>${escapeHtml(page.title)}</h1>
<p class="message">${escapeHtml(page.message)}</p>
${end}${contact}</main>
</body>
</html>
`;
}
