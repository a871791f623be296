import { createHash } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { fakeDns, hostileAnswers, type HostileAnswers } from '../../../test/support/hostile-answers';
import { makeTestCertificates, type TestCertificates } from '../../../test/support/test-certificates';
import { hostAllowList } from './allowed-hosts';
import { ConnectionGuard, systemResolver, type Resolver } from './connection-guard';
import { createGuardedFetcher, type GuardedFetcher, type GuardedFetcherSettings } from './guarded-fetcher';
import { RemoteFetchError, type RemoteFetchFailure } from './remote-fetcher';

/**
 * The guarded fetcher against a real https server on loopback, with a test CA: what it takes
 * from a host it is allowed to reach, and what it refuses when a URL, a name or an answer tries
 * to lead it somewhere it must not go.
 */
const DOCUMENT = { client_id: 'https://metadata.test/client', client_name: 'Test client' };
const TIMEOUT_MS = 1000;
const MAX_BYTES = 4096;

let certificates: TestCertificates;
let server: Server;
let port = 0;
let connections = 0;
let answer: HostileAnswers;

beforeAll(async () => {
  certificates = makeTestCertificates({ dns: ['localhost', 'metadata.test'], ip: ['127.0.0.1', '::1'] });
  answer = hostileAnswers({ document: DOCUMENT, maxBytes: MAX_BYTES, origin: () => `https://127.0.0.1:${port}` });
  server = createServer({ cert: certificates.cert, key: certificates.key }, answer);
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  answer.stop();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  certificates.remove();
});

const fetchers: GuardedFetcher[] = [];
afterEach(async () => {
  await Promise.all(fetchers.splice(0).map((fetcher) => fetcher.close()));
});

function fetcher(settings: Partial<GuardedFetcherSettings> = {}): GuardedFetcher {
  const made = createGuardedFetcher({
    allowedHosts: ['127.0.0.1', 'localhost', '*.test'],
    extraCaCertificates: certificates.caPem,
    allowHttpForAllowedHosts: false,
    timeoutMs: TIMEOUT_MS,
    maxBytes: MAX_BYTES,
    ...settings,
  });
  fetchers.push(made);
  return made;
}

async function refusal(promise: Promise<unknown>): Promise<RemoteFetchFailure> {
  const error: unknown = await promise.then(
    () => new Error('the fetch succeeded'),
    (caught: unknown) => caught,
  );
  if (!(error instanceof RemoteFetchError)) throw error;
  return error.reason;
}

describe('a host on the allow-list, over https with a trusted test CA', () => {
  it('fetches a JSON document with its hash and cache lifetime', async () => {
    const document = await fetcher().fetchJson(`https://127.0.0.1:${port}/doc.json`);
    const bytes = Buffer.from(JSON.stringify(DOCUMENT));
    expect(document).toEqual({
      url: `https://127.0.0.1:${port}/doc.json`,
      body: DOCUMENT,
      sha256: createHash('sha256').update(bytes).digest('base64url'),
      maxAgeSeconds: 300,
    });
  });

  it('reaches `localhost` through the system resolver and `*.test` names through any resolver', async () => {
    expect((await fetcher().fetchJson(`https://localhost:${port}/doc.json`)).body).toEqual(DOCUMENT);
    const dns = fakeDns({ 'metadata.test': [['127.0.0.1']] });
    expect((await fetcher({ resolver: dns }).fetchJson(`https://metadata.test:${port}/doc.json`)).body).toEqual(
      DOCUMENT,
    );
  });

  it('asks for JSON, uncompressed, and sends nothing else of note', async () => {
    const { body } = await fetcher().fetchJson(`https://127.0.0.1:${port}/headers?x=1`, {
      accept: 'application/jwk-set+json',
    });
    expect(body).toEqual({
      host: `127.0.0.1:${port}`,
      accept: 'application/jwk-set+json',
      'user-agent': 'Grantline',
      connection: 'keep-alive',
    });
  });

  it('refuses a server whose certificate no trusted CA signed', async () => {
    const untrusting = fetcher({ extraCaCertificates: undefined });
    expect(await refusal(untrusting.fetchJson(`https://127.0.0.1:${port}/doc.json`))).toBe('network');
  });

  it('counts every outcome', async () => {
    const outcomes: string[] = [];
    const counting = fetcher({ onOutcome: (outcome) => outcomes.push(outcome) });
    await counting.fetchJson(`https://127.0.0.1:${port}/doc.json`);
    await refusal(counting.fetchJson(`https://127.0.0.1:${port}/html`));
    await refusal(counting.fetchJson('http://127.0.0.1/'));
    expect(outcomes).toEqual(['ok', 'not-json', 'refused-url']);
  });
});

describe('answers it refuses', () => {
  it.each([
    ['/redirect-internal', 'redirect'],
    ['/redirect-same', 'redirect'],
    ['/not-found', 'http-status'],
    ['/html', 'not-json'],
    ['/huge', 'too-large'],
    ['/declares-huge', 'too-large'],
  ])('%s: %s', async (path, reason) => {
    expect(await refusal(fetcher().fetchJson(`https://127.0.0.1:${port}${path}`))).toBe(reason);
  });

  it('reads no further than a Content-Length that says less than is sent, and the next fetch is unharmed', async () => {
    const guarded = fetcher();
    expect((await guarded.fetchJson(`https://127.0.0.1:${port}/declares-little`)).body).toEqual({});
    expect((await guarded.fetchJson(`https://127.0.0.1:${port}/doc.json`)).body).toEqual(DOCUMENT);
  });

  it('applies a smaller limit asked for by the caller', async () => {
    const small = fetcher().fetchJson(`https://127.0.0.1:${port}/doc.json`, { maxBytes: 10 });
    expect(await refusal(small)).toBe('too-large');
  });

  it.each([0, -1, Number.NaN, 1.5])(
    'ignores a limit of %p asked for by the caller, keeping its own',
    async (maxBytes) => {
      expect(await refusal(fetcher().fetchJson(`https://127.0.0.1:${port}/huge`, { maxBytes }))).toBe('too-large');
      expect((await fetcher().fetchJson(`https://127.0.0.1:${port}/doc.json`, { maxBytes })).body).toEqual(DOCUMENT);
    },
  );

  it('times out when the name never resolves', async () => {
    const silent: Resolver = () => new Promise(() => undefined);
    const started = Date.now();
    expect(await refusal(fetcher({ resolver: silent }).fetchJson('https://silent.example/'))).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS * 3);
  });

  it('times out when the server accepts the connection and never speaks TLS', async () => {
    const mute = createNetServer(() => undefined);
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
    const sockets: Socket[] = [];
    mute.on('connection', (socket) => sockets.push(socket));
    try {
      const url = `https://127.0.0.1:${(mute.address() as AddressInfo).port}/doc.json`;
      const started = Date.now();
      expect(await refusal(fetcher().fetchJson(url))).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS * 3);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => mute.close(resolve));
    }
  });

  it.each(['/slow-drip', '/no-headers'])('%s: times out within the whole-fetch limit', async (path) => {
    const started = Date.now();
    expect(await refusal(fetcher().fetchJson(`https://127.0.0.1:${port}${path}`))).toBe('timeout');
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(TIMEOUT_MS * 3);
  });
});

describe('places it does not go', () => {
  it.each([
    [`http://127.0.0.1:PORT/doc.json`, 'refused-url'],
    [`https://user:secret@127.0.0.1:PORT/doc.json`, 'refused-url'],
    ['https://169.254.169.254/latest/meta-data/', 'refused-address'],
    ['https://[::ffff:127.0.0.1]:PORT/doc.json', 'refused-address'],
    ['https://[::ffff:169.254.169.254]/latest/meta-data/', 'refused-address'],
    ['https://[::1]:PORT/doc.json', 'refused-address'],
    ['https://2130706433:PORT/doc.json', 'refused-address'], // 127.0.0.1 as one number
    ['https://0x7f.1:PORT/doc.json', 'refused-address'], // 127.0.0.1 in hex and short
    ['https://0.0.0.0:PORT/doc.json', 'refused-address'],
    ['https://10.0.0.1/', 'refused-address'],
  ])('%s: %s, before any connection', async (url, reason) => {
    const before = connections;
    const guarded = fetcher({ allowedHosts: [] });
    expect(await refusal(guarded.fetchJson(url.replace('PORT', String(port))))).toBe(reason);
    expect(connections).toBe(before);
  });

  it('refuses a name that is not allowed and resolves to loopback', async () => {
    const before = connections;
    const dns = fakeDns({ 'evil.example': [['127.0.0.1']], 'localhost.example': [['::1', '127.0.0.1']] });
    const guarded = fetcher({ resolver: dns });
    expect(await refusal(guarded.fetchJson(`https://evil.example:${port}/doc.json`))).toBe('refused-address');
    expect(await refusal(guarded.fetchJson(`https://localhost.example:${port}/doc.json`))).toBe('refused-address');
    expect(connections).toBe(before);
  });

  it('refuses `localhost` itself when it is not on the allow-list', async () => {
    const before = connections;
    const guarded = fetcher({ allowedHosts: ['*.test'] });
    expect(await refusal(guarded.fetchJson(`https://localhost:${port}/doc.json`))).toBe('refused-address');
    expect(connections).toBe(before);
  });

  it('refuses a name whose answer mixes a public address with a loopback one', async () => {
    const dns = fakeDns({ 'mixed.example': [['93.184.215.14', '127.0.0.1']] });
    expect(await refusal(fetcher({ resolver: dns }).fetchJson(`https://mixed.example:${port}/`))).toBe(
      'refused-address',
    );
  });

  it('DNS rebinding: a name public when checked and loopback when connecting is refused at the connection', async () => {
    const before = connections;
    const dns = fakeDns({ 'rebind.example': [['93.184.215.14'], ['127.0.0.1']] });
    const guarded = fetcher({ resolver: dns });
    expect(await refusal(guarded.fetchJson(`https://rebind.example:${port}/doc.json`))).toBe('refused-address');
    // The check passed on the first answer; the connection resolved again, met loopback, and never opened.
    expect(dns.queries).toEqual(['rebind.example', 'rebind.example']);
    expect(connections).toBe(before);
  });

  it('the connector itself drops a connection that reached an address its host may not reach', async () => {
    // An IP address is connected to without a lookup: the check of the address reached still applies.
    const guard = new ConnectionGuard(hostAllowList([]), systemResolver);
    const connect = guard.connector({ ca: certificates.caPem, timeout: TIMEOUT_MS });
    const target = { hostname: '127.0.0.1', host: `127.0.0.1:${port}`, protocol: 'https:', port: String(port) };
    const failure = await new Promise((resolve) =>
      connect(target, (error, socket) => {
        socket?.destroy();
        resolve(error);
      }),
    );
    expect(failure).toEqual(expect.objectContaining({ reason: 'refused-address' }));
  });

  it('a name that does not resolve fails as a network failure', async () => {
    const dns = fakeDns({});
    expect(await refusal(fetcher({ resolver: dns }).fetchJson('https://nowhere.example/'))).toBe('network');
  });
});

describe('plain http for allowed hosts in development', () => {
  it('reaches an allowed host over http only when told to', async () => {
    const plain = createHttpServer(answer);
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/doc.json`;
    try {
      expect((await fetcher({ allowHttpForAllowedHosts: true }).fetchJson(url)).body).toEqual(DOCUMENT);
      expect(await refusal(fetcher().fetchJson(url))).toBe('refused-url');
    } finally {
      plain.closeAllConnections();
      await new Promise((resolve) => plain.close(resolve));
    }
  });

  it('is refused for every other host even when allowed for the listed ones', async () => {
    const development = fetcher({
      allowHttpForAllowedHosts: true,
      resolver: fakeDns({ 'public.example': [['93.184.215.14']] }),
    });
    expect(await refusal(development.fetchJson('http://public.example/doc.json'))).toBe('refused-url');
  });
});

describe('form POSTs (back-channel logout) under the same guards', () => {
  const form = { logout_token: 'a.b.c' };
  const at = (path: string) => `https://127.0.0.1:${port}${path}`;

  it('posts the form and answers the status, whatever it is', async () => {
    const guarded = fetcher();
    expect(await guarded.postForm(at('/form'), form)).toEqual({ status: 204 });
    expect(await guarded.postForm(at('/not-found'), form)).toEqual({ status: 404 });
    // The answer's body is drained within the limit, or dropped past it; the status stands.
    expect(await guarded.postForm(at('/huge'), form)).toEqual({ status: 200 });
  });

  it('does not follow a redirect: the 302 is the answer', async () => {
    const before = connections;
    expect(await fetcher().postForm(at('/redirect-internal'), form)).toEqual({ status: 302 });
    expect(connections).toBe(before + 1);
  });

  it('times out on a server that never answers, or never finishes its body', async () => {
    expect(await refusal(fetcher().postForm(at('/no-headers'), form))).toBe('timeout');
    expect(await refusal(fetcher().postForm(at('/slow-drip'), form))).toBe('timeout');
  });

  it('refuses what a fetch refuses, before any connection', async () => {
    const before = connections;
    const guarded = fetcher({
      allowedHosts: [],
      resolver: fakeDns({ 'rebind.example': [['93.184.215.14'], ['127.0.0.1']] }),
    });
    expect(await refusal(guarded.postForm(`http://127.0.0.1:${port}/form`, form))).toBe('refused-url');
    expect(await refusal(guarded.postForm('https://169.254.169.254/latest/meta-data/', form))).toBe('refused-address');
    expect(await refusal(guarded.postForm(at('/form'), form))).toBe('refused-address');
    expect(await refusal(guarded.postForm(`https://rebind.example:${port}/form`, form))).toBe('refused-address');
    expect(connections).toBe(before);
  });
});
