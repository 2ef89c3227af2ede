export { EmbeddedDatabaseBusyError } from './busy-error.js';
export { openEmbeddedDatabase } from './embedded-database.js';
export type { EmbeddedConnection, EmbeddedDatabase, EmbeddedRole, OpenEmbeddedDatabaseOptions } from './types.js';
