/**
 * Checks requests and responses against Cloudflare's published OpenAPI 3.0 document
 * (a copy in `test/support/cloudflare-openapi/`, BSD-3-Clause, see its LICENSE), using ajv on a JSON
 * Schema translation of it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type AnySchema, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { matchTemplate } from './path-template.js';

export interface RequestUnderTest {
  method: string;
  /** The path after /client/v4 (a leading /client/v4 is tolerated), without the query string. */
  path: string;
  query?: Record<string, string | string[]>;
  /** Parsed JSON body; undefined when the request had none. */
  body?: unknown;
  contentType?: string;
}

export interface ResponseUnderTest {
  status: number;
  /** Parsed JSON body; undefined when the response had none. */
  body: unknown;
  contentType?: string;
}

const SPEC_PATH = fileURLToPath(new URL('./cloudflare-openapi/openapi-subset.json', import.meta.url));
const BASE_PATH = '/client/v4';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

type Json = Record<string, any>;
export type Mode = 'request' | 'response';

// ajv-formats is CommonJS: depending on the loader its default export is the plugin or a namespace holding it.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

export function validateRequest(req: RequestUnderTest): string[] {
  const spec = loadSpec();
  const path = stripBase(req.path);
  const found = findOperation(spec.doc, req.method, path);
  if ('problem' in found) return [found.problem];
  const { operation, pathItem, template, params } = found;
  const where = `${req.method.toUpperCase()} ${template}`;
  const problems: string[] = [];

  const declared = parametersOf(spec.doc, pathItem, operation);
  for (const p of declared.filter((d) => d.in === 'path')) {
    const value = params[p.name];
    if (value === undefined) problems.push(`${where}: path parameter ${p.name} is missing`);
    else problems.push(...check(spec.params, p.schema ?? {}, value, `${where} path parameter ${p.name}`));
  }

  const queryParams = declared.filter((d) => d.in === 'query');
  const query: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(req.query ?? {})) {
    const param = queryParams.find((q) => q.name === name);
    if (!param) {
      problems.push(`${where}: query parameter "${name}" is not declared`);
      continue;
    }
    const values = Array.isArray(raw) ? raw : [raw];
    if (resolve(spec.doc, param.schema ?? {}).type === 'array') query[name] = values;
    else if (values.length > 1) problems.push(`${where}: query parameter "${name}" is given more than once`);
    else query[name] = values[0];
  }
  for (const q of queryParams) {
    if (q.required && query[q.name] === undefined) problems.push(`${where}: query parameter "${q.name}" is required`);
  }
  problems.push(...check(spec.params, querySchemaOf(operation, queryParams), query, `${where} query`));

  const requestBody = operation.requestBody ? resolve(spec.doc, operation.requestBody) : undefined;
  const bodySchema = requestBody?.content?.['application/json']?.schema;
  if (req.body === undefined) {
    // A requestBody that declares no schema (DELETE page rule) is a generator artefact: nothing to send.
    if (requestBody?.required && bodySchema) problems.push(`${where}: a JSON request body is required`);
  } else if (!requestBody) {
    problems.push(`${where}: the operation takes no request body`);
  } else {
    if (req.contentType !== undefined && !isJson(req.contentType)) {
      problems.push(`${where}: request content-type "${req.contentType}" is not application/json`);
    }
    if (bodySchema) problems.push(...check(spec.request, bodySchema, req.body, `${where} request body`));
  }
  return unique(problems);
}

export function validateResponse(req: Pick<RequestUnderTest, 'method' | 'path'>, res: ResponseUnderTest): string[] {
  const spec = loadSpec();
  const found = findOperation(spec.doc, req.method, stripBase(req.path));
  if ('problem' in found) return []; // already reported by validateRequest; there is nothing to compare against
  const { operation, template } = found;
  const where = `${req.method.toUpperCase()} ${template} ${res.status} response`;
  const responses: Json = operation.responses ?? {};
  const classKey = `${Math.floor(res.status / 100)}XX`;
  const key = [String(res.status), classKey, classKey.toLowerCase(), 'default'].find((k) => k in responses);
  const isError = res.status >= 400;

  // OpenAPI does not require every status to be listed, and Cloudflare's spec lists no 5XX at all:
  // an undocumented error status is checked against the operation's documented error envelope instead.
  const fallbackKey = isError ? ['4XX', '5XX'].find((k) => k in responses) : undefined;
  const chosen = key ?? fallbackKey;
  if (!chosen) return [`${where}: status ${res.status} is not documented`];

  const response = resolve(spec.doc, responses[chosen]);
  const media = response.content?.['application/json'];
  if (!media) {
    return res.body === undefined || res.body === '' ? [] : [`${where}: a body was sent where none is documented`];
  }
  const problems: string[] = [];
  if (res.contentType !== undefined && !isJson(res.contentType)) {
    problems.push(`${where}: content-type "${res.contentType}" is not application/json`);
  }
  if (!media.schema) return problems;
  const schema = isError ? failureBranch(media.schema) : media.schema;
  problems.push(...check(spec.response, schema, res.body, where));
  return unique(problems);
}

/**
 * Several failure schemas are `allOf: [<success schema>, <...-common-failure>]`, and the success half pins
 * `success` to `true` (and requires a non-null `result`) while the failure half pins it to `false`: no body can
 * satisfy both. Cloudflare's failure answers follow the `-common-failure` half, so that half alone is checked.
 */
function failureBranch(schema: Json): Json {
  const failure = Array.isArray(schema.allOf)
    ? schema.allOf.find((s: Json) => typeof s.$ref === 'string' && s.$ref.endsWith('-common-failure'))
    : undefined;
  return failure ?? schema;
}

// ---------------------------------------------------------------------------------------------------------
// Spec loading and OpenAPI 3.0 → JSON Schema translation

interface LoadedSpec {
  doc: Json;
  request: Validators;
  params: Validators;
  response: Validators;
}

interface Validators {
  ajv: Ajv;
  mode: Mode;
  doc: Json;
  cache: WeakMap<object, ValidateFunction>;
}

let loaded: LoadedSpec | undefined;

function loadSpec(): LoadedSpec {
  if (loaded) return loaded;
  const doc = withErrata(JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as Json);
  loaded = {
    doc,
    request: validators(doc, 'request', false),
    params: validators(doc, 'request', 'array'),
    response: validators(doc, 'response', false),
  };
  return loaded;
}

/**
 * Where the subset lags behind Cloudflare's documented API, the one amendment made to it (in memory; the copy
 * stays as published): the rewrite action's header operations are `set` and `remove` in the subset, written for
 * request headers, while response header transform rules also take `add` with a value or an expression
 * (https://developers.cloudflare.com/rules/transform/response-header-modification/), the way to add a `set-cookie`.
 */
function withErrata(doc: Json): Json {
  const rewrite = doc.components?.schemas?.rulesets_RewriteRule?.allOf?.[1];
  const branches: Json[] = rewrite?.properties?.action_parameters?.properties?.headers?.additionalProperties?.oneOf ?? [];
  for (const branch of branches) {
    const operation = branch.properties?.operation;
    if (Array.isArray(operation?.enum) && operation.enum.includes('set')) operation.enum = ['set', 'add'];
  }
  return doc;
}

function validators(doc: Json, mode: Mode, coerceTypes: false | 'array'): Validators {
  const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes });
  addFormats(ajv);
  for (const [name, schema] of Object.entries<Json>(doc.components?.schemas ?? {})) {
    ajv.addSchema(toJsonSchema(doc, schema, mode), schemaUri(mode, name));
  }
  return { ajv, mode, doc, cache: new WeakMap() };
}

function schemaUri(mode: Mode, name: string): string {
  return `https://openapi.fake-cloudflare.test/${mode}/schemas/${encodeURIComponent(name)}`;
}

const DROPPED = new Set(['example', 'examples', 'nullable', 'readOnly', 'writeOnly', 'discriminator', 'xml', 'externalDocs', 'deprecated']);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf']);

/**
 * OpenAPI 3.0 schema → JSON Schema: `nullable` becomes a `null` type, `readOnly` properties are not required in
 * requests (nor `writeOnly` ones in responses), annotations (`example`, `x-*`, …) go, and refs to
 * `#/components/schemas/*` point at the schemas registered for the same mode.
 */
export function openApiToJsonSchema(schema: Json, mode: Mode, doc: Json = loadSpec().doc): Json {
  return toJsonSchema(doc, schema, mode);
}

function toJsonSchema(doc: Json, schema: Json, mode: Mode): Json {
  if (typeof schema !== 'object' || schema === null) return schema;
  if (typeof schema.$ref === 'string') return { $ref: refUri(schema.$ref, mode) };
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED.has(key) || key.startsWith('x-') || key === 'required') continue;
    if (key === 'properties' || key === 'patternProperties') {
      out[key] = Object.fromEntries(Object.entries<Json>(value).map(([k, v]) => [k, toJsonSchema(doc, v, mode)]));
    } else if (key === 'oneOf' && Array.isArray(value)) {
      out[key] = value.map((v: Json) => requireSoleProperty(doc, v, toJsonSchema(doc, v, mode)));
    } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
      out[key] = value.map((v: Json) => toJsonSchema(doc, v, mode));
    } else if ((key === 'items' || key === 'not' || key === 'additionalProperties') && typeof value === 'object') {
      out[key] = toJsonSchema(doc, value, mode);
    } else {
      out[key] = value;
    }
  }
  if (Array.isArray(schema.required)) {
    const hidden = mode === 'request' ? 'readOnly' : 'writeOnly';
    out.required = schema.required.filter((name: string) => {
      const property = schema.properties?.[name];
      return !(property && isMarked(doc, property, hidden));
    });
  }
  return schema.nullable === true ? nullable(out) : out;
}

/** `readOnly`/`writeOnly` on the property itself or on a member of its `allOf` (`id: allOf [RulesetId, {readOnly}]`). */
function isMarked(doc: Json, property: Json, marker: 'readOnly' | 'writeOnly'): boolean {
  const resolved = resolve(doc, property);
  if (resolved[marker] === true) return true;
  return Array.isArray(resolved.allOf) && resolved.allOf.some((member: Json) => isMarked(doc, member, marker));
}

/**
 * Cloudflare's rulesets schema writes "one of {before} | {after} | {index}" (rule position) and
 * "one of {value} | {expression}" (redirect target) as branches that each declare one optional property, so
 * `{"before": ""}` satisfies all three and `oneOf` fails on every valid body. A `oneOf` branch declaring exactly
 * one property and requiring none is therefore read as requiring it, which is the evident intent; no other
 * `oneOf` of the subset has that shape.
 */
function requireSoleProperty(doc: Json, branch: Json, translated: Json): Json {
  const { names, required } = declaredProperties(doc, branch);
  if (names.size !== 1 || required.size > 0) return translated;
  return { allOf: [translated, { required: [...names] }] };
}

function declaredProperties(doc: Json, schema: Json): { names: Set<string>; required: Set<string> } {
  const resolved = resolve(doc, schema);
  const names = new Set<string>(Object.keys(resolved.properties ?? {}));
  const required = new Set<string>(Array.isArray(resolved.required) ? resolved.required : []);
  for (const member of Array.isArray(resolved.allOf) ? resolved.allOf : []) {
    const inner = declaredProperties(doc, member);
    inner.names.forEach((n) => names.add(n));
    inner.required.forEach((n) => required.add(n));
  }
  return { names, required };
}

function nullable(schema: Json): Json {
  if (typeof schema.type === 'string') {
    const out: Json = { ...schema, type: [schema.type, 'null'] };
    if (Array.isArray(schema.enum) && !schema.enum.includes(null)) out.enum = [...schema.enum, null];
    return out;
  }
  return { anyOf: [schema, { type: 'null' }] };
}

function refUri(ref: string, mode: Mode): string {
  const match = /^#\/components\/schemas\/(.+)$/.exec(ref);
  if (!match?.[1]) throw new Error(`openapi-conformance: unsupported $ref ${ref}`);
  return schemaUri(mode, decodeURIComponent(match[1]));
}

/** Follows local `$ref`s (components of any kind) until a non-ref object. */
function resolve(doc: Json, node: Json): Json {
  let current = node;
  for (let hops = 0; typeof current?.$ref === 'string' && hops < 20; hops += 1) {
    const pointer = (current.$ref).replace(/^#\//, '').split('/');
    current = pointer.reduce<Json>((acc, part) => acc?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  }
  return current ?? {};
}

function check(v: Validators, schema: Json, data: unknown, where: string): string[] {
  let validate = v.cache.get(schema);
  if (!validate) {
    validate = v.ajv.compile(toJsonSchema(v.doc, schema, v.mode) as AnySchema);
    v.cache.set(schema, validate);
  }
  // A JSON round trip, not structuredClone: under Jest's VM modules structuredClone makes objects of another realm,
  // and ajv's deep equality (an `enum: [[]]`) compares constructors, so `[]` would not equal the spec's `[]`.
  const copy: unknown = data === undefined ? undefined : JSON.parse(JSON.stringify(data));
  if (validate(copy)) return [];
  return (validate.errors ?? []).map((e) => `${where}: ${describe(e)}`);
}

function describe(e: ErrorObject): string {
  const at = e.instancePath || '(root)';
  const params = e.params as Record<string, unknown>;
  const extra =
    e.keyword === 'enum' ? ` (${(params.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(', ')})`
    : e.keyword === 'additionalProperties' ? ` (${String(params.additionalProperty)})`
    : '';
  return `${at} ${e.message ?? e.keyword}${extra}`;
}

// ---------------------------------------------------------------------------------------------------------
// Operation lookup

interface FoundOperation {
  operation: Json;
  pathItem: Json;
  template: string;
  params: Record<string, string>;
}

function findOperation(doc: Json, method: string, path: string): FoundOperation | { problem: string } {
  const candidates = Object.keys(doc.paths ?? {})
    .map((template) => ({ template, params: matchTemplate(template, path) }))
    .filter((c): c is { template: string; params: Record<string, string> } => c.params !== undefined)
    // A literal segment beats a template one: /pagerules/settings before /pagerules/{pagerule_id}.
    .sort((a, b) => literalSegments(b.template) - literalSegments(a.template));
  if (candidates.length === 0) return { problem: `${method.toUpperCase()} ${path}: no such path in the OpenAPI spec` };
  const m = method.toLowerCase();
  for (const { template, params } of candidates) {
    const pathItem = doc.paths[template] as Json;
    if (METHODS.includes(m) && pathItem[m]) return { operation: pathItem[m], pathItem, template, params };
  }
  return { problem: `${method.toUpperCase()} ${path}: method not in the OpenAPI spec for ${candidates[0]?.template}` };
}

const querySchemas = new WeakMap<object, Json>();

/** All query parameters of an operation as one object schema (built once, so ajv compiles it once). */
function querySchemaOf(operation: Json, queryParams: Parameter[]): Json {
  let schema = querySchemas.get(operation);
  if (!schema) {
    schema = { type: 'object', properties: Object.fromEntries(queryParams.map((q) => [q.name, q.schema ?? {}])) };
    querySchemas.set(operation, schema);
  }
  return schema;
}

function literalSegments(template: string): number {
  return template.split('/').filter((s) => s !== '' && !s.startsWith('{')).length;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: Json;
}

function parametersOf(doc: Json, pathItem: Json, operation: Json): Parameter[] {
  const byKey = new Map<string, Parameter>();
  for (const raw of [...(pathItem.parameters ?? []), ...(operation.parameters ?? [])]) {
    const p = resolve(doc, raw) as Parameter;
    byKey.set(`${p.in}:${p.name}`, p);
  }
  return [...byKey.values()];
}

function stripBase(path: string): string {
  const noQuery = path.split('?')[0] ?? '';
  return noQuery.startsWith(BASE_PATH) ? noQuery.slice(BASE_PATH.length) || '/' : noQuery;
}

function isJson(contentType: string): boolean {
  return /^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType.trim());
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
