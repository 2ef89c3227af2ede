import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { Response } from 'express';
import { AppError } from '../common/errors.js';
import { type Problem, problem, PROBLEM_CONTENT_TYPE, problemFor } from './problem.js';

/** Every failure of an API route answered as application/problem+json. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Api');

  catch(error: unknown, host: ArgumentsHost): void {
    const answer = this.problemOf(error);
    if (answer.status >= 500 && answer.code === 'internal_error') {
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
    sendProblem(host.switchToHttp().getResponse<Response>(), answer);
  }

  private problemOf(error: unknown): Problem {
    if (error instanceof ThrottlerException) return problem('rate_limited', 'Too many requests with this token; wait for Retry-After seconds.');
    if (error instanceof HttpException && !(error instanceof AppError) && error.getStatus() === 404) {
      return problem('not_found', 'There is no such route in /api/v1; GET /api/v1/openapi.json lists them.');
    }
    return problemFor(error);
  }
}

export function sendProblem(response: Response, answer: Problem): void {
  response.status(answer.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(answer));
}
