import { describe, expect, it } from '@jest/globals';
import { escapeControlCharacters } from '../../src/common/control-characters.js';
import { adminSuite } from '../support/admin-suite.js';
import { givenSite } from '../support/scenario.js';

const suite = adminSuite();
const SITES = 'CloudflareSite';
const WINDOWS = 'ScheduledMaintenance';

const HOSTILE = 'Legit\u001b[2J\u0007\r\n[Nest] 1 - 12/01/2026, 9:00:00 AM     LOG [Scheduler] forged\u202edesrever\u009b31m';

describe('hostile input in the admin panel: refused beside its field, nothing saved', () => {
  it('site forms: a control character in the name, a URL the site\'s own rules catch, "$" and a digit in the URL', async () => {
    suite.fake.addZone({ name: 'panel-hostile.com' });
    const before = await suite.dataSnapshot();
    const NEW = `/resources/${SITES}/actions/new`;
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ name: 'Shop\u001b[31m' }, 'name', /^The site name contains U\+001B \(ESC, which starts terminal escape sequences\) at character 5/],
      [{ name: 'n'.repeat(201) }, 'name', /^The site name is too long \(201 characters\): at most 200/],
      [{ maintenanceUrl: 'https://status.panel-hostile.com/' }, 'maintenanceUrl', /is on status\.panel-hostile\.com, which panel-hostile\.com's own maintenance rule \*panel-hostile\.com\/\* catches/],
      [{ subdomains: 'www', maintenanceUrl: 'https://WWW.panel-hostile.com./x' }, 'maintenanceUrl', /rule www\.panel-hostile\.com\/\* catches/],
      [{ maintenanceUrl: 'https://status.example.org/?from=$3' }, 'maintenanceUrl', /Cloudflare replaces "\$3" in a forwarding URL/],
    ];
    for (const [change, field, message] of cases) {
      const refused = await suite.client.submitForm(NEW, { domain: 'panel-hostile.com', name: '', subdomains: '', maintenanceUrl: '', ...change });
      expect({ change, errors: Object.keys(refused.record.errors) }).toEqual({ change, errors: [field] });
      expect(refused.record.errors[field].message).toMatch(message);
    }
    expect(await suite.dataSnapshot()).toEqual(before);

    const { site } = await givenSite(suite.ctx, suite.fake, 'panel-hostile-edit.com', { subdomains: 'www', maintenanceUrl: 'https://status.panel-hostile-edit.com/' });
    const edited = await suite.client.submitForm(`/resources/${SITES}/records/${site.id}/edit`, {
      name: site.name,
      subdomains: 'www, status',
      maintenanceUrl: 'https://status.panel-hostile-edit.com/',
    });
    expect(edited.record.errors).toEqual({ maintenanceUrl: { message: expect.stringMatching(/rule status\.panel-hostile-edit\.com\/\* catches/) } });
  });

  it('window form: a line break in the title, control characters or too much text in the message and description', async () => {
    await givenSite(suite.ctx, suite.fake, 'panel-hostile-window.com');
    const valid = { title: 'Window', sites: 'panel-hostile-window.com', start: '2031-12-07T02:00Z', end: '2031-12-07T03:00Z', reason: '', description: '' };
    const before = await suite.dataSnapshot();
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ title: 'Upgrade\r\n[Nest] forged' }, 'title', /^The title contains U\+000D \(carriage return\) at character 8/],
      [{ reason: 'Back soon\u001b]0;pwned\u0007' }, 'reason', /^The message contains U\+001B/],
      [{ reason: 'm'.repeat(2001) }, 'reason', /^The message is too long \(2001 characters\): at most 2000/],
      [{ description: 'notes\u202eesrever' }, 'description', /^The description contains U\+202E \(right-to-left override\)/],
    ];
    for (const [change, field, message] of cases) {
      const refused = await suite.client.submitForm(`/resources/${WINDOWS}/actions/new`, { ...valid, ...change });
      expect({ change, errors: Object.keys(refused.record.errors) }).toEqual({ change, errors: [field] });
      expect(refused.record.errors[field].message).toMatch(message);
    }
    expect(await suite.dataSnapshot()).toEqual(before);
    const saved = await suite.client.submitForm(`/resources/${WINDOWS}/actions/new`, { ...valid, reason: 'Back at 03:00.\r\nThanks!' });
    expect(saved.notice.type).toBe('success');
  });

  it('enable, one site or a selection: a reason with a control character or over 500 characters is refused in the notice', async () => {
    const { site, zone } = await givenSite(suite.ctx, suite.fake, 'panel-hostile-enable.com');
    const before = await suite.dataSnapshot();
    const long = await suite.client.recordAction(SITES, site.id, 'enableMaintenance', { reason: 'x'.repeat(501) });
    expect(long.notice).toEqual({ message: 'The reason is too long (501 characters): at most 500 characters are accepted.', type: 'error' });
    const bell = await suite.client.bulkAction(SITES, [site.id], 'bulkEnable', { reason: 'ding\u0007' });
    expect(bell.notice).toEqual({ message: expect.stringMatching(/^The reason contains U\+0007 \(BEL, the terminal bell\)/), type: 'error' });
    expect(await suite.dataSnapshot()).toEqual(before);
    expect(suite.fake.pageRules(zone.id)).toEqual([]);
  });
});

describe('the server log', () => {
  it('prints a stored window title holding control characters escaped, so that it cannot forge a record', async () => {
    const { site } = await givenSite(suite.ctx, suite.fake, 'log-hostile.com');
    const window = await suite.ctx.schedules.create(
      { title: 'Plain', sites: [site.domain], start: new Date(Date.now() + 3_600_000), durationMinutes: 10 },
      'test',
    );
    // As if stored by an older version, and due now: the scheduler inside the server starts it and logs its title.
    await suite.db.dataSource.query(`UPDATE scheduled_maintenances SET title = $1, starts_at = now() WHERE id = $2`, [HOSTILE, window.id]);
    const deadline = Date.now() + 30_000;
    while (!suite.server.output().includes(`(${window.id})`) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));

    const output = suite.server.output();
    expect(output).toContain(`Started "${escapeControlCharacters(HOSTILE)}" (${window.id})`);
    for (const raw of ['\u001b[2J', '\u0007', '\r', '\u202e', '\u009b']) expect(output).not.toContain(raw);
    expect(output).not.toMatch(/^\[Nest\] 1 - 12\/01\/2026/m);
  });
});
