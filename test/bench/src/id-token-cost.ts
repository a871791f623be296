import { performance } from 'node:perf_hooks';
import { decideAuthorizationCode, tokenEndpoint, type OAuthRequest } from '@grantline/lib-oauth';
import { formRequest, oauthFixture, pkcePair, respond, type OAuthFixture } from '@grantline/lib-testing';
import { generateSigningJwk, keyRingFromJwks, type KeyRing } from '@grantline/lib-tokens';

/**
 * What an ID token costs a token replica: CPU per refresh of a grant without `openid`, and of
 * grants with it whose ID tokens are signed RS256 (the default) or ES256, in one process and
 * interleaved in rounds so drift affects each alike. In process on purpose: the three differ only
 * in the ID token, so the HTTP and event-log work a full server adds would only hide it.
 * Run it pinned: `taskset -c 1 node test/bench/dist/id-token-cost.js` (BENCH_ID_TOKEN_REFRESHES, default 3000).
 */

const REDIRECT = 'https://rp.example.test/cb';
const browser: OAuthRequest = { method: 'GET', headers: {}, body: '', remoteAddress: '127.0.0.1', requestId: 'bench' };
const MAX_REFRESHES = 50_000;
const ROUNDS = 10;

type Kind = 'plain' | 'openid RS256' | 'openid ES256';

function refreshesFromEnv(): number {
  const raw = process.env.BENCH_ID_TOKEN_REFRESHES ?? '3000';
  const value = Number(raw);
  if (!Number.isInteger(value) || value < ROUNDS || value > MAX_REFRESHES) {
    throw new Error(`BENCH_ID_TOKEN_REFRESHES must be an integer from ${ROUNDS} to ${MAX_REFRESHES}, got "${raw}"`);
  }
  return value;
}

/** The fixture's ring with an RS256 key added after its ES256 one, as a new key folder has them. */
async function withRsaKey(ring: KeyRing): Promise<KeyRing> {
  const rsa = (await keyRingFromJwks([await generateSigningJwk('bench-rsa', 'RS256')])).active;
  const all = [...ring.all, rsa];
  return {
    active: ring.active,
    all,
    byKid: (kid) => all.find((key) => key.kid === kid),
    signerFor: (alg) => all.find((key) => key.alg === alg),
    algorithms: () => [...new Set(all.map((key) => key.alg))],
  };
}

async function firstRefreshToken(fixture: OAuthFixture, clientId: string, scope: string): Promise<string> {
  const client = await fixture.store.getClient(clientId);
  const user = await fixture.store.findUserByEmail('bench@example.test');
  if (!client || !user) throw new Error('bench fixture is missing its client or user');
  const { verifier, challenge } = pkcePair();
  const scopes = scope.split(' ');
  const authorization = {
    clientId,
    redirectUri: REDIRECT,
    redirectUriGiven: true,
    scopes,
    codeChallenge: challenge,
    resources: [],
  };
  const now = Math.floor(fixture.clock.now().getTime() / 1000);
  const openid = scopes.includes('openid') ? { nonce: 'n', sid: 'bench-session-id-0001', amr: ['pwd'] } : undefined;
  const issued = await decideAuthorizationCode(fixture.context, browser, authorization, client, user, now, openid);
  await fixture.log.append([issued.event]);
  const code = new URL(issued.location).searchParams.get('code') ?? '';
  const answer = await respond(
    fixture.context,
    tokenEndpoint,
    formRequest({
      grant_type: 'authorization_code',
      client_id: clientId,
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT,
    }),
  );
  const token = (answer.body as { refresh_token?: string }).refresh_token;
  if (answer.status !== 200 || token === undefined)
    throw new Error(`code redemption failed: ${JSON.stringify(answer.body)}`);
  return token;
}

async function main(): Promise<void> {
  const refreshes = refreshesFromEnv();
  const fixture = await oauthFixture();
  fixture.context.keys = await withRsaKey(fixture.context.keys);
  await fixture.registerUser({ email: 'bench@example.test', name: 'Bench', password: 'bench password 123' });
  const clients: Record<Kind, { clientId: string; scope: string }> = {
    plain: { clientId: 'plain', scope: 'read' },
    'openid RS256': { clientId: 'rs', scope: 'openid profile email' },
    'openid ES256': { clientId: 'es', scope: 'openid profile email' },
  };
  for (const { clientId } of Object.values(clients)) {
    await fixture.registerClient({
      name: clientId,
      client_id: clientId,
      public: true,
      grant_types: ['authorization_code', 'refresh_token'],
      scopes: 'read openid profile email',
      redirect_uris: [REDIRECT],
      ...(clientId === 'es' ? { id_token_signed_response_alg: 'ES256' } : {}),
    });
  }
  const tokens = {} as Record<Kind, string>;
  for (const [kind, { clientId, scope }] of Object.entries(clients) as [Kind, (typeof clients)[Kind]][]) {
    tokens[kind] = await firstRefreshToken(fixture, clientId, scope);
  }
  const cpu: Record<Kind, number> = { plain: 0, 'openid RS256': 0, 'openid ES256': 0 };
  const wall: Record<Kind, number> = { plain: 0, 'openid RS256': 0, 'openid ES256': 0 };
  const perRound = Math.floor(refreshes / ROUNDS);
  for (let round = 0; round <= ROUNDS; round += 1) {
    for (const kind of Object.keys(clients) as Kind[]) {
      const startCpu = process.cpuUsage();
      const startWall = performance.now();
      for (let i = 0; i < perRound; i += 1) {
        const answer = await respond(
          fixture.context,
          tokenEndpoint,
          formRequest({ grant_type: 'refresh_token', client_id: clients[kind].clientId, refresh_token: tokens[kind] }),
        );
        const body = answer.body as { refresh_token?: string; id_token?: string };
        if (answer.status !== 200 || body.refresh_token === undefined)
          throw new Error(`refresh failed: ${JSON.stringify(body)}`);
        if ((kind !== 'plain') !== (body.id_token !== undefined))
          throw new Error(`${kind}: unexpected ID token presence`);
        tokens[kind] = body.refresh_token;
      }
      // Round 0 warms up every path and is not counted.
      if (round === 0) continue;
      const used = process.cpuUsage(startCpu);
      cpu[kind] += used.user + used.system;
      wall[kind] += (performance.now() - startWall) * 1000;
    }
  }
  const counted = perRound * ROUNDS;
  console.log(`refreshes per kind: ${counted} (in ${ROUNDS} interleaved rounds, after one warm-up round)`);
  console.log('kind            CPU µs/refresh  wall µs/refresh  ID token extra CPU µs');
  for (const kind of Object.keys(clients) as Kind[]) {
    const perCpu = cpu[kind] / counted;
    const extra = kind === 'plain' ? '' : (perCpu - cpu.plain / counted).toFixed(0);
    console.log(
      `${kind.padEnd(15)} ${perCpu.toFixed(0).padStart(14)} ${(wall[kind] / counted).toFixed(0).padStart(16)}  ${extra.padStart(20)}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
