export interface LoginThrottleOptions {
  /** Failures allowed before any wait. */
  freeFailures: number;
  /** The wait after the first failure beyond those; it doubles with each further one. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Addresses kept at most; the least recently seen goes first. */
  maxAddresses: number;
}

const DEFAULTS: LoginThrottleOptions = { freeFailures: 5, baseDelayMs: 1000, maxDelayMs: 15 * 60_000, maxAddresses: 10_000 };

interface Failures {
  count: number;
  blockedUntil: number;
}

/**
 * Slows down password guessing from one address: after a few failures each attempt must wait, twice as
 * long after every further failure; a success forgets the address. In memory, so per process and
 * forgotten on restart.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, Failures>();
  private readonly options: LoginThrottleOptions;

  constructor(options: Partial<LoginThrottleOptions> = {}, private readonly now: () => number = Date.now) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** How long this address must still wait before its next attempt; 0 when it may try now. */
  waitMs(address: string): number {
    const entry = this.failures.get(address);
    return entry ? Math.max(0, entry.blockedUntil - this.now()) : 0;
  }

  failed(address: string): void {
    const count = (this.failures.get(address)?.count ?? 0) + 1;
    const beyond = count - this.options.freeFailures;
    const delay = beyond > 0 ? Math.min(this.options.baseDelayMs * 2 ** (beyond - 1), this.options.maxDelayMs) : 0;
    this.failures.delete(address);
    this.failures.set(address, { count, blockedUntil: this.now() + delay });
    if (this.failures.size > this.options.maxAddresses) this.failures.delete(this.failures.keys().next().value!);
  }

  succeeded(address: string): void {
    this.failures.delete(address);
  }
}
