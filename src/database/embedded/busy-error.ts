/** A live server already owns DATA_DIR, or waiting for a CLI owner timed out. The message names the holder. */
export class EmbeddedDatabaseBusyError extends Error {
  override readonly name = 'EmbeddedDatabaseBusyError';
}
