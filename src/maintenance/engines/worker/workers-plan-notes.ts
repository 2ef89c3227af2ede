/** The account's Workers plan, as the operator declares it (CLOUDFLARE_WORKERS_PLAN): the API we use cannot read it. */
export type WorkersPlan = 'free' | 'paid';

/** The Free Workers plan's limits per account, across all its zones (docs/cloudflare-facts.md#workers). */
export const FREE_REQUESTS_PER_DAY = 100_000;
export const FREE_REQUESTS_PER_MINUTE = 1_000;

/** What the operator should know before a site's visitors are answered by our Worker. */
export function workersPlanNotes(plan: WorkersPlan): string[] {
  const skipped = 'Requests the Worker handles skip the zone\'s Page Rules.';
  if (plan === 'paid') {
    return [`The Workers Paid plan is assumed (CLOUDFLARE_WORKERS_PLAN=paid): no daily request cap. ${skipped}`];
  }
  return [
    'Warning: the Free Workers plan is assumed (CLOUDFLARE_WORKERS_PLAN=free; Cloudflare\'s API does not tell us the plan): ' +
      `${FREE_REQUESTS_PER_DAY.toLocaleString('en-US')} requests a day and ${FREE_REQUESTS_PER_MINUTE.toLocaleString('en-US')} a minute per account, across all its zones. ` +
      'Past that cap each route fails open (visitors reach the origin, maintenance is not shown) or closed (error 1027), as the route is set in Cloudflare. ' +
      `For a busy site use the Workers Paid plan (then set CLOUDFLARE_WORKERS_PLAN=paid) or another engine. ${skipped}`,
  ];
}
