import type { DataSource, QueryRunner } from 'typeorm';

export interface QueryCounter {
  /** Statements sent through the data source since the counter was attached or last reset. */
  readonly count: number;
  reset(): void;
}

/**
 * Counts every SQL statement a data source sends, whoever sends it: repositories, managers, raw queries and
 * transactions all go through a query runner. Lets a test check a service's own count independently.
 */
export function countQueries(dataSource: DataSource): QueryCounter {
  let count = 0;
  const createQueryRunner = dataSource.createQueryRunner.bind(dataSource);
  dataSource.createQueryRunner = (...args: Parameters<DataSource['createQueryRunner']>): QueryRunner => {
    const runner = createQueryRunner(...args);
    const query = runner.query.bind(runner) as (...queryArgs: unknown[]) => Promise<unknown>;
    (runner as { query: (...queryArgs: unknown[]) => Promise<unknown> }).query = (...queryArgs) => {
      count += 1;
      return query(...queryArgs);
    };
    return runner;
  };
  return {
    get count() {
      return count;
    },
    reset() {
      count = 0;
    },
  };
}
