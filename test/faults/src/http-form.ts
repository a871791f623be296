/** What came back from a form POST: status 0 and `error` when no answer came. */
export interface FormAnswer {
  status: number;
  body: Record<string, unknown>;
  error?: string;
}

const REQUEST_TIMEOUT_MS = 10_000;

/** POSTs a form and reads a JSON body; never throws (a refused or timed-out request is status 0). */
export async function postForm(
  url: string,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<FormAnswer> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(params),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed !== null && typeof parsed === 'object') body = parsed as Record<string, unknown>;
    } catch {
      // not JSON (an nginx error page)
    }
    return { status: response.status, body, ...(typeof body.error === 'string' ? { error: body.error } : {}) };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return { status: 0, body: {}, error: `${String(error)}${cause}` };
  }
}

export function basic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}
