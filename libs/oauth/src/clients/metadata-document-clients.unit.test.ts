import type { RemoteDocument, RemoteFetcher } from '@grantline/lib-fetch';
import { formRequest, MemoryFetcher, oauthFixture, pkcePair, respond, type OAuthFixture } from '@grantline/lib-testing';
import { checkAuthorizationRequest } from '../authorize/authorization-request';
import { decideAuthorizationCode } from '../authorize/code-issuer';
import { introspectionEndpoint } from '../introspection-endpoint';
import { metadataEndpoint } from '../metadata';
import { revocationEndpoint } from '../revocation-endpoint';
import { tokenEndpoint } from '../token-endpoint';
import { keptSeconds } from './metadata-document-clients';

const CLIENT_ID = 'https://app.example.com/oauth/client.json';
const REDIRECT = 'https://app.example.com/callback';
const document = {
  client_id: CLIENT_ID,
  client_name: 'Example Editor',
  redirect_uris: [REDIRECT],
  grant_types: ['authorization_code', 'refresh_token'],
};
const caching = { minSeconds: 60, maxSeconds: 3600, defaultSeconds: 300, failureSeconds: 30 };

describe('keptSeconds', () => {
  it.each([
    [null, 300],
    [0, 60],
    [5, 60],
    [600, 600],
    [86_400, 3600],
  ])('keeps an answer with max-age %j for %i s', (maxAge, kept) => {
    expect(keptSeconds(maxAge, caching)).toBe(kept);
  });
});

describe('clients known by their metadata document', () => {
  let fixture: OAuthFixture;
  let fetcher: MemoryFetcher;

  const find = (clientId: string) => fixture.context.clients.find(clientId);
  const fetches = () => fetcher.fetched.filter((url) => url === CLIENT_ID).length;

  beforeEach(async () => {
    fixture = await oauthFixture({ clientMetadataDocuments: true });
    fetcher = new MemoryFetcher().serve(CLIENT_ID, document, 600);
    fixture.context.fetcher = fetcher;
  });

  it('resolves a URL id through its document and every other id through the projection', async () => {
    await fixture.registerClient({
      name: 'registered',
      client_id: 'registered',
      public: true,
      grant_types: ['authorization_code'],
      redirect_uris: [REDIRECT],
    });
    expect(await find(CLIENT_ID)).toMatchObject({
      clientId: CLIENT_ID,
      name: 'Example Editor',
      public: true,
      firstParty: false,
      metadataDocument: { host: 'app.example.com', sha256: expect.stringMatching(/^[\w-]{43}$/) },
    });
    expect(await find('registered')).toMatchObject({ clientId: 'registered' });
    expect(await find('unknown')).toBeNull();
    expect(fetcher.fetched).toEqual([CLIENT_ID]);
  });

  it('never fetches an id that cannot name a document', async () => {
    for (const id of ['https://app.example.com/', 'https://app.example.com/a/../client.json', `${CLIENT_ID}#x`]) {
      expect(await find(id)).toBeNull();
    }
    expect(fetcher.fetched).toEqual([]);
  });

  it('keeps a document as its answer says, within the bounds, then fetches it again and sees the change', async () => {
    await find(CLIENT_ID);
    fixture.clock.advance(599);
    expect(await find(CLIENT_ID)).toMatchObject({ name: 'Example Editor' });
    expect(fetches()).toBe(1);
    fetcher.serve(CLIENT_ID, { ...document, client_name: 'Renamed' }, 600);
    fixture.clock.advance(1);
    expect(await find(CLIENT_ID)).toMatchObject({ name: 'Renamed' });
    expect(fetches()).toBe(2);
  });

  it('keeps a no-store answer for the floor and a long-lived one only up to the ceiling', async () => {
    fetcher.serve(CLIENT_ID, document, 0);
    await find(CLIENT_ID);
    fixture.clock.advance(59);
    await find(CLIENT_ID);
    expect(fetches()).toBe(1);
    fixture.clock.advance(1);
    fetcher.serve(CLIENT_ID, document, 31_536_000);
    await find(CLIENT_ID);
    expect(fetches()).toBe(2);
    fixture.clock.advance(3599);
    await find(CLIENT_ID);
    expect(fetches()).toBe(2);
    fixture.clock.advance(1);
    await find(CLIENT_ID);
    expect(fetches()).toBe(3);
  });

  it('remembers a failed fetch briefly: no fetch per request, and a retry after the failure time', async () => {
    fetcher.forget(CLIENT_ID);
    for (let request = 0; request < 5; request++) expect(await find(CLIENT_ID)).toBeNull();
    expect(fetches()).toBe(1);
    fetcher.serve(CLIENT_ID, document, 600);
    fixture.clock.advance(29);
    expect(await find(CLIENT_ID)).toBeNull();
    fixture.clock.advance(1);
    expect(await find(CLIENT_ID)).toMatchObject({ clientId: CLIENT_ID });
    expect(fetches()).toBe(2);
  });

  it('keeps an invalid document as fetched, so it is refused without a fetch per request', async () => {
    fetcher.serve(CLIENT_ID, { ...document, client_id: 'https://evil.example/client.json' }, 600);
    expect(await find(CLIENT_ID)).toBeNull();
    expect(await find(CLIENT_ID)).toBeNull();
    expect(fetches()).toBe(1);
  });

  it('fetches once for concurrent requests of one id', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const slow: RemoteFetcher = {
      async fetchJson(url): Promise<RemoteDocument> {
        calls++;
        await gate;
        return fetcher.fetchJson(url);
      },
      postForm: (url, form) => fetcher.postForm(url, form),
    };
    fixture.context.fetcher = slow;
    const found = Promise.all([find(CLIENT_ID), find(CLIENT_ID), find(CLIENT_ID)]);
    release();
    expect((await found).map((client) => client?.clientId)).toEqual([CLIENT_ID, CLIENT_ID, CLIENT_ID]);
    expect(calls).toBe(1);
  });

  it('lets a failure other than a refused fetch through, and remembers nothing of it', async () => {
    fixture.context.fetcher = {
      fetchJson: () => Promise.reject(new Error('out of memory')),
      postForm: (url, form) => fetcher.postForm(url, form),
    };
    await expect(find(CLIENT_ID)).rejects.toThrow('out of memory');
    fixture.context.fetcher = fetcher;
    expect(await find(CLIENT_ID)).toMatchObject({ clientId: CLIENT_ID });
  });

  it('finds URL ids nowhere when the feature is off', async () => {
    const off = await oauthFixture();
    off.context.fetcher = fetcher;
    expect(await off.context.clients.find(CLIENT_ID)).toBeNull();
    expect(fetcher.fetched).toEqual([]);
  });

  it('says so in the server metadata, and only when on', async () => {
    const on = await respond(fixture.context, () => metadataEndpoint(fixture.context), formRequest({}));
    expect(on.body).toMatchObject({ client_id_metadata_document_supported: true });
    const off = await oauthFixture();
    const answer = await respond(off.context, () => metadataEndpoint(off.context), formRequest({}));
    expect(answer.body).toMatchObject({ client_id_metadata_document_supported: false });
  });
});

describe('a code flow of a client known by its metadata document', () => {
  let fixture: OAuthFixture;

  beforeEach(async () => {
    fixture = await oauthFixture({ clientMetadataDocuments: true });
    fixture.context.fetcher = new MemoryFetcher().serve(CLIENT_ID, document, 600);
  });

  async function authorize(clientId = CLIENT_ID) {
    const { verifier, challenge } = pkcePair();
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: REDIRECT,
      scope: 'read',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    return {
      check: await checkAuthorizationRequest(query, fixture.context, fixture.context.settings.issuer, {
        pushed: false,
        serverRequiresPush: false,
      }),
      verifier,
    };
  }

  it('issues a code recorded with the document hash, tokens that introspect active, refresh, and revoke', async () => {
    const user = await fixture.registerUser({
      email: 'ada@example.test',
      name: 'Ada',
      password: 'correct horse battery',
    });
    await fixture.registerClient({ name: 'rs', client_id: 'rs', client_secret: 'rs-secret-1' });
    const { check, verifier } = await authorize();
    if (check.kind !== 'valid') throw new Error(`not valid: ${JSON.stringify(check)}`);
    expect(check.request.clientDocument).toEqual({ host: 'app.example.com', sha256: expect.any(String) });
    const issued = await decideAuthorizationCode(
      fixture.context,
      formRequest({}),
      check.request,
      check.client,
      user,
      Math.floor(fixture.clock.now().getTime() / 1000),
    );
    await fixture.log.append([issued.event]);
    expect(issued.event).toMatchObject({
      type: 'AuthorizationCodeIssued',
      data: { clientId: CLIENT_ID, clientMetadataSha256: check.request.clientDocument?.sha256 },
    });
    const code = new URL(issued.location).searchParams.get('code') ?? '';
    const token = await respond(
      fixture.context,
      tokenEndpoint,
      formRequest({
        grant_type: 'authorization_code',
        client_id: CLIENT_ID,
        code,
        code_verifier: verifier,
        redirect_uri: REDIRECT,
      }),
    );
    expect(token.status).toBe(200);
    const tokens = token.body as { access_token: string; refresh_token: string };
    const introspected = await respond(
      fixture.context,
      introspectionEndpoint,
      formRequest({ token: tokens.access_token, client_id: 'rs', client_secret: 'rs-secret-1' }),
    );
    expect(introspected.body).toMatchObject({ active: true, client_id: CLIENT_ID });
    const refreshed = await respond(
      fixture.context,
      tokenEndpoint,
      formRequest({ grant_type: 'refresh_token', client_id: CLIENT_ID, refresh_token: tokens.refresh_token }),
    );
    expect(refreshed.status).toBe(200);

    // Revocation reads its caller in a batched projection read; a URL client is found in the directory.
    const revoked = await respond(
      fixture.context,
      revocationEndpoint,
      formRequest({ token: tokens.access_token, client_id: CLIENT_ID }),
    );
    expect(revoked.status).toBe(200);
    const after = await respond(
      fixture.context,
      introspectionEndpoint,
      formRequest({ token: tokens.access_token, client_id: 'rs', client_secret: 'rs-secret-1' }),
    );
    expect(after.body).toEqual({ active: false });
  });

  it('shows a fatal error, never a redirect, for a document that names another client_id', async () => {
    fixture.context.fetcher = new MemoryFetcher().serve(CLIENT_ID, {
      ...document,
      client_id: 'https://evil.example/c',
    });
    expect((await authorize()).check).toMatchObject({
      kind: 'fatal',
      message: expect.stringContaining('metadata document that could not be used'),
    });
  });

  it('answers invalid_client at the token endpoint for a document that cannot be fetched, and records nothing', async () => {
    fixture.context.fetcher = new MemoryFetcher();
    const before = fixture.log.events.length;
    const answer = await respond(
      fixture.context,
      tokenEndpoint,
      formRequest({ grant_type: 'authorization_code', client_id: CLIENT_ID, code: 'x', code_verifier: 'y'.repeat(43) }),
    );
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ error: 'invalid_client' });
    expect(fixture.log.events).toHaveLength(before);
  });
});
