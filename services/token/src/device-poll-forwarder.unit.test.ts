import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OAuthRequest } from '@grantline/lib-oauth';
import { devicePollForwarder, isDevicePoll } from './device-poll-forwarder';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

describe('isDevicePoll', () => {
  it.each<[string, string, boolean]>([
    ['a device-code poll', new URLSearchParams({ grant_type: DEVICE_GRANT, device_code: 'x' }).toString(), true],
    ['client credentials', 'grant_type=client_credentials&client_id=a&client_secret=b', false],
    ['a code exchange whose code contains the words', 'grant_type=authorization_code&code=device_code', false],
    [
      'a poll with the grant type in another parameter',
      `scope=${encodeURIComponent(DEVICE_GRANT)}&device_code=1`,
      false,
    ],
    ['an empty body', '', false],
  ])('%s → %s', (_name, body, expected) => {
    expect(isDevicePoll(body)).toBe(expected);
  });
});

describe('devicePollForwarder', () => {
  let upstreams: Server[] = [];
  const seen: Array<{ port: number; headers: IncomingMessage['headers']; body: string }> = [];

  async function upstream(status: number): Promise<string> {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ port: (server.address() as AddressInfo).port, headers: req.headers, body });
        res.writeHead(status, {
          'content-type': 'application/json',
          'cache-control': 'no-store',
          'x-other': 'dropped',
        });
        res.end(JSON.stringify({ error: 'authorization_pending' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    upstreams.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  afterEach(async () => {
    await Promise.all(upstreams.map((server) => new Promise((resolve) => server.close(resolve))));
    upstreams = [];
    seen.length = 0;
  });

  const request: OAuthRequest = {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic eDp5', cookie: 'no' },
    body: `grant_type=${encodeURIComponent(DEVICE_GRANT)}&device_code=abc`,
    remoteAddress: '203.0.113.7',
    requestId: 'req-1',
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  };

  it('relays the poll round robin and passes the answer back', async () => {
    const forward = devicePollForwarder([await upstream(400), await upstream(400)]);
    const first = await forward(request);
    await forward(request);
    expect(first).toEqual({
      status: 400,
      headers: { 'cache-control': 'no-store' },
      body: { error: 'authorization_pending' },
    });
    expect(new Set(seen.map((entry) => entry.port)).size).toBe(2);
    expect(seen[0]).toMatchObject({
      body: request.body,
      headers: {
        authorization: 'Basic eDp5',
        'x-request-id': 'req-1',
        'x-forwarded-for': '203.0.113.7',
        traceparent: request.traceparent,
      },
    });
    expect(seen[0]?.headers.cookie).toBeUndefined();
  });

  it('goes on to the next replica when one refuses the connection, and sends the poll once', async () => {
    const live = await upstream(400);
    const forward = devicePollForwarder(['http://127.0.0.1:1', live]);
    const answers = [await forward(request), await forward(request)];
    expect(answers.map((answer) => answer.status)).toEqual([400, 400]);
    expect(seen).toHaveLength(2);
  });

  it('answers 503 temporarily_unavailable when the device-polling service is down', async () => {
    const forward = devicePollForwarder(['http://127.0.0.1:1']);
    await expect(forward(request)).rejects.toMatchObject({ error: 'temporarily_unavailable', status: 503 });
  });
});
