import { ApiConformance } from './api-conformance.js';

export interface ApiResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the text when the answer was not JSON. */
  body: any;
  text: string;
}

export interface ApiRequestOptions {
  token?: string;
  /** JSON-encoded unless a string (sent as it is). */
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Calls the server's /api/v1 over HTTP. Every answer is kept (to prove that no token ever appears in one)
 * and checked against the OpenAPI document the server serves; `violations()` lists what did not conform.
 */
export class ApiClient {
  readonly answers: string[] = [];
  private readonly problems: string[] = [];

  private constructor(
    private readonly baseUrl: string,
    private readonly conformance: ApiConformance,
  ) {}

  static async connect(baseUrl: string): Promise<ApiClient> {
    const document = (await (await fetch(`${baseUrl}/api/v1/openapi.json`)).json()) as Record<string, unknown>;
    return new ApiClient(baseUrl, new ApiConformance(document));
  }

  async request(method: string, path: string, options: ApiRequestOptions = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    this.answers.push(`${JSON.stringify([...response.headers])}\n${text}`);
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: kept as text, and the conformance check says so
    }
    const url = new URL(path, this.baseUrl);
    this.problems.push(
      ...this.conformance.check({ method, path: url.pathname, status: response.status, contentType: response.headers.get('content-type'), body: parsed }),
    );
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  violations(): string[] {
    return [...this.problems];
  }
}
