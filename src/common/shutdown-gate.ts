import { ConflictError } from './errors.js';

/**
 * Closed when the server starts shutting down: from then on no new site transition may begin in this
 * process, while those already claimed run to their end (see src/shutdown/graceful-shutdown.ts).
 * Process-wide, as a signal is.
 */
class ShutdownGate {
  private closed = false;

  get closing(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
  }

  /** Throws instead of letting a new transition begin once the gate is closed. */
  admit(domain: string): void {
    if (!this.closed) return;
    throw new ConflictError(
      `${domain} was not changed: this server is shutting down and starts no new operation; try again once it is back (or on another server).`,
    );
  }
}

export const shutdownGate = new ShutdownGate();
