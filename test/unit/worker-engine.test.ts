import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { KeyBoundClient } from '../../src/cloudflare/key-bound-client.js';
import type { WorkerRouteRecord, WorkerScriptState, WorkerScriptUpload } from '../../src/cloudflare/workers.js';
import { ConflictError, QuotaError } from '../../src/common/errors.js';
import type { WorkerSiteEntry } from '../../src/maintenance/engines/worker/worker-site-entry.js';
import { detectDrift } from '../../src/maintenance/engines/worker/drift.js';
import { planRoutes, ROUTES_PER_ZONE } from '../../src/maintenance/engines/worker/route-plan.js';
import { convergeScript, desiredScript, MAX_SCRIPT_WRITES } from '../../src/maintenance/engines/worker/script-deployment.js';
import { assertScriptFits, scriptSize, WORKER_SIZE_LIMITS } from '../../src/maintenance/engines/worker/script-size.js';
import { routeTarget } from '../../src/maintenance/engines/worker/worker-route-target.js';
import { versionTag } from '../../src/maintenance/engines/worker/worker-script-names.js';
import { workersPlanNotes } from '../../src/maintenance/engines/worker/workers-plan-notes.js';

const OURS = 'cfm-maintenance';
const ACCOUNT = 'acc-1';
/** A route of the zone; `null` for one without a script (it turns Workers off for the pattern). */
const route = (id: string, pattern: string, script: string | null = OURS): WorkerRouteRecord => ({ id, pattern, ...(script ? { script } : {}) });

function entry(siteId: string, domain = `${siteId}.test`): WorkerSiteEntry {
  return {
    siteId,
    domain,
    hosts: [domain],
    hostSuffixes: [`.${domain}`],
    bypassIps: [],
    bypassSecretSha256: null,
    excludedPaths: [],
    endsAt: null,
    retryAfterSeconds: 600,
    pages: { default: `<p>${domain}</p>` },
  };
}

/** A strict stand-in for the script endpoints of one account: what was deployed, and every write in order. */
class ScriptsOfOneAccount {
  deployed: WorkerScriptState | null = null;
  writes: string[] = [];
  /** Each time the script was taken off workers.dev, with the version it then carried. */
  workersDevOff: string[] = [];
  /** Runs before each read of the deployed script, to let "another process" act between a write and the check. */
  beforeRead: () => void = () => {};

  client(): KeyBoundClient {
    return {
      getWorkerScript: async (accountId: string, name: string) => {
        expect([accountId, name]).toEqual([ACCOUNT, OURS]);
        this.beforeRead();
        return this.deployed && { ...this.deployed, tags: [...this.deployed.tags] };
      },
      uploadWorkerScript: async (upload: WorkerScriptUpload) => {
        expect(upload).toMatchObject({ accountId: ACCOUNT, scriptName: OURS, moduleName: 'maintenance.mjs' });
        this.deployed = { name: OURS, tags: upload.tags };
        this.writes.push(`upload ${upload.tags.join(',')}`);
      },
      disableWorkersDev: async (accountId: string, name: string) => {
        expect([accountId, name]).toEqual([ACCOUNT, OURS]);
        this.workersDevOff.push(this.deployed?.tags.join(',') ?? 'no script');
        return { enabled: false, previewsEnabled: false };
      },
      deleteWorkerScript: async () => {
        const existed = this.deployed !== null;
        this.deployed = null;
        this.writes.push('delete');
        return existed;
      },
    } as unknown as KeyBoundClient;
  }
}

const progress = () => ({ step: '', adopted: [], created: [] });

describe('worker routes: the plan', () => {
  const patterns = ['shop.test/*', '*.shop.test/*'];

  it('creates every pattern in an empty zone and adopts ours already there', () => {
    expect(planRoutes('shop.test', patterns, [])).toEqual({ adopt: [], create: patterns });
    const left = route('r1', 'shop.test/*');
    expect(planRoutes('shop.test', patterns, [left, route('u1', 'blog.other.test/*', 'user-worker')])).toEqual({ adopt: [left], create: ['*.shop.test/*'] });
  });

  it("refuses with ConflictError naming a user's route that holds one of our patterns, for another script or none", () => {
    for (const script of ['user-worker', null]) {
      const taken = route('u1', '*.shop.test/*', script);
      expect(() => planRoutes('shop.test', patterns, [taken])).toThrow(ConflictError);
      expect(() => planRoutes('shop.test', patterns, [taken])).toThrow(/\*\.shop\.test\/\* to .*\(route u1\).*left alone/);
    }
  });

  it('refuses with QuotaError saying what is needed and free when the zone has no room for the routes', () => {
    const full = Array.from({ length: ROUTES_PER_ZONE - 1 }, (_, index) => route(`u${index}`, `h${index}.other.test/*`, 'user-worker'));
    let refused: unknown;
    try {
      planRoutes('shop.test', patterns, full);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(QuotaError);
    expect(refused).toMatchObject({ needed: 2, free: 1, quota: ROUTES_PER_ZONE, message: expect.stringMatching(/needs 2 new Worker route\(s\) but the zone has 1 free/) });
    // Adopting ours needs no room.
    expect(planRoutes('shop.test', patterns, [...full.slice(1), route('r1', 'shop.test/*')]).create).toEqual(['*.shop.test/*']);
  });
});

describe('worker engine: drift', () => {
  const patterns = ['shop.test/*', '*.shop.test/*'];
  const stored = [{ id: 'r1', target: routeTarget('shop.test/*') }, { id: 'r2', target: routeTarget('*.shop.test/*') }];
  const on = { maintenanceState: 'on' as const, maintenanceRules: stored };
  const same = { deployed: 'v1', desired: 'v1' };

  it('finds nothing when the routes and the script are as stored', () => {
    expect(detectDrift(on, patterns, [route('r1', 'shop.test/*'), route('r2', '*.shop.test/*'), route('u1', 'other.test/*', 'theirs')], same, false)).toEqual([]);
  });

  it('reports a deleted route as missing and a route now running another Worker as taken (report only)', () => {
    const drift = detectDrift(on, patterns, [route('r2', '*.shop.test/*', 'theirs')], same, false);
    expect(drift.map(({ kind, ruleId }) => ({ kind, ruleId }))).toEqual([
      { kind: 'rule_missing', ruleId: 'r1' },
      { kind: 'rule_taken', ruleId: 'r2' },
    ]);
  });

  it('reports a stale, a missing and an unneeded script', () => {
    const routes = [route('r1', 'shop.test/*'), route('r2', '*.shop.test/*')];
    expect(detectDrift(on, patterns, routes, { deployed: 'v0', desired: 'v1' }, false)).toEqual([{ kind: 'rule_stale', message: expect.stringMatching(/version v0.*need version v1/) }]);
    expect(detectDrift(on, patterns, routes, { deployed: null, desired: 'v1' }, false)).toEqual([{ kind: 'rule_missing', message: expect.stringMatching(/missing/) }]);
    const off = { maintenanceState: 'off' as const, maintenanceRules: [] };
    expect(detectDrift(off, patterns, [], { deployed: 'v1', desired: null }, false)).toEqual([{ kind: 'rule_orphaned', message: expect.stringMatching(/no site of the account needs it/) }]);
  });

  it('reports a script that also answers on workers.dev as stale on a site in maintenance (reconcile re-applies, which turns it off)', () => {
    const routes = [route('r1', 'shop.test/*'), route('r2', '*.shop.test/*')];
    expect(detectDrift(on, patterns, routes, { ...same, onWorkersDev: true }, false)).toEqual([
      { kind: 'rule_stale', message: expect.stringMatching(/cfm-maintenance also answers on the account's workers\.dev subdomain.*daily requests/) },
    ]);
    expect(detectDrift(on, patterns, routes, { ...same, onWorkersDev: false }, false)).toEqual([]);
    const off = { maintenanceState: 'off' as const, maintenanceRules: [] };
    expect(detectDrift(off, patterns, [], { deployed: 'v1', desired: 'v1', onWorkersDev: true }, false)).toEqual([]);
  });

  it('reports our routes left on a site out of maintenance, and an unrecorded one of ours, as orphaned', () => {
    const off = { maintenanceState: 'off' as const, maintenanceRules: [] };
    expect(detectDrift(off, patterns, [route('r9', 'shop.test/*'), route('u1', '*.shop.test/*', 'theirs')], { deployed: null, desired: null }, false)).toEqual([
      { kind: 'rule_orphaned', ruleId: 'r9', message: expect.stringMatching(/out of maintenance/) },
    ]);
    expect(detectDrift(on, patterns, [route('r1', 'shop.test/*'), route('r2', '*.shop.test/*'), route('r3', 'old.shop.test/*')], same, false)).toEqual([]);
    const unrecorded = detectDrift({ ...on, maintenanceRules: [stored[0]] }, patterns, [route('r1', 'shop.test/*'), route('r7', '*.shop.test/*')], same, false);
    expect(unrecorded).toEqual([{ kind: 'rule_orphaned', ruleId: 'r7', message: expect.stringMatching(/not recorded/) }]);
  });
});

describe('worker script: convergence', () => {
  it('uploads once with the version tag, and skips the upload when the deployed script carries it', async () => {
    const scripts = new ScriptsOfOneAccount();
    const entries = [entry('a'), entry('b')];
    const version = desiredScript(entries)!.version;
    await expect(convergeScript(scripts.client(), ACCOUNT, async () => entries, progress(), 'test', 'paid')).resolves.toBe(version);
    await expect(convergeScript(scripts.client(), ACCOUNT, async () => entries, progress(), 'test', 'paid')).resolves.toBe(version);
    expect(scripts.writes).toEqual([`upload ${versionTag(version)}`]);
  });

  it('takes the script off workers.dev right after the upload that creates it, and only then', async () => {
    const scripts = new ScriptsOfOneAccount();
    const first = desiredScript([entry('a')])!.version;
    await convergeScript(scripts.client(), ACCOUNT, async () => [entry('a')], progress(), 'test', 'paid');
    await convergeScript(scripts.client(), ACCOUNT, async () => [entry('a'), entry('b')], progress(), 'test', 'paid');
    expect(scripts.writes).toHaveLength(2);
    expect(scripts.workersDevOff).toEqual([versionTag(first)]);

    await convergeScript(scripts.client(), ACCOUNT, async () => [], progress(), 'test', 'paid');
    await convergeScript(scripts.client(), ACCOUNT, async () => [entry('c')], progress(), 'test', 'paid');
    expect(scripts.workersDevOff).toEqual([versionTag(first), versionTag(desiredScript([entry('c')])!.version)]);
  });

  it('deletes the script when no site needs it, and does nothing when there is none', async () => {
    const scripts = new ScriptsOfOneAccount();
    await convergeScript(scripts.client(), ACCOUNT, async () => [entry('a')], progress(), 'test', 'paid');
    await expect(convergeScript(scripts.client(), ACCOUNT, async () => [], progress(), 'test', 'paid')).resolves.toBeNull();
    await convergeScript(scripts.client(), ACCOUNT, async () => [], progress(), 'test', 'paid');
    expect(scripts.writes).toEqual([expect.stringMatching(/^upload /), 'delete']);
  });

  it("uploads again when another site's operation overwrote the script between the read and the check", async () => {
    const scripts = new ScriptsOfOneAccount();
    let sites = [entry('a')];
    let reads = 0;
    scripts.beforeRead = () => {
      // After our upload, another process enabling b uploads a script it built before a was recorded.
      reads += 1;
      if (reads !== 2) return;
      sites = [entry('a'), entry('b')];
      scripts.deployed = { name: OURS, tags: [versionTag(desiredScript([entry('b')])!.version)] };
    };
    const version = await convergeScript(scripts.client(), ACCOUNT, async () => sites, progress(), 'test', 'paid');
    expect(version).toBe(desiredScript([entry('a'), entry('b')])!.version);
    expect(scripts.deployed?.tags).toEqual([versionTag(version!)]);
  });

  it('gives up with ConflictError after a bounded number of uploads when the script keeps changing under it', async () => {
    const scripts = new ScriptsOfOneAccount();
    let round = 0;
    scripts.beforeRead = () => {
      round += 1;
      scripts.deployed = { name: OURS, tags: [versionTag(`other-${round}`)] };
    };
    await expect(convergeScript(scripts.client(), ACCOUNT, async () => [entry('a')], progress(), 'test', 'paid')).rejects.toThrow(ConflictError);
    expect(scripts.writes).toHaveLength(MAX_SCRIPT_WRITES);
  });
});

describe('worker script: the size Cloudflare allows', () => {
  const MIB = 1024 * 1024;
  /** Random text of about `mib` MiB: base64 compresses to about three quarters, so its gzip is about 0.75 × `mib`. */
  const incompressible = (mib: number) => randomBytes(Math.round(mib * MIB * 0.75)).toString('base64');
  /** A site whose page hardly compresses, as a big template with many translations would weigh. */
  const heavy = (siteId: string, mib: number): WorkerSiteEntry => ({ ...entry(siteId), pages: { default: `<p>${incompressible(mib)}</p>` } });

  it('refuses before uploading a script over the Free plan limit after compression, naming its size, the limit and the remedies', async () => {
    const sites = [heavy('a', 2.5), heavy('b', 2.5)];
    const size = scriptSize(desiredScript(sites)!.source);
    expect(size.gzipBytes).toBeGreaterThan(WORKER_SIZE_LIMITS.compressed.free);
    expect(size.gzipBytes).toBeLessThan(WORKER_SIZE_LIMITS.compressed.paid);
    const scripts = new ScriptsOfOneAccount();

    const refused = await convergeScript(scripts.client(), ACCOUNT, async () => sites, progress(), 'test', 'free').then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(refused).toBeInstanceOf(QuotaError);
    expect(refused).toMatchObject({ needed: size.gzipBytes, free: 3 * MIB, quota: 3 * MIB });
    expect((refused as QuotaError).message).toBe(
      `The worker script cfm-maintenance of account ${ACCOUNT} would be ${(size.gzipBytes / MIB).toFixed(2)} MiB after compression (gzip), ` +
        'over the 3.00 MiB Cloudflare allows a Worker on the Workers Free plan (CLOUDFLARE_WORKERS_PLAN=free). It holds the page of 2 site(s) in each ' +
        'of their languages. Nothing was uploaded. To fit, use the Workers Paid plan (10.00 MiB; then set CLOUDFLARE_WORKERS_PLAN=paid), ' +
        'make the page templates or translations smaller, or put some of the sites on another engine.',
    );
    expect(scripts.writes).toEqual([]);

    // The same sites fit the Paid plan's 10 MiB.
    await convergeScript(scripts.client(), ACCOUNT, async () => sites, progress(), 'test', 'paid');
    expect(scripts.writes).toEqual([expect.stringMatching(/^upload /)]);
  });

  it('refuses a script over the Paid plan limit after compression, without suggesting the plan it is on', () => {
    const source = incompressible(14.5);
    expect(() => assertScriptFits(source, 40, 'paid', ACCOUNT)).toThrow(
      /after compression \(gzip\), over the 10\.00 MiB Cloudflare allows a Worker on the Workers Paid plan \(CLOUDFLARE_WORKERS_PLAN=paid\)\. It holds the page of 40 site\(s\).* To fit, make the page templates or translations smaller, or put some of the sites on another engine\.$/,
    );
  });

  it('refuses a script over 64 MiB before compression on every plan, however well it compresses', () => {
    const source = 'a'.repeat(WORKER_SIZE_LIMITS.uncompressed + 1);
    expect(scriptSize(source).gzipBytes).toBeLessThan(MIB);
    expect(() => assertScriptFits(source, 9000, 'paid', ACCOUNT)).toThrow(/would be 64\.00 MiB before compression, over the 64\.00 MiB Cloudflare allows a Worker on every plan/);
    expect(() => assertScriptFits('a'.repeat(WORKER_SIZE_LIMITS.uncompressed), 9000, 'paid', ACCOUNT)).not.toThrow();
  });
});

describe('worker engine: plan notes', () => {
  it('warns on the assumed Free plan with the caps and both failure modes, and says Page Rules are skipped', () => {
    const [free] = workersPlanNotes('free');
    expect(free).toMatch(/Free Workers plan is assumed \(CLOUDFLARE_WORKERS_PLAN=free/);
    expect(free).toMatch(/100,000 requests a day and 1,000 a minute per account/);
    expect(free).toMatch(/fails open .* or closed \(error 1027\)/);
    expect(free).toMatch(/skip the zone's Page Rules/);
    expect(workersPlanNotes('paid')[0]).toMatch(/Paid plan is assumed .*no daily request cap/);
  });
});
