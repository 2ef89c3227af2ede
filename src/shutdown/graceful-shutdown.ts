import { type INestApplication, Logger } from '@nestjs/common';
import { currentProcessOwner } from '../common/process-owner.js';
import { shutdownGate } from '../common/shutdown-gate.js';
import { ScheduleRunner } from '../schedules/schedule-runner.js';
import { WindowStore } from '../schedules/window-store.js';
import { SiteRepository } from '../sites/site.repository.js';

const POLL_MS = 100;

/**
 * What the server does on SIGTERM or SIGINT before Nest closes it: the gate is closed (no new site
 * transition starts, from the admin or a window), the scheduler starts no further pass, and the
 * transitions this process holds are given up to `drainMs` to finish, so that a restart finds no site
 * half-switched and no audit row pending. Then the application closes (HTTP server, webhooks, database).
 */
export async function shutDownGracefully(app: INestApplication, signal: NodeJS.Signals, drainMs: number): Promise<void> {
  const logger = new Logger('Shutdown');
  const deadline = Date.now() + drainMs;
  shutdownGate.close();
  logger.log(`${signal}: starting no new operation; waiting up to ${Math.round(drainMs / 1000)} s for those in flight`);
  const passesDone = await app.get(ScheduleRunner, { strict: false }).stop(deadline);
  const left = await heldUntil(app.get(SiteRepository, { strict: false }), app.get(WindowStore, { strict: false }), deadline);
  if (!passesDone || left.length) {
    logger.warn(
      `Stopping with work unfinished after ${Math.round(drainMs / 1000)} s (SHUTDOWN_DRAIN_SECONDS)` +
        `${left.length ? `: ${left.join(', ')} still held (the next operation or \`maintenance reconcile\` finishes them)` : ': a scheduler pass'}`,
    );
  } else {
    logger.log('Every operation in flight has finished');
  }
  await app.close();
}

/** Waits until this process holds no site or window claim, or the deadline; returns what it still holds. */
async function heldUntil(sites: SiteRepository, windows: WindowStore, deadline: number): Promise<string[]> {
  const owner = currentProcessOwner();
  for (;;) {
    const held = [...(await sites.transitionsClaimedBy(owner)), ...(await windows.claimedBy(owner)).map((title) => `window "${title}"`)];
    if (!held.length || Date.now() >= deadline) return held;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
