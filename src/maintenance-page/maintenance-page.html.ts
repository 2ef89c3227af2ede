import { IANAZone } from 'luxon';
import { formatInZone } from '../schedules/window-time.js';
import type { MaintenancePageView } from './maintenance-page.service.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character]);
}

const GENERIC_MESSAGE = 'We are making improvements and will be back shortly. Thank you for your patience.';

/** Seconds until the active window ends (at least 1), or the configured default without one. */
export function retryAfterSeconds(page: MaintenancePageView | null, now: Date, defaultSeconds: number): number {
  if (!page?.window) return defaultSeconds;
  return Math.max(1, Math.ceil((page.window.endsAt.getTime() - now.getTime()) / 1000));
}

/** "Sunday 6 December 2026, 03:30 CET" in the window's timezone (in UTC if that is no known zone). */
export function expectedEnd(endsAt: Date, timezone: string): string {
  return formatInZone(endsAt, IANAZone.isValidZone(timezone) ? timezone : 'UTC');
}

/** The whole page, self-contained; every stored text is escaped, since an operator's message may hold markup. */
export function maintenancePageHtml(page: MaintenancePageView | null): string {
  const name = page ? escapeHtml(page.siteName) : undefined;
  const message = escapeHtml(page?.window?.message?.trim() || page?.reason?.trim() || GENERIC_MESSAGE);
  const end = page?.window
    ? `<p class="end">Expected back by <time datetime="${page.window.endsAt.toISOString()}">` +
      `${escapeHtml(expectedEnd(page.window.endsAt, page.window.timezone))}</time></p>\n`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${name ? `${name} – down for maintenance` : 'Down for maintenance'}</title>
<style>
:root{color-scheme:light dark}
body{margin:0;min-height:100vh;display:grid;place-items:center;background:#f4f5f7;color:#1f2933;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{box-sizing:border-box;max-width:34rem;margin:1.5rem;padding:2.5rem 2rem;background:#fff;border-radius:12px;box-shadow:0 2px 12px rgba(15,23,42,.08);text-align:center;overflow-wrap:anywhere}
h1{font-size:1.5rem;line-height:1.3;margin:0 0 1rem}
.message{margin:0;white-space:pre-line}
.end{margin:1.25rem 0 0;font-weight:600}
@media (prefers-color-scheme:dark){body{background:#111827;color:#e5e7eb}main{background:#1f2937;box-shadow:none}}
</style>
</head>
<body>
<main>
<h1>${name ?? 'This site'} is down for maintenance</h1>
<p class="message">${message}</p>
${end}</main>
</body>
</html>
`;
}
