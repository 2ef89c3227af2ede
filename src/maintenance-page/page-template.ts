import { createRequire } from 'node:module';
import type SanitizeHtml from 'sanitize-html';

/**
 * Required at the first template, not when the module loads: sanitize-html brings htmlparser2 and postcss
 * (about 100 ms to load), which no CLI command but a template edit needs (docs/cli-startup.md). Left out of
 * the CLI bundle, it is read from node_modules then.
 */
let sanitizer: typeof SanitizeHtml | undefined;
const sanitizeHtml = () => (sanitizer ??= createRequire(import.meta.url)('sanitize-html') as typeof SanitizeHtml);

/** What a template may say in `{{…}}`; each value is HTML-escaped where it is put (docs/maintenance-page.md#templates). */
export const PLACEHOLDERS = ['site', 'title', 'message', 'ends_at', 'contact_url', 'logo_url'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The elements a template may use: a document's frame, text, lists, tables, images and inline CSS (with sanitize-html's defaults). */
const ALLOWED_TAGS = ['html', 'head', 'body', 'title', 'meta', 'style', 'img', 'picture', 'source', 'center', 'font', 'big'];

const GLOBAL_ATTRIBUTES = ['class', 'id', 'style', 'title', 'lang', 'dir', 'role', 'hidden', 'aria-*', 'data-*'];
const ALLOWED_ATTRIBUTES: Record<string, string[]> = {
  '*': GLOBAL_ATTRIBUTES,
  a: ['href', 'target', 'rel', 'hreflang'],
  img: ['src', 'srcset', 'alt', 'width', 'height', 'loading', 'decoding'],
  source: ['srcset', 'media', 'type', 'width', 'height'],
  meta: ['charset', 'name', 'content'],
  time: ['datetime'],
  td: ['colspan', 'rowspan', 'align', 'valign'],
  th: ['colspan', 'rowspan', 'scope', 'align', 'valign'],
  ol: ['start', 'reversed', 'type'],
  font: ['color', 'face', 'size'],
};

/** Links may lead anywhere a visitor can follow; images load over https (the page's CSP says so) or inline. */
const SCHEMES = { href: ['https', 'http', 'mailto', 'tel'], src: ['https', 'data'] };

const FORBIDDEN_REASON: Record<string, string> = {
  script: 'scripts',
  noscript: 'scripts',
  iframe: 'frames',
  frame: 'frames',
  frameset: 'frames',
  object: 'embedded objects',
  embed: 'embedded objects',
  applet: 'embedded objects',
  base: 'a base URL',
  link: 'external stylesheets (put the CSS in a <style> element)',
  form: 'forms',
};

export interface TemplateFinding {
  /** How the refusal names it: "<script>", "an onload attribute", "a javascript: URL in href". */
  label: string;
  /** Why it cannot be on the page. */
  reason: string;
}

export interface CheckedTemplate {
  /** The template as sanitize-html wrote it back: what is stored and rendered. */
  html: string;
  /** Everything that sanitising had to remove; the template is refused when there is any. */
  findings: TemplateFinding[];
  /** `{{…}}` names that are no placeholder. */
  unknownPlaceholders: string[];
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

function schemeOf(value: string): string | null {
  // Browsers drop ASCII whitespace and controls inside a scheme ("java\tscript:"), so the check does too.
  const compact = [...value].filter((character) => character > ' ').join('');
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(compact);
  return match ? match[1].toLowerCase() : null;
}

function attributeFindings(tag: string, attributes: Record<string, string>): TemplateFinding[] {
  const findings: TemplateFinding[] = [];
  const allowed = [...(ALLOWED_ATTRIBUTES[tag] ?? []), ...GLOBAL_ATTRIBUTES];
  for (const [name, value] of Object.entries(attributes)) {
    const lower = name.toLowerCase();
    if (lower.startsWith('on')) {
      findings.push({ label: `${article(lower)} ${lower} attribute`, reason: 'event handlers' });
      continue;
    }
    if (tag === 'meta' && lower === 'http-equiv') {
      const what = value.trim().toLowerCase() === 'refresh' ? '<meta http-equiv="refresh">' : `<meta http-equiv="${value.trim()}">`;
      findings.push({ label: what, reason: 'refresh redirects and header overrides' });
      continue;
    }
    const globbed = allowed.some((pattern) => (pattern.endsWith('*') ? lower.startsWith(pattern.slice(0, -1)) : pattern === lower));
    if (!globbed) {
      findings.push({ label: `${article(lower)} ${lower} attribute on <${tag}>`, reason: 'attributes outside plain HTML and CSS' });
      continue;
    }
    const kind = lower === 'href' ? 'href' : lower === 'src' || lower === 'srcset' ? 'src' : null;
    if (!kind) continue;
    const urls = lower === 'srcset' ? value.split(',').map((candidate) => candidate.trim().split(/\s+/)[0] ?? '') : [value];
    for (const url of urls) {
      const scheme = schemeOf(url);
      if (scheme && !SCHEMES[kind].includes(scheme)) {
        findings.push({
          label: `${article(scheme)} ${scheme}: URL in ${lower}`,
          reason: scheme === 'javascript' || scheme === 'vbscript' ? 'scripts' : `${kind === 'href' ? 'links' : 'images'} other than ${SCHEMES[kind].join(', ')}`,
        });
      }
    }
  }
  return findings;
}

/**
 * Sanitises a template with sanitize-html (an allowlist of tags, attributes and URL schemes) and reports
 * what it removed, from the tags and attributes as the parser met them, before it changed anything.
 */
export function checkTemplate(template: string): CheckedTemplate {
  const findings: TemplateFinding[] = [];
  const sanitize = sanitizeHtml();
  const allowedTags = [...sanitize.defaults.allowedTags, ...ALLOWED_TAGS];
  const html = sanitize(template, {
    allowedTags,
    allowedAttributes: ALLOWED_ATTRIBUTES,
    allowedSchemes: SCHEMES.href,
    allowedSchemesByTag: { img: SCHEMES.src, source: SCHEMES.src },
    allowedSchemesAppliedToAttributes: ['href', 'src', 'srcset'],
    allowProtocolRelative: false,
    // <style> is what a template's design is made of; the page's CSP keeps CSS from loading anything but images.
    allowVulnerableTags: true,
    onOpenTag: (tag, attributes) => {
      const name = tag.toLowerCase();
      // Copied now: sanitize-html deletes what it refuses from the object it hands us.
      const found = attributeFindings(name, { ...attributes });
      if (allowedTags.includes(name)) {
        findings.push(...found);
      } else {
        // A refused element goes with its attributes; only its event handlers are worth naming as well.
        findings.push({ label: `<${name}>`, reason: FORBIDDEN_REASON[name] ?? 'elements outside plain HTML and CSS' });
        findings.push(...found.filter((finding) => finding.reason === 'event handlers'));
      }
    },
  });
  const unknownPlaceholders = [...new Set([...template.matchAll(PLACEHOLDER)].map((match) => match[1]))].filter(
    (name) => !(PLACEHOLDERS as readonly string[]).includes(name),
  );
  return { html, findings: dedupe(findings), unknownPlaceholders };
}

function dedupe(findings: TemplateFinding[]): TemplateFinding[] {
  const seen = new Set<string>();
  return findings.filter((finding) => !seen.has(finding.label) && seen.add(finding.label));
}

const NAMED = 5;

function listed(items: string[]): string {
  const named = items.slice(0, NAMED);
  const more = items.length > NAMED ? ` and ${items.length - NAMED} more` : '';
  return named.length === 1 ? named[0] + more : `${named.slice(0, -1).join(', ')}${more ? ', ' : ' and '}${named[named.length - 1]}${more}`;
}

/** "the template contains <script> and an onload attribute; remove them: scripts and event handlers cannot run on the maintenance page". */
export function templateRefusal(findings: TemplateFinding[]): string {
  const reasons = [...new Set(findings.map((finding) => finding.reason))];
  return (
    `The page template contains ${listed(findings.map((finding) => finding.label))}; remove ${findings.length > 1 ? 'them' : 'it'}: ` +
    `${listed(reasons)} cannot be used on the maintenance page (it accepts HTML and CSS only).`
  );
}

export function placeholderRefusal(unknown: string[]): string {
  return (
    `The page template uses ${listed(unknown.map((name) => `{{${name}}}`))}, which ${unknown.length > 1 ? 'are' : 'is'} not a placeholder; ` +
    `the placeholders are ${PLACEHOLDERS.map((name) => `{{${name}}}`).join(', ')}.`
  );
}

/** The template with each placeholder replaced by its value, already escaped by the caller. */
export function fillTemplate(template: string, escapedValues: Record<Placeholder, string>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => (name in escapedValues ? escapedValues[name as Placeholder] : whole));
}
