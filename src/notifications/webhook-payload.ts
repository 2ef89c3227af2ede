import type { WindowEvent } from './window-event.js';

const MAX_LISTED_FAILURES = 10;
const MAX_ERROR_LENGTH = 200;

/** What is POSTed: the event as it is, plus `text` so that a Slack incoming webhook shows something readable. */
export type WebhookPayload = WindowEvent & { text: string };

export function webhookPayload(event: WindowEvent): WebhookPayload {
  return { ...event, text: webhookText(event) };
}

/** The summary, then one line per failed site (the first few). */
export function webhookText(event: WindowEvent): string {
  const { failures } = event.sites;
  const lines = [event.summary];
  if (failures.length > 0) {
    lines.push('Failed sites:');
    for (const failure of failures.slice(0, MAX_LISTED_FAILURES)) {
      lines.push(`• ${failure.domain}: ${oneLine(failure.error)}`);
    }
    if (failures.length > MAX_LISTED_FAILURES) lines.push(`… and ${failures.length - MAX_LISTED_FAILURES} more`);
  }
  return slackEscape(lines.join('\n'));
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_ERROR_LENGTH ? `${flat.slice(0, MAX_ERROR_LENGTH - 1)}…` : flat;
}

// Slack reads <…> as links and mentions (<!channel>) and & as the start of an entity; these three are the
// only characters it asks to be escaped for the text to show as written.
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
