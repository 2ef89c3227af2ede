export type EmbeddedRole = 'server' | 'cli';

/** Connection options to give straight to `pg` or TypeORM (a Unix socket directory or 127.0.0.1). */
export interface EmbeddedConnection {
  host: string;
  port: number;
  user: string;
  database: string;
}

export interface EmbeddedDatabase {
  connection: EmbeddedConnection;
  /** True when this process serves the database (and holds DATA_DIR's lock). */
  owner: boolean;
  /** Idempotent. The owner stops serving, flushes and releases the lock; a client has nothing to release. */
  close(): Promise<void>;
}

export interface OpenEmbeddedDatabaseOptions {
  dataDir: string;
  role: EmbeddedRole;
  /** How long to wait for another owner to finish (default: 30 s for a server, 120 s for a CLI). */
  waitForOwnerMs?: number;
  log?: (message: string) => void;
}
