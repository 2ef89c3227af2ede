/**
 * Talks to the admin panel of a running server as the panel's own frontend does (JSON for actions,
 * multipart forms for records), holding the session cookie and keeping every response body, so that a
 * test can check that none of them leaked a secret.
 */
export class AdminClient {
  /** Every response body received, in order. */
  readonly bodies: string[] = [];
  private cookie: string | undefined;

  /** `headers` go with every request: e.g. X-Forwarded-Proto, as the TLS proxy in front of the server would send it. */
  constructor(
    readonly baseUrl: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  get sessionCookie(): string | undefined {
    return this.cookie;
  }

  useCookie(cookie: string | undefined): void {
    this.cookie = cookie;
  }

  async request(path: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; text: string }> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      ...init,
      redirect: 'manual',
      headers: { ...this.headers, ...(this.cookie ? { cookie: this.cookie } : {}), ...(init.headers as Record<string, string>) },
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0];
    const text = await response.text();
    this.bodies.push(text);
    return { status: response.status, headers: response.headers, text };
  }

  /** The login form's POST; AdminJS answers a success with a redirect into the panel. */
  login(email: string, password: string, headers: Record<string, string> = {}) {
    const body = new URLSearchParams({ email, password });
    return this.request('/admin/login', { method: 'POST', body, headers });
  }

  async json<T = any>(path: string, init: RequestInit = {}): Promise<T> {
    const response = await this.request(path, init);
    if (response.status !== 200) throw new Error(`${init.method ?? 'GET'} ${path} answered ${response.status}: ${response.text.slice(0, 300)}`);
    return JSON.parse(response.text) as T;
  }

  list(resource: string, query: Record<string, string | number> = {}) {
    const search = new URLSearchParams(Object.entries(query).map(([key, value]) => [key, String(value)]));
    return this.json(`/admin/api/resources/${resource}/actions/list?${search}`);
  }

  /** GET opens an action (its form, for those that change something); POST performs it. */
  recordAction(resource: string, recordId: string, action: string, data?: Record<string, unknown>) {
    return this.json(`/admin/api/resources/${resource}/records/${recordId}/${action}`, jsonBody(data));
  }

  bulkAction(resource: string, recordIds: string[], action: string, data?: Record<string, unknown>) {
    return this.json(`/admin/api/resources/${resource}/bulk/${action}?recordIds=${recordIds.join(',')}`, jsonBody(data));
  }

  resourceAction(resource: string, action: string, data?: Record<string, unknown>) {
    return this.json(`/admin/api/resources/${resource}/actions/${action}`, jsonBody(data));
  }

  /** A record form (new, edit) as the panel submits it: multipart. */
  submitForm(path: string, fields: Record<string, string>) {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    return this.json(`/admin/api${path}`, { method: 'POST', body: form });
  }
}

/** The message the login page shows (AdminJS renders it client-side from the page's initial state). */
export function loginError(page: string): string | null {
  const state = /window\.__APP_STATE__ = JSON\.parse\('(.*)'\);/.exec(page);
  return state ? (JSON.parse(state[1]) as { errorMessage: string | null }).errorMessage : null;
}

function jsonBody(data: Record<string, unknown> | undefined): RequestInit {
  return data ? { method: 'POST', body: JSON.stringify(data), headers: { 'content-type': 'application/json' } } : {};
}
