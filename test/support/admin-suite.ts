import { afterAll, beforeAll, expect } from '@jest/globals';
import { AdminUsersService } from '../../src/admin-users/admin-users.service.js';
import { AdminClient } from './admin-client.js';
import { startServer, type RunningServer } from './run-server.js';
import { serviceSuite, type ServiceSuite } from './service-suite.js';

export const ADMIN_USER = { email: 'ops@example.com', password: 'correct horse battery staple' };

export interface AdminSuite extends ServiceSuite {
  server: RunningServer;
  /** Logged in as ADMIN_USER. */
  client: AdminClient;
  /** A client without a session, speaking through the same (simulated) TLS proxy. */
  anonymous(): AdminClient;
  /** The database's rows, sessions aside: every request of a logged-in client renews its session's expiry. */
  dataSnapshot(): Promise<Record<string, unknown[]>>;
}

/**
 * The service suite (fake Cloudflare, fresh database, default key) plus the built server running on it
 * with an admin user and a logged-in client. With an https PUBLIC_URL (the default), requests carry the
 * X-Forwarded-Proto a TLS proxy would add, without which the server sets no (Secure) session cookie.
 * `env`: more of the server's environment (e.g. its TMPDIR).
 */
export function adminSuite(options: { publicUrl?: string; env?: Record<string, string> } = {}): AdminSuite {
  const suite = {} as AdminSuite;
  // Declared before the service suite's teardown, which drops the database the server is using.
  afterAll(async () => {
    await suite.server?.stop();
  });
  const services = serviceSuite();
  beforeAll(async () => {
    Object.assign(suite, services);
    suite.dataSnapshot = async () => {
      const { admin_sessions: _sessions, ...data } = await services.db.snapshot();
      return data;
    };
    await new AdminUsersService(services.db.dataSource).create(ADMIN_USER);
    const env = { ...services.env, ...(options.publicUrl ? { PUBLIC_URL: options.publicUrl } : {}), ...options.env };
    suite.server = await startServer(env);
    const proxied = env.PUBLIC_URL!.startsWith('https:');
    suite.anonymous = () => new AdminClient(suite.server.url, proxied ? { 'x-forwarded-proto': 'https' } : {});
    suite.client = suite.anonymous();
    expect((await suite.client.login(ADMIN_USER.email, ADMIN_USER.password)).status).toBe(302);
  });
  return suite;
}
