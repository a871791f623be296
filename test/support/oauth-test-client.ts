/** A small HTTP client for Grantline's public origin, used by end-to-end tests. */
export class GrantlineTestClient {
  constructor(
    readonly baseUrl: string,
    readonly adminToken: string,
  ) {}

  async registerClient(body: Record<string, unknown>): Promise<{ client_id: string; client_secret: string }> {
    const response = await fetch(`${this.baseUrl}/admin/clients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 201)
      throw new Error(`client registration failed: ${response.status} ${await response.text()}`);
    return (await response.json()) as { client_id: string; client_secret: string };
  }

  async registerUser(body: { email: string; name: string; password: string }): Promise<{ user_id: string }> {
    const response = await fetch(`${this.baseUrl}/admin/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 201)
      throw new Error(`user registration failed: ${response.status} ${await response.text()}`);
    return (await response.json()) as { user_id: string };
  }

  async admin(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.adminToken}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  async userInfo(token: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.baseUrl}/api/user`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) },
    });
  }

  form(path: string, params: Record<string, string>, headers: Record<string, string> = {}, baseUrl = this.baseUrl) {
    return fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(params),
    });
  }

  async clientCredentials(clientId: string, secret: string, scope?: string): Promise<Record<string, unknown>> {
    const response = await this.form('/oauth/token', {
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: secret,
      ...(scope ? { scope } : {}),
    });
    if (response.status !== 200) throw new Error(`token request failed: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  }

  async introspect(
    token: string,
    clientId: string,
    secret: string,
    baseUrl = this.baseUrl,
  ): Promise<Record<string, unknown>> {
    const response = await this.form(
      '/oauth/introspect',
      { token },
      { authorization: basic(clientId, secret) },
      baseUrl,
    );
    if (response.status !== 200) throw new Error(`introspection failed: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  }

  revoke(token: string) {
    return this.form('/oauth/revoke', { token });
  }
}

export function basic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}
