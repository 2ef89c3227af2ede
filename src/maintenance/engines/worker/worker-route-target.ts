/**
 * How a Worker route of ours is recorded with its site (`OwnedRule.target`): the prefix tells the engine
 * that made it (EngineSelector.forRule), the rest is the route's pattern.
 */
export const WORKER_ROUTE_TARGET_PREFIX = 'cfm_worker_route:';

export function routeTarget(pattern: string): string {
  return `${WORKER_ROUTE_TARGET_PREFIX}${pattern}`;
}

export function isWorkerRouteTarget(target: string): boolean {
  return target.startsWith(WORKER_ROUTE_TARGET_PREFIX);
}

export function patternOfTarget(target: string): string {
  return target.slice(WORKER_ROUTE_TARGET_PREFIX.length);
}
