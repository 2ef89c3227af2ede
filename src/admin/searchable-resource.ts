import { Resource } from '@adminjs/typeorm';
import { BaseRecord, type BaseResource, type Filter, type FilterElement } from 'adminjs';
import { type BaseEntity, Between, Equal, type FindOptionsWhere, ILike, LessThanOrEqual, MoreThanOrEqual } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';

export interface SearchOptions {
  /** A virtual filter (declare it in the resource's properties) matching any of `columns`, case-insensitively. */
  search?: { property: string; columns: string[] };
  /** String properties compared whole, not as substrings: states, actions, outcomes. */
  exact?: string[];
}

type Where = FindOptionsWhere<BaseEntity>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The TypeORM adapter with filters fit for operators: exact matches where a substring would mislead
 * ("on" would also find "needs_reconcile"), case-insensitive substrings elsewhere, one search box over
 * several columns, and equality on uuid columns without the adapter's cast (which defeats the index).
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
    const where = this.where(filter);
    if (!where) return [];
    const sortable = sort.sortBy && this.property(sort.sortBy) ? sort.sortBy : undefined;
    const instances = await this.entity.getRepository().find({
      where,
      take: limit,
      skip: offset,
      order: sortable ? { [sortable]: sort.direction === 'desc' ? 'DESC' : 'ASC' } : undefined,
    });
    return instances.map((instance) => new BaseRecord(instance, this));
  }

  /** A malformed id (from a hand-typed URL) finds nothing, rather than failing in PostgreSQL. */
  override async findOne(id: string): Promise<BaseRecord | null> {
    return this.wellFormedId(id) ? super.findOne(id) : null;
  }

  override async findMany(ids: (string | number)[]): Promise<BaseRecord[]> {
    const wellFormed = ids.filter((id) => this.wellFormedId(id));
    return wellFormed.length ? super.findMany(wellFormed) : [];
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
      const column = this.property(element.path)?.column;
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
      const from = value.from ? new Date(value.from) : undefined;
      const to = value.to ? new Date(value.to) : undefined;
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

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}
