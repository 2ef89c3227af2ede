/**
 * Checks the answers of our own API against the OpenAPI 3.1 document the server serves, as
 * openapi-conformance.ts checks the fake Cloudflare's exchanges against Cloudflare's: the operation by
 * path template and method, the status among those documented, the media type, and the body against the
 * schema (JSON Schema 2020-12, which OpenAPI 3.1 schemas are), validated by JSON pointer into the
 * document so that its `#/components/...` references resolve.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { matchTemplate } from './path-template.js';

type Json = Record<string, any>;

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;
const DOCUMENT_ID = 'https://api.cloudflare-maintenance.test/openapi.json';

export interface ApiExchange {
  method: string;
  /** The request's path, without the query string. */
  path: string;
  status: number;
  contentType: string | null;
  body: unknown;
}

export class ApiConformance {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });

  constructor(private readonly document: Json) {
    addFormats(this.ajv);
    this.ajv.addSchema(document, DOCUMENT_ID);
  }

  /** The ways the exchange departs from the document; empty when it conforms. */
  check(exchange: ApiExchange): string[] {
    const where = `${exchange.method} ${exchange.path} ${exchange.status}`;
    const found = this.operation(exchange.method, exchange.path);
    if (!found) return [`${where}: no such operation in the document`];
    const response = found.operation.responses?.[String(exchange.status)] as Json | undefined;
    if (!response) return [`${where}: status ${exchange.status} is not documented for ${found.template}`];
    const mediaTypes = Object.keys(response.content ?? {});
    const mediaType = (exchange.contentType ?? '').split(';')[0].trim();
    if (!mediaTypes.includes(mediaType)) return [`${where}: content-type "${mediaType}" is not one of ${mediaTypes.join(', ')}`];
    const pointer = ['paths', found.template, exchange.method.toLowerCase(), 'responses', String(exchange.status), 'content', mediaType, 'schema']
      .map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1'))
      .join('/');
    const validate = this.ajv.getSchema(`${DOCUMENT_ID}#/${pointer}`);
    if (!validate) return [`${where}: no schema at ${pointer}`];
    if (validate(exchange.body)) return [];
    return (validate.errors ?? []).map((error) => `${where}: body${error.instancePath} ${error.message ?? 'is invalid'}`);
  }

  private operation(method: string, path: string): { template: string; operation: Json } | undefined {
    for (const [template, item] of Object.entries<Json>(this.document.paths ?? {})) {
      if (matchTemplate(template, path) && item[method.toLowerCase()]) return { template, operation: item[method.toLowerCase()] as Json };
    }
    return undefined;
  }
}
