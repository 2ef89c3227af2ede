import { describe, expect, it } from '@jest/globals';
import { MaintenanceLog } from '../../src/logs/maintenance-log.entity.js';
import { ScheduledMaintenance } from '../../src/schedules/scheduled-maintenance.entity.js';
import { adminSuite } from '../support/admin-suite.js';
import { givenSite } from '../support/scenario.js';

const suite = adminSuite();
const WINDOWS = 'ScheduledMaintenance';
const NEW = `/resources/${WINDOWS}/actions/new`;
const windowRow = (id: string) => suite.db.dataSource.getRepository(ScheduledMaintenance).findOneByOrFail({ id });

const valid = {
  title: 'Panel window',
  sites: 'panel-window.com',
  start: '2031-12-07 02:00',
  end: '2031-12-07 03:30',
  durationMinutes: '',
  timezone: 'Europe/Berlin',
  recurrence: '',
  reason: 'Back at 03:30',
  description: '',
  manualStart: 'false',
};

describe('scheduled maintenance in the admin', () => {
  it('refuses bad input beside the field and saves nothing; saves a valid window with the service', async () => {
    await givenSite(suite.ctx, suite.fake, 'panel-window.com');
    const before = await suite.dataSnapshot();
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ end: '2031-12-07 01:00' }, 'end', /must be after the start/],
      [{ timezone: 'Europe/Nowhere' }, 'timezone', /Unknown timezone "Europe\/Nowhere"/],
      [{ recurrence: 'every sunday' }, 'recurrence', /five-field cron expression/],
      [{ sites: 'panel-window.com, unknown-site.com' }, 'sites', /Unknown site unknown-site\.com/],
      [{ sites: '' }, 'sites', /at least one site/],
    ];
    for (const [change, field, message] of cases) {
      const refused = await suite.client.submitForm(NEW, { ...valid, ...change });
      expect(Object.keys(refused.record.errors)).toEqual([field]);
      expect(refused.record.errors[field].message).toMatch(message);
      expect(refused.notice.type).toBe('error');
    }
    expect(await suite.dataSnapshot()).toEqual(before);

    const saved = await suite.client.submitForm(NEW, valid);
    expect(saved.notice).toEqual({ message: 'Planned "Panel window" for 1 sites.', type: 'success' });
    expect(saved.record.params).toMatchObject({
      status: 'scheduled',
      timezone: 'Europe/Berlin',
      sites: 'panel-window.com',
      start: '2031-12-07 02:00',
      localEnd: 'Sunday 7 December 2031, 03:30 CET',
      createdBy: 'admin:ops@example.com',
      autoEnable: true,
      autoDisable: true,
    });
    expect((await windowRow(saved.record.id)).startsAt.toISOString()).toBe('2031-12-07T01:00:00.000Z');

    const edited = await suite.client.submitForm(`/resources/${WINDOWS}/records/${saved.record.id}/edit`, {
      ...valid,
      end: '2031-12-07 04:00',
      manualEnd: 'true',
    });
    expect(edited.notice).toEqual({ message: 'Saved "Panel window".', type: 'success' });
    expect(await windowRow(saved.record.id)).toMatchObject({ endsAt: new Date('2031-12-07T03:00:00.000Z'), autoEnable: true, autoDisable: false });

    const cancelled = await suite.client.recordAction(WINDOWS, saved.record.id, 'cancelWindow', {});
    expect(cancelled.notice).toEqual({ message: 'Cancelled "Panel window".', type: 'success' });
    expect((await windowRow(saved.record.id)).status).toBe('cancelled');
  });

  it('starts a window now and ends it now, leaving a site that was already in maintenance as it was', async () => {
    const { zone, site } = await givenSite(suite.ctx, suite.fake, 'panel-now.com');
    const { zone: busyZone, site: busy } = await givenSite(suite.ctx, suite.fake, 'panel-busy.com');
    await suite.ctx.maintenance.enableMaintenance(busy, 'by hand', 'cli:operator');
    const window = await suite.ctx.schedules.create(
      { title: 'Now', sites: [site.domain, busy.domain], start: '2031-12-14T02:00Z', durationMinutes: 60 },
      'test',
    );

    const opened = await suite.client.recordAction(WINDOWS, window.id, 'startNow');
    expect(opened.notice).toBeUndefined();
    expect(suite.fake.pageRules(zone.id)).toEqual([]);

    const started = await suite.client.recordAction(WINDOWS, window.id, 'startNow', {});
    expect(started.notice).toEqual({
      message: 'Started "Now": 1 enabled, 1 already in maintenance, 0 disabled, 0 kept, 0 failed.',
      type: 'success',
    });
    expect(started.record.params.status).toBe('active');
    expect(suite.fake.pageRules(zone.id)).toHaveLength(1);
    const enable = await suite.db.dataSource.getRepository(MaintenanceLog).findOneByOrFail({ siteId: site.id, action: 'enable' });
    expect(enable.actor).toBe(`schedule:${window.id}`);

    const ended = await suite.client.recordAction(WINDOWS, window.id, 'endNow', {});
    expect(ended.notice).toEqual({ message: 'Ended "Now": 0 enabled, 0 already in maintenance, 1 disabled, 0 kept, 0 failed.', type: 'success' });
    expect(suite.fake.pageRules(zone.id)).toEqual([]);
    expect(suite.fake.pageRules(busyZone.id)).toHaveLength(1);
    expect((await windowRow(window.id)).status).toBe('completed');
    const shown = await suite.client.recordAction(WINDOWS, window.id, 'show');
    expect(shown.record.params.siteOutcomes).toBe('panel-busy.com: already_on (already in maintenance when the window started)\npanel-now.com: disabled');
    expect(shown.record.params.occurrences).toBe('2031-12-14T02:00:00.000Z: completed (1 enabled, 1 already on, 0 failed)');

    const again = await suite.client.recordAction(WINDOWS, window.id, 'endNow', {});
    expect(again.notice).toEqual({ message: 'Window "Now" is completed; only an active window can be ended.', type: 'error' });
  });

  it('lists windows with their local times and site counts, only to a logged-in user', async () => {
    const list = await suite.client.list(WINDOWS, { 'filters.status': 'completed' });
    expect(list.records.map((record: { params: Record<string, unknown> }) => [record.params.title, record.params.siteCount])).toEqual([['Now', 2]]);
    const anonymous = await suite.anonymous().request(`/admin/api/resources/${WINDOWS}/actions/list`);
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('location')).toBe('/admin/login');
  });
});
