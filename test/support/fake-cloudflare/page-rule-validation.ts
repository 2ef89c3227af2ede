import { ApiError, type ApiMessage } from './envelope.js';
import type { PageRuleFields } from './fake-state.js';
import { hostPatternInZone, targetHost, wildcardCount } from './target-match.js';
import type { FakeZone } from './types.js';

/** Action ids Page Rules accept (the SDK's `PageRule.actions` union plus the spec's settings list). */
export const PAGE_RULE_ACTIONS = new Set([
  'always_use_https',
  'automatic_https_rewrites',
  'browser_cache_ttl',
  'browser_check',
  'bypass_cache_on_cookie',
  'cache_by_device_type',
  'cache_deception_armor',
  'cache_key_fields',
  'cache_level',
  'cache_on_cookie',
  'cache_ttl_by_status',
  'disable_apps',
  'disable_performance',
  'disable_security',
  'disable_zaraz',
  'edge_cache_ttl',
  'email_obfuscation',
  'explicit_cache_control',
  'forwarding_url',
  'host_header_override',
  'ip_geolocation',
  'minify',
  'mirage',
  'opportunistic_encryption',
  'origin_error_page_pass_thru',
  'polish',
  'resolve_override',
  'respect_strong_etag',
  'response_buffering',
  'rocket_loader',
  'security_level',
  'server_side_exclude',
  'sort_query_string_for_cache',
  'ssl',
  'true_client_ip_header',
  'waf',
]);

const MAX_WILDCARDS = 4;

/**
 * Cloudflare answers every Page Rule problem with HTTP 400, error 1004 and one entry per problem in
 * `messages`. Real Cloudflare gives those entries code 1, which its own OpenAPI schema forbids
 * (codes start at 1000), so the fake repeats 1004 there.
 */
export function validationFailed(problems: string[]): ApiError {
  const messages: ApiMessage[] = problems.map((message) => ({ code: 1004, message }));
  return ApiError.of(400, 1004, 'Page Rule validation failed: See messages for details.', messages);
}

export function duplicateTarget(): ApiError {
  return validationFailed([
    '.distinctTargetUrl: Your zone already has an existing page rule with that URL. If you are modifying only page rule settings use the Edit Page Rule option instead',
  ]);
}

export function quotaReached(quota: number): ApiError {
  return validationFailed([`.quota: You have reached the maximum number of Page Rules for this zone (${quota})`]);
}

/** The problems Cloudflare would list for a rule with these (complete) fields in this zone. */
export function pageRuleProblems(fields: Record<string, unknown>, zone: FakeZone): string[] {
  return [
    ...targetProblems(fields.targets, zone),
    ...actionProblems(fields.actions),
    ...(Number.isInteger(fields.priority) && (fields.priority as number) >= 1
      ? []
      : ['.priority: must be a positive integer']),
    ...(fields.status === 'active' || fields.status === 'disabled' ? [] : ['.status: must be "active" or "disabled"']),
  ];
}

/** Narrows fields that passed `pageRuleProblems` to what the store keeps. */
export function toRuleFields(fields: Record<string, unknown>): PageRuleFields {
  return fields as unknown as PageRuleFields;
}

function targetProblems(targets: unknown, zone: FakeZone): string[] {
  if (!Array.isArray(targets) || targets.length !== 1) return ['.targets: exactly one URL target is required'];
  const target = targets[0] as Record<string, unknown> | null;
  if (typeof target !== 'object' || target === null) return ['.targets[0]: must be an object'];
  const problems: string[] = [];
  if (target.target !== 'url') problems.push('.targets[0].target: must be "url"');
  const constraint = target.constraint as Record<string, unknown> | undefined;
  if (typeof constraint !== 'object' || constraint === null) {
    return [...problems, '.targets[0].constraint: is required'];
  }
  if (constraint.operator !== 'matches') problems.push('.targets[0].constraint.operator: must be "matches"');
  const value = constraint.value;
  if (typeof value !== 'string' || value.trim() === '') {
    return [...problems, '.targets[0].constraint.value: a URL pattern is required'];
  }
  if (wildcardCount(value) > MAX_WILDCARDS) {
    problems.push(`.targets[0].constraint.value: at most ${MAX_WILDCARDS} wildcards (*) are allowed`);
  }
  if (!hostPatternInZone(targetHost(value), zone.name)) {
    problems.push(`.targets[0].constraint.value: the URL must be on the zone ${zone.name} or one of its subdomains`);
  }
  return problems;
}

function actionProblems(actions: unknown): string[] {
  if (!Array.isArray(actions) || actions.length === 0) return ['.actions: at least one action is required'];
  const problems: string[] = [];
  const seen = new Set<string>();
  actions.forEach((raw, i) => {
    const action = raw as Record<string, unknown> | null;
    const id = typeof action === 'object' && action !== null ? action.id : undefined;
    if (typeof id !== 'string' || !PAGE_RULE_ACTIONS.has(id)) {
      problems.push(`.actions[${i}].id: unknown action ${JSON.stringify(id ?? null)}`);
      return;
    }
    if (seen.has(id)) problems.push(`.actions[${i}].id: action "${id}" is given more than once`);
    seen.add(id);
    if (id === 'forwarding_url') problems.push(...forwardingProblems((action as Record<string, unknown>).value, i));
  });
  if (seen.has('forwarding_url') && actions.length > 1) {
    problems.push('.actions: a forwarding_url action cannot be combined with other actions');
  }
  return problems;
}

function forwardingProblems(value: unknown, i: number): string[] {
  if (typeof value !== 'object' || value === null) return [`.actions[${i}].value: url and status_code are required`];
  const { url, status_code: statusCode } = value as Record<string, unknown>;
  const problems: string[] = [];
  if (!isHttpUrl(url)) problems.push(`.actions[${i}].value.url: must be an http or https URL`);
  if (statusCode !== 301 && statusCode !== 302) problems.push(`.actions[${i}].value.status_code: must be 301 or 302`);
  return problems;
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
