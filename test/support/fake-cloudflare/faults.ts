import type { FaultKind, FaultRule } from './types.js';

interface ArmedFault {
  method?: string;
  path?: string | RegExp;
  query?: Record<string, string>;
  skip: number;
  remaining: number;
  fault: FaultKind;
  afterHandling: boolean;
}

/** What injectFault returns: whether the fault has fired as often as it was armed for. */
export interface InjectedFault {
  spent(): boolean;
}

export interface FiredFault {
  fault: FaultKind;
  afterHandling: boolean;
}

/** Injected faults, consulted in the order they were injected; the first armed rule that matches fires. */
export class FaultBook {
  private faults: ArmedFault[] = [];

  inject(rule: FaultRule): InjectedFault {
    const times = rule.times ?? 1;
    if (!(times > 0)) throw new Error('FakeCloudflare: a fault needs times > 0');
    const armed: ArmedFault = {
      method: rule.method?.toUpperCase(),
      path: rule.path,
      query: rule.query,
      skip: rule.skip ?? 0,
      remaining: times,
      fault: rule.fault,
      afterHandling: rule.afterHandling ?? false,
    };
    this.faults.push(armed);
    return { spent: () => armed.remaining <= 0 };
  }

  clear(): void {
    this.faults = [];
  }

  take(method: string, path: string, query = new URLSearchParams()): FiredFault | undefined {
    for (const armed of this.faults) {
      if (!matches(armed, method, path, query)) continue;
      if (armed.skip > 0) {
        armed.skip -= 1;
        continue;
      }
      armed.remaining -= 1;
      if (armed.remaining <= 0) this.faults = this.faults.filter((f) => f !== armed);
      return { fault: armed.fault, afterHandling: armed.afterHandling };
    }
    return undefined;
  }
}

function matches(armed: ArmedFault, method: string, path: string, query: URLSearchParams): boolean {
  if (armed.method && armed.method !== method.toUpperCase()) return false;
  if (armed.query && Object.entries(armed.query).some(([name, value]) => query.get(name) !== value)) return false;
  if (armed.path === undefined) return true;
  if (typeof armed.path === 'string') return armed.path === path;
  armed.path.lastIndex = 0;
  return armed.path.test(path);
}
