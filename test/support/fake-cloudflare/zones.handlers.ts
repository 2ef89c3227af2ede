import { canSeeAccount, zoneFor } from './auth.js';
import { success } from './envelope.js';
import { enumParam, pageRequest, paginate, stringFilter } from './query.js';
import type { Handler } from './request-context.js';
import type { FakeZone } from './types.js';
import { zonesInOrder } from './zone-order.js';
import { apiZone } from './zone-view.js';

const LISTABLE_STATUSES = ['initializing', 'pending', 'active', 'moved'] as const;
const ZONE_ORDERS = ['name', 'status', 'account.id', 'account.name'] as const;
const DIRECTIONS = ['asc', 'desc'] as const;
const MATCHES = ['any', 'all'] as const;

/** `GET /zones`: the zones of the token's accounts, filtered, ordered (by name unless told) and paginated. */
export const listZones: Handler = ({ query, state, token }) => {
  const pageReq = pageRequest(query);
  const status = enumParam(query, 'status', LISTABLE_STATUSES);
  const order = enumParam(query, 'order', ZONE_ORDERS) ?? 'name';
  const direction = enumParam(query, 'direction', DIRECTIONS) ?? 'asc';
  const match = enumParam(query, 'match', MATCHES) ?? 'all';

  const filters: Array<(z: FakeZone) => boolean> = [];
  const name = query.get('name');
  if (name !== null) {
    const test = stringFilter(name);
    filters.push((z) => test(z.name));
  }
  const accountName = query.get('account.name');
  if (accountName !== null) {
    const test = stringFilter(accountName);
    filters.push((z) => test(z.accountName));
  }
  const accountId = query.get('account.id');
  if (accountId !== null) filters.push((z) => z.accountId === accountId);
  if (status) filters.push((z) => z.status === status);

  const keep = (z: FakeZone) =>
    filters.length === 0 || (match === 'all' ? filters.every((f) => f(z)) : filters.some((f) => f(z)));
  const ascending = zonesInOrder(state, order).filter((z) => z.status !== 'deleted' && canSeeAccount(token, z.accountId) && keep(z));
  const zones = direction === 'asc' ? ascending : ascending.reverse();
  const { items, resultInfo } = paginate(zones, pageReq);
  return success(items.map(apiZone), { resultInfo });
};

export const getZone: Handler = ({ state, token, params, fullPath }) =>
  success(apiZone(zoneFor(state, token, params.zone_id ?? '', fullPath)));

/** `GET /accounts`: the accounts the token may act on. */
export const listAccounts: Handler = ({ query, state, token }) => {
  const pageReq = pageRequest(query);
  const direction = enumParam(query, 'direction', DIRECTIONS) ?? 'asc';
  const name = query.get('name');
  const accounts = state
    .accounts()
    .filter((a) => canSeeAccount(token, a.id) && (name === null || a.name === name))
    .sort((a, b) => (direction === 'asc' ? 1 : -1) * a.name.localeCompare(b.name));
  const { items, resultInfo } = paginate(accounts, pageReq);
  return success(
    items.map((a) => ({ id: a.id, name: a.name, type: 'standard', settings: { enforce_twofactor: false } })),
    { resultInfo },
  );
};
