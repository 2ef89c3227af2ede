import { Logger } from '@nestjs/common';
import connectPgSimple from 'connect-pg-simple';
import session, { type SessionOptions } from 'express-session';
import type { Pool } from 'pg';

export const SESSION_COOKIE = 'cfm_admin';
const IDLE_LOGOUT_MS = 8 * 60 * 60 * 1000;

export interface AdminSessionStore {
  options: SessionOptions;
  close(): Promise<void>;
}

/**
 * Sessions live in PostgreSQL (admin_sessions, created by a migration), so they survive restarts and are
 * shared by every server process. The cookie is httpOnly, SameSite=Lax and, behind https, Secure; it is
 * renewed on activity and lapses after 8 idle hours.
 */
export function adminSessionStore({ pool, secret, secure }: { pool: Pool; secret: string; secure: boolean }): AdminSessionStore {
  const PgStore = connectPgSimple(session);
  const logger = new Logger('AdminSessions');
  const store = new PgStore({ pool, tableName: 'admin_sessions', errorLog: (...args: unknown[]) => logger.error(args.map(String).join(' ')) });
  return {
    options: {
      name: SESSION_COOKIE,
      secret,
      store,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { httpOnly: true, sameSite: 'lax', secure, maxAge: IDLE_LOGOUT_MS, path: '/admin' },
    },
    // @types/connect-pg-simple declares close() as void, but connect-pg-simple 10's close is async.
    close: () => store.close() as unknown as Promise<void>,
  };
}
