import { Resource } from '@adminjs/typeorm';
import { BaseRecord, type BaseResource, type Filter, type FilterElement } from 'adminjs';
import { type BaseEntity, Between, Equal, type FindOptionsWhere, ILike, LessThanOrEqual, MoreThanOrEqual } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import { AdminRequestError } from './request-errors.js';

export interface SearchOptions {
  /** A virtual filter (declare it in the resource's properties) matching any of `columns`, case-insensitively. */
  search?: { property: string; columns: string[] };
  /** String properties compared whole, not as substrings: states, actions, outcomes. */
  exact?: string[];
  /** Columns never sent to the browser as stored: each record's value is replaced by what the function returns (a secret's ciphertext by a mask). */
  redact?: Record<string, (value: unknown) => unknown>;
}

type Where = FindOptionsWhere<BaseEntity>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The TypeORM adapter with filters fit for operators: exact matches where a substring would mislead
 * ("on" would also find "needs_reconcile"), case-insensitive substrings elsewhere, one search box over
 * several columns, and equality on uuid columns without the adapter's cast (which defeats the index).
 * A malformed page, sort or date (from a hand-made URL) is refused with 400 before it reaches PostgreSQL.
 */
export class SearchableResource extends Resource {
  constructor(
    private readonly entity: typeof BaseEntity,
    private readonly searchOptions: SearchOptions = {},
  ) {
    super(entity);
  }

  override async count(filter: Filter): Promise<number> {
    const where = this.where(filter);
    return where ? this.entity.getRepository().count({ where }) : 0;
  }

  override async find(filter: Filter, { limit = 10, offset = 0, sort = {} }: Parameters<BaseResource['find']>[1]): Promise<BaseRecord[]> {
    if (!Number.isInteger(limit) || limit < 1) throw new AdminRequestError(400, 'perPage must be a whole number from 1 to 500.');
    if (!Number.isInteger(offset) || offset < 0) throw new AdminRequestError(400, 'page must be a whole number, 1 or more.');
    const where = this.where(filter);
    if (!where) return [];
    const sortable = this.sortColumn(sort.sortBy);
    const instances = await this.entity.getRepository().find({
      where,
      take: limit,
      skip: offset,
      order: sortable ? { [sortable]: sort.direction === 'desc' ? 'DESC' : 'ASC' } : undefined,
    });
    return instances.map((instance) => this.redacted(new BaseRecord(instance, this)));
  }

  private redacted(record: BaseRecord): BaseRecord {
    for (const [path, redact] of Object.entries(this.searchOptions.redact ?? {})) {
      if (Object.hasOwn(record.params, path)) record.params[path] = redact(record.params[path]);
    }
    return record;
  }

  /** The column to sort by; a sortable property without a column (computed) sorts by default. */
  private sortColumn(sortBy: string | undefined): string | undefined {
    if (!sortBy) return undefined;
    if (this.columnOf(sortBy)) return sortBy;
    if (Object.hasOwn(this.decorate().properties, sortBy)) return undefined;
    throw new AdminRequestError(400, `Cannot sort by "${sortBy}": it is not a property of ${this.id()}.`);
  }

  /** The path's database column; never a prototype's member (`__proto__`, `constructor`). */
  private columnOf(path: string): ColumnMetadata | undefined {
    return this.properties().find((property) => property.path() === path) ? this.property(path)?.column : undefined;
  }

  /** A malformed id (from a hand-typed URL) finds nothing, rather than failing in PostgreSQL. */
  override async findOne(id: string): Promise<BaseRecord | null> {
    const record = this.wellFormedId(id) ? await super.findOne(id) : null;
    return record && this.redacted(record);
  }

  override async findMany(ids: (string | number)[]): Promise<BaseRecord[]> {
    const wellFormed = ids.filter((id) => this.wellFormedId(id));
    return wellFormed.length ? (await super.findMany(wellFormed)).map((record) => this.redacted(record)) : [];
  }

  private wellFormedId(id: string | number): boolean {
    return this.property(this.idName())?.column.type !== 'uuid' || UUID.test(String(id));
  }

  /** null: the filter can match nothing (a malformed id), so no query is needed. */
  private where(filter: Filter): Where | Where[] | null {
    const where: Record<string, unknown> = {};
    let search: string | undefined;
    for (const element of Object.values(filter.filters)) {
      if (element.path === this.searchOptions.search?.property) {
        search = typeof element.value === 'string' ? element.value.trim() : undefined;
        continue;
      }
      const column = this.columnOf(element.path);
      if (!column) continue;
      const condition = this.condition(element, column);
      if (condition === null) return null;
      if (condition !== undefined) where[element.path] = condition;
    }
    if (!search) return where;
    return this.searchOptions.search!.columns.map((column) => ({ ...where, [column]: ILike(`%${escapeLike(search)}%`) }));
  }

  /** undefined: this property is not filtered on; null: nothing can match. */
  private condition({ path, value }: FilterElement, column: ColumnMetadata): unknown {
    const type = this.property(path).type();
    if (typeof value === 'object') {
      const from = value.from ? parseDate(path, value.from) : undefined;
      const to = value.to ? parseDate(path, value.to) : undefined;
      if (from && to) return Between(from, to);
      return from ? MoreThanOrEqual(from) : to ? LessThanOrEqual(to) : undefined;
    }
    if (column.type === 'uuid') return UUID.test(value) ? Equal(value) : null;
    if (type === 'boolean') return Equal(value === 'true');
    if (type === 'number') return Number.isFinite(Number(value)) ? Equal(Number(value)) : null;
    if (type === 'string' && !column.isArray) {
      return this.searchOptions.exact?.includes(path) ? Equal(value) : ILike(`%${escapeLike(value)}%`);
    }
    return undefined;
  }
}

function parseDate(path: string, text: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) {
    throw new AdminRequestError(400, `Invalid date "${String(text).slice(0, 40)}" in the ${path} filter: expected e.g. 2026-12-01 or 2026-12-01T14:00:00Z.`);
  }
  return date;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}
