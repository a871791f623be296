import { createHash, randomBytes } from 'node:crypto';

/**
 * A user agent without JavaScript, enough for the server-rendered authorization pages: it keeps
 * cookies, does not follow redirects, and submits the page's form as a browser would.
 */
export class FormBrowser {
  private readonly cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  async get(pathOrUrl: string): Promise<Response> {
    return this.send(pathOrUrl, { method: 'GET' });
  }

  /** Submits the (first) form in `html` with its hidden fields plus `fields`. */
  async submit(html: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    const form = parseForm(html);
    const body = new URLSearchParams({ ...form.hidden, ...fields });
    return this.send(form.action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin', ...headers },
      body,
    });
  }

  /** Posts a raw form body to a path, for attacks that do not come from our page. */
  async post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return this.send(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields),
    });
  }

  cookieNames(): string[] {
    return [...this.cookies.keys()];
  }

  forgetCookies(): void {
    this.cookies.clear();
  }

  private async send(pathOrUrl: string, init: RequestInit): Promise<Response> {
    const url = new URL(pathOrUrl, this.baseUrl);
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
      signal: AbortSignal.timeout(10_000),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const separator = pair.indexOf('=');
      if (separator > 0) this.cookies.set(pair.slice(0, separator), pair.slice(separator + 1));
    }
    return response;
  }
}

export interface ParsedForm {
  action: string;
  hidden: Record<string, string>;
}

export function parseForm(html: string): ParsedForm {
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1];
  if (!action) throw new Error(`no form on the page:\n${html.slice(0, 500)}`);
  const hidden: Record<string, string> = {};
  for (const match of html.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(match[0])?.[1];
    const value = /value="([^"]*)"/.exec(match[0])?.[1];
    if (name !== undefined && value !== undefined) hidden[name] = decodeEntities(value);
  }
  return { action: decodeEntities(action), hidden };
}

function decodeEntities(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** RFC 7636 S256 pair; the verifier length is configurable (43..128). */
export function pkcePair(bytes = 32): { verifier: string; challenge: string } {
  const verifier = randomBytes(bytes).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
