import { describe, expect, it } from '@jest/globals';
import { webhookPayload, webhookText } from '../../src/notifications/webhook-payload.js';
import { aWindowEvent } from '../support/window-events.js';

function withFailures(failures: { domain: string; error: string }[]) {
  return aWindowEvent({
    type: 'window.failed',
    sites: { total: failures.length, enabled: 0, alreadyOn: 0, failed: failures.length, failures },
    summary: 'Maintenance window “DB upgrade” failed: no site could be put into maintenance.',
  });
}

describe('webhookPayload', () => {
  it('is the event with the text beside it', () => {
    const event = aWindowEvent();
    expect(webhookPayload(event)).toEqual({ ...event, text: event.summary });
  });
});

describe('webhookText', () => {
  it('lists the failed sites under the summary, one line each', () => {
    const text = webhookText(withFailures([
      { domain: 'a.com', error: 'Page Rule quota reached:\n  3 of 3 used' },
      { domain: 'b.com', error: 'HTTP 403' },
    ]));
    expect(text).toBe(
      'Maintenance window “DB upgrade” failed: no site could be put into maintenance.\n' +
        'Failed sites:\n• a.com: Page Rule quota reached: 3 of 3 used\n• b.com: HTTP 403',
    );
  });

  it('shows the first ten failures and counts the rest, each cut short', () => {
    const failures = Array.from({ length: 13 }, (_, index) => ({ domain: `site-${index}.com`, error: 'x'.repeat(500) }));
    const lines = webhookText(withFailures(failures)).split('\n');
    expect(lines).toHaveLength(2 + 10 + 1);
    expect(lines.at(-1)).toBe('… and 3 more');
    expect(lines[2].length).toBeLessThan(230);
  });

  it('escapes what Slack would read as markup, so that <!channel> or a link shows as written', () => {
    const text = webhookText(aWindowEvent({ summary: 'Window “<!channel> & <https://evil.example|click>” started.' }));
    expect(text).toBe('Window “&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;” started.');
  });
});
