import { applyDecorators, Controller, UseFilters, UseGuards } from '@nestjs/common';
import { ApiAuthGuard } from './api-auth.guard.js';
import { ApiThrottlerGuard } from './api-throttler.guard.js';
import { ProblemFilter } from './problem.filter.js';

export const API_PREFIX = 'api/v1';

/** A controller of /api/v1: token and role checked, rate-limited per token, failures as problem+json. */
export function ApiController(path: string) {
  return applyDecorators(
    Controller(`${API_PREFIX}/${path}`),
    UseGuards(ApiAuthGuard, ApiThrottlerGuard),
    UseFilters(ProblemFilter),
  );
}
