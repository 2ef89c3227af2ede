import { Badge, Box, H2, H5, Link, Loader, Text } from '@adminjs/design-system';
import { ApiClient, ViewHelpers } from 'adminjs';
import React, { useEffect, useState } from 'react';
import type { DashboardSummary } from '../dashboard/dashboard-summary.js';

const api = new ApiClient();
const h = new ViewHelpers();
const SITES = 'CloudflareSite';
const WINDOWS = 'ScheduledMaintenance';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '');
const percent = (value: number | null) => (value === null ? '–' : `${value.toFixed(1)} %`);
const millis = (value: number | null) => (value === null ? '–' : value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(1)} s`);
const siteUrl = (id: string) => h.recordActionUrl({ resourceId: SITES, recordId: id, actionName: 'show' });
const windowUrl = (id: string) => h.recordActionUrl({ resourceId: WINDOWS, recordId: id, actionName: 'show' });

const Card: React.FC<{ title: string; testId: string; children: React.ReactNode }> = ({ title, testId, children }) => (
  <Box width={[1, 1 / 2, 1 / 3]} p="default">
    <Box variant="card" p="xl" height="100%" data-testid={testId}>
      <H5 mb="default">{title}</H5>
      {children}
    </Box>
  </Box>
);

const Figure: React.FC<{ value: string | number; note?: string }> = ({ value, note }) => (
  <>
    <H2 mb="sm">{value}</H2>
    {note ? <Text variant="sm">{note}</Text> : null}
  </>
);

/** Stacked bars of successes, failures and no-ops per day; plain SVG, no chart library. */
const PerDayChart: React.FC<{ days: DashboardSummary['perDay'] }> = ({ days }) => {
  const height = 120;
  const bar = 24;
  const gap = 8;
  const top = Math.max(1, ...days.map((day) => day.success + day.failed + day.skipped));
  const scale = (count: number) => (count / top) * height;
  const segments: [keyof Omit<DashboardSummary['perDay'][number], 'day'>, string][] = [
    ['success', '#3fa36b'],
    ['failed', '#c20012'],
    ['skipped', '#b5b5c3'],
  ];
  return (
    <svg viewBox={`0 0 ${days.length * (bar + gap)} ${height + 20}`} width="100%" role="img" aria-label="Operations per day" data-testid="per-day-chart">
      {days.map((day, index) => {
        let y = height;
        return (
          <g key={day.day} transform={`translate(${index * (bar + gap)}, 0)`}>
            <title>{`${day.day}: ${day.success} succeeded, ${day.failed} failed, ${day.skipped} no-op`}</title>
            {segments.map(([outcome, colour]) => {
              const size = scale(day[outcome]);
              y -= size;
              return size > 0 ? <rect key={outcome} x={0} y={y} width={bar} height={size} fill={colour} /> : null;
            })}
            <text x={bar / 2} y={height + 14} fontSize="10" textAnchor="middle">
              {day.day.slice(8)}
            </text>
          </g>
        );
      })}
    </svg>
  );
};

const Dashboard: React.FC = () => {
  const [summary, setSummary] = useState<DashboardSummary | null>(null);
  useEffect(() => {
    api.getDashboard().then((response) => setSummary(response.data as DashboardSummary));
  }, []);
  if (!summary) return <Loader />;
  const { sites, failures, last30Days } = summary;

  return (
    <Box flex flexDirection="row" flexWrap="wrap" p="lg" data-testid="dashboard">
      <Card title="In maintenance now" testId="dashboard-in-maintenance">
        <Figure value={sites.inMaintenance} note={`of ${sites.total} sites; ${sites.needsReconcile} need reconciling, ${sites.busy} busy, ${sites.inactive} inactive`} />
        {summary.inMaintenance.map((site) => (
          <Text key={site.id} mt="sm">
            <Link href={siteUrl(site.id)}>{site.domain}</Link> since {when(site.since)}
            {site.reason ? ` — ${site.reason}` : ''}
          </Text>
        ))}
      </Card>
      <Card title="Upcoming windows" testId="dashboard-windows">
        {summary.upcomingWindows.length === 0 ? <Text>None scheduled.</Text> : null}
        {summary.upcomingWindows.map((window) => (
          <Text key={window.id} mt="sm">
            <Badge variant={window.status === 'scheduled' ? 'light' : 'info'}>{window.status}</Badge> {window.title}: {when(window.startsAt)} –{' '}
            {when(window.endsAt)} ({window.sites} sites)
          </Text>
        ))}
      </Card>
      {summary.failingWindows.length > 0 ? (
        <Card title="Windows failing to end" testId="dashboard-end-failing">
          <Figure value={summary.failingWindows.length} note="past their end with sites still in maintenance; retried on every pass" />
          {summary.failingWindows.map((window) => (
            <Text key={window.id} mt="sm" variant="sm">
              <Link href={windowUrl(window.id)}>{window.title}</Link>: ended {when(window.endsAt)}, {window.sitesStillIn} sites still in maintenance,
              failing since {when(window.failingSince)}
              {window.lastError ? ` — ${window.lastError}` : ''}
            </Text>
          ))}
        </Card>
      ) : null}
      <Card title="Failures in the last 24 h" testId="dashboard-failures">
        <Figure value={failures.count} />
        {failures.latest.map((failure) => (
          <Text key={failure.id} mt="sm" variant="sm">
            {when(failure.createdAt)} {failure.action} {failure.domain}: {failure.errorMessage}
          </Text>
        ))}
      </Card>
      <Card title="Success rate, 30 days" testId="dashboard-success-rate">
        <Figure value={percent(last30Days.successRate)} note={`${last30Days.attempts} operations; no-ops not counted`} />
      </Card>
      <Card title="Average duration, 30 days" testId="dashboard-duration">
        <Figure value={millis(last30Days.avgDurationMs)} />
      </Card>
      <Card title={`Operations per day (UTC), last ${summary.perDay.length} days`} testId="dashboard-per-day">
        <PerDayChart days={summary.perDay} />
      </Card>
    </Box>
  );
};

export default Dashboard;
