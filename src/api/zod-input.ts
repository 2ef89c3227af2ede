import type { z } from 'zod';
import { ValidationError } from '../common/errors.js';

/** The input parsed by its schema, or a ValidationError naming the field at fault (`sites.2`, `limit`). */
export function parseInput<Schema extends z.ZodType>(schema: Schema, value: unknown, where: 'body' | 'query' | 'path'): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue.path.map(String);
  const at = [where, ...path].join('.');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((key) => `"${key}"`).join(', ');
    throw new ValidationError(`Invalid ${at}: unknown ${issue.keys.length > 1 ? 'keys' : 'key'} ${keys}.`, { field: [...path, issue.keys[0]].join('.') });
  }
  throw new ValidationError(`Invalid ${at}: ${issue.message}.`, { field: path.length ? path.join('.') : where });
}
