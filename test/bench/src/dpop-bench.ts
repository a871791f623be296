import { execFile } from 'node:child_process';
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { verifyDpopProof, type OAuthRequest } from '@grantline/lib-oauth';
import {
  authorize,
  codeOf,
  FormBrowser,
  oauthFixture,
  TEST_ISSUER,
  type AuthorizeOptions,
} from '@grantline/lib-testing';
import { CODE_FLOW_REDIRECT } from './code-flow-timing';
import { adminCreate, form, registerClient, registerUser, tokenRequest, type Client } from './http-calls';
import { ms, percentile, printRows } from './scenario';
import { isLoopback, type Target } from './target';

/**
 * What DPoP (RFC 9449) costs: proof verification in-process, one proof at a time, and the latency
 * a proof adds to a token request and to a call of GET /api/user, each measured against the same
 * request without one, interleaved so that drift in the stack affects both alike.
 */

export type ProofAlgorithm = 'ES256' | 'EdDSA' | 'RS256';
export const PROOF_ALGORITHMS: readonly ProofAlgorithm[] = ['ES256', 'EdDSA', 'RS256'];

export interface DpopBenchSettings {
  /** Wall time spent verifying proofs of each algorithm, in milliseconds. */
  verifyMs: number;
  /** The CPU the verification process is pinned to with taskset, or null for no pinning. */
  cpu: number | null;
  /** Timed requests of each kind (with a proof, without) per endpoint. */
  requests: number;
}

const MAX_VERIFY_MS = 10_000;
/** The verification child process is killed after this long. */
const CHILD_TIMEOUT_MS = 180_000;
const MAX_REQUESTS = 5_000;
const WARMUP_REQUESTS = 20;
/** Passes over one algorithm's proofs at most, whatever time is left. */
const MAX_PASSES = 100;
/**
 * Distinct proofs built per algorithm, and how many keys take turns signing them (an RSA key takes
 * ~0.2 s to make). Nothing caches a key between proofs: each proof's `jwk` is imported anew.
 */
const PROOF_SET: Record<ProofAlgorithm, { proofs: number; keys: number }> = {
  ES256: { proofs: 4_000, keys: 64 },
  EdDSA: { proofs: 4_000, keys: 64 },
  RS256: { proofs: 1_500, keys: 4 },
};
const WARMUP_PROOFS = 1_000;
const TOKEN_PATH = '/oauth/token';
const USER_PATH = '/api/user';

function boundedInt(name: string, fallback: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0 || value > max) {
    throw new Error(`${name} must be an integer from 1 to ${max}, got "${raw}"`);
  }
  return value;
}

export function dpopSettingsFromEnv(): DpopBenchSettings {
  const cpu = process.env.BENCH_DPOP_CPU?.trim() ?? '';
  if (cpu !== '' && cpu !== 'none' && !/^\d{1,4}$/.test(cpu)) {
    throw new Error(`BENCH_DPOP_CPU must be a CPU number or "none", got "${cpu}"`);
  }
  return {
    verifyMs: boundedInt('BENCH_DPOP_VERIFY_MS', 1_500, MAX_VERIFY_MS),
    cpu: cpu === 'none' ? null : Number(cpu === '' ? 0 : cpu),
    requests: boundedInt('BENCH_DPOP_REQUESTS', 300, MAX_REQUESTS),
  };
}

// ---------------------------------------------------------------------------------------------
// Proofs, made with node:crypto so that the bench does not share the server's JOSE code.

interface ProofKey {
  alg: ProofAlgorithm;
  privateKey: KeyObject;
  /** The public members only, as the proof header carries them. */
  jwk: Record<string, string>;
}

/**
 * A fresh key pair. The public JWK comes out of the generation itself: on Node 20, exporting a
 * just-generated KeyObject as a JWK can deadlock when a garbage collection during the export
 * finalises a key-generation job (seen with P-256 and Ed25519 keys, pinned to one CPU).
 */
function newProofKey(alg: ProofAlgorithm): ProofKey {
  // @types/node has no overload for a JWK public key encoding, which Node has had since 15.12.
  const generate = generateKeyPairSync as unknown as (
    type: string,
    options: object,
  ) => { publicKey: Record<string, unknown>; privateKey: Buffer };
  const encoding = { publicKeyEncoding: { format: 'jwk' }, privateKeyEncoding: { type: 'pkcs8', format: 'der' } };
  const pair =
    alg === 'ES256'
      ? generate('ec', { namedCurve: 'P-256', ...encoding })
      : alg === 'EdDSA'
        ? generate('ed25519', encoding)
        : generate('rsa', { modulusLength: 2048, ...encoding });
  const exported = pair.publicKey;
  const members =
    alg === 'ES256' ? ['kty', 'crv', 'x', 'y'] : alg === 'EdDSA' ? ['kty', 'crv', 'x'] : ['kty', 'n', 'e'];
  const jwk: Record<string, string> = {};
  for (const member of members) {
    const value = exported[member];
    if (typeof value !== 'string') throw new Error(`node:crypto exported a ${alg} JWK without ${member}`);
    jwk[member] = value;
  }
  const privateKey = createPrivateKey({ key: pair.privateKey, format: 'der', type: 'pkcs8' });
  return { alg, privateKey, jwk };
}

/** RFC 7638: SHA-256 over the required members, sorted, without whitespace. */
export function thumbprint(jwk: Record<string, string>): string {
  const required =
    jwk.kty === 'EC' ? ['crv', 'kty', 'x', 'y'] : jwk.kty === 'OKP' ? ['crv', 'kty', 'x'] : ['e', 'kty', 'n'];
  const canonical = `{${required.map((name) => `${JSON.stringify(name)}:${JSON.stringify(jwk[name])}`).join(',')}}`;
  return createHash('sha256').update(canonical).digest('base64url');
}

interface ProofClaims {
  htm: string;
  htu: string;
  iat: number;
  accessToken?: string;
  nonce?: string;
}

const encodeSegment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function signProof(key: ProofKey, claims: ProofClaims): string {
  const header = { typ: 'dpop+jwt', alg: key.alg, jwk: key.jwk };
  const payload = {
    jti: randomBytes(16).toString('base64url'),
    htm: claims.htm,
    htu: claims.htu,
    iat: claims.iat,
    ...(claims.accessToken === undefined
      ? {}
      : { ath: createHash('sha256').update(claims.accessToken).digest('base64url') }),
    ...(claims.nonce === undefined ? {} : { nonce: claims.nonce }),
  };
  const input = Buffer.from(`${encodeSegment(header)}.${encodeSegment(payload)}`);
  const signature =
    key.alg === 'ES256'
      ? sign('sha256', input, { key: key.privateKey, dsaEncoding: 'ieee-p1363' })
      : sign(key.alg === 'EdDSA' ? null : 'sha256', input, key.privateKey);
  return `${input.toString()}.${signature.toString('base64url')}`;
}

/** The crypto floor of one proof: import the header's key and check the signature, nothing else. */
function importAndVerify(proof: string): boolean {
  const [encodedHeader, encodedPayload, encodedSignature] = proof.split('.');
  if (!encodedHeader || !encodedPayload || !encodedSignature) return false;
  const header = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString()) as {
    alg: ProofAlgorithm;
    jwk: Record<string, string>;
  };
  const key = createPublicKey({ key: header.jwk, format: 'jwk' });
  const input = Buffer.from(`${encodedHeader}.${encodedPayload}`);
  const signature = Buffer.from(encodedSignature, 'base64url');
  if (header.alg === 'ES256') return verify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, signature);
  return verify(header.alg === 'EdDSA' ? null : 'sha256', input, key, signature);
}

// ---------------------------------------------------------------------------------------------
// 1. verifyDpopProof in-process.

export interface VerifyResult {
  alg: ProofAlgorithm;
  distinctProofs: number;
  passes: number;
  verified: number;
  perSecond: number;
  /** Wall microseconds per proof: mean and the 99th percentile of single calls. */
  meanMicros: number;
  p99Micros: number;
  /** User + system CPU of this process per proof (process.cpuUsage). */
  cpuMicros: number;
  /** node:crypto's JWK import plus signature check of the same proofs, per proof. */
  floorMicros: number;
}

function buildProofs(keys: ProofKey[], count: number, iat: number): string[] {
  const htu = `${TEST_ISSUER}${TOKEN_PATH}`;
  return Array.from({ length: count }, (_, index) =>
    signProof(keys[index % keys.length] as ProofKey, { htm: 'POST', htu, iat }),
  );
}

function proofRequest(proof: string): OAuthRequest {
  return { method: 'POST', headers: { dpop: proof }, body: '', remoteAddress: '127.0.0.1', requestId: 'bench' };
}

const TOKEN_EXPECTATION = { site: 'token', path: TOKEN_PATH, nonceRequired: false } as const;

/**
 * Verifies each algorithm's distinct proofs one after the other, awaiting every call. A pass
 * uses a fresh in-memory context, so its replay cache has seen none of the proofs; passes repeat
 * until `verifyMs` of verifying has gone by. Building proofs and contexts is not timed, and every
 * algorithm is warmed up before the first is timed, so that the first does not pay for the JIT.
 */
export async function measureProofVerification(verifyMs: number): Promise<VerifyResult[]> {
  const probe = await oauthFixture();
  const iat = Math.floor(probe.clock.now().getTime() / 1000);
  const sets = PROOF_ALGORITHMS.map((alg) => {
    const keys = Array.from({ length: PROOF_SET[alg].keys }, () => newProofKey(alg));
    return { alg, keys, proofs: buildProofs(keys, PROOF_SET[alg].proofs, iat) };
  });
  for (const { alg, keys, proofs } of sets) {
    // The thumbprint is the one RFC 7638 gives, and a second use of a proof is refused.
    const first = proofs[0] as string;
    const verifyFirst = () => verifyDpopProof(probe.context, proofRequest(first), first, TOKEN_EXPECTATION);
    const { jkt } = await verifyFirst();
    if (jkt !== thumbprint((keys[0] as ProofKey).jwk)) {
      throw new Error(`${alg}: verifyDpopProof returned another thumbprint`);
    }
    const replay = await verifyFirst().then(
      () => 'accepted',
      () => 'refused',
    );
    if (replay !== 'refused') throw new Error(`${alg}: a replayed proof was accepted`);
    for (const proof of buildProofs(keys, WARMUP_PROOFS, iat)) {
      await verifyDpopProof(probe.context, proofRequest(proof), proof, TOKEN_EXPECTATION);
    }
  }

  const results: VerifyResult[] = [];
  for (const { alg, proofs } of sets) {
    const durations: number[] = [];
    let wall = 0;
    let cpu = 0;
    let passes = 0;
    while (passes < MAX_PASSES && (passes === 0 || wall < verifyMs)) {
      const { context } = await oauthFixture();
      const requests = proofs.map(proofRequest);
      const cpuStart = process.cpuUsage();
      const passStart = performance.now();
      for (let index = 0; index < proofs.length; index += 1) {
        const proof = proofs[index] as string;
        const start = performance.now();
        await verifyDpopProof(context, requests[index] as OAuthRequest, proof, TOKEN_EXPECTATION);
        durations.push(performance.now() - start);
      }
      wall += performance.now() - passStart;
      const used = process.cpuUsage(cpuStart);
      cpu += (used.user + used.system) / 1000;
      passes += 1;
    }

    const floorStart = performance.now();
    for (const proof of proofs) {
      if (!importAndVerify(proof)) throw new Error(`${alg}: node:crypto refused a proof`);
    }
    const floorMs = performance.now() - floorStart;

    durations.sort((a, b) => a - b);
    const verified = durations.length;
    results.push({
      alg,
      distinctProofs: proofs.length,
      passes,
      verified,
      perSecond: verified / (wall / 1000),
      meanMicros: (wall * 1000) / verified,
      p99Micros: percentile(durations, 99) * 1000,
      cpuMicros: (cpu * 1000) / verified,
      floorMicros: (floorMs * 1000) / proofs.length,
    });
  }
  return results;
}

const run = promisify(execFile);

/**
 * Runs the verification benchmark in a process of its own, pinned to one CPU with taskset when
 * `cpu` is set (and taskset exists), so that jose's verification on the libuv thread pool stays
 * on that CPU too and the bench's own HTTP clients are not in the measurement.
 */
export async function measureProofVerificationApart(
  settings: DpopBenchSettings,
): Promise<{ results: VerifyResult[]; where: string }> {
  const node = [process.execPath, __filename, '--json'];
  const options = {
    env: { ...process.env, BENCH_DPOP_VERIFY_MS: String(settings.verifyMs) },
    timeout: CHILD_TIMEOUT_MS,
    maxBuffer: 1 << 20,
  };
  let stdout: string;
  let where: string;
  if (settings.cpu === null) {
    ({ stdout } = await run(node[0] as string, node.slice(1), options));
    where = 'a process of its own, not pinned';
  } else {
    try {
      ({ stdout } = await run('taskset', ['-c', String(settings.cpu), ...node], options));
      where = `a process of its own pinned to CPU ${settings.cpu} (taskset)`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      ({ stdout } = await run(node[0] as string, node.slice(1), options));
      where = 'a process of its own, not pinned (no taskset)';
    }
  }
  return { results: JSON.parse(stdout) as VerifyResult[], where };
}

export function printProofVerification(results: VerifyResult[]): void {
  printRows(
    ['alg', 'proofs', 'proofs/s', 'µs/proof', 'p99 µs', 'CPU µs/proof', 'node:crypto import+verify µs'],
    results.map((r) => [
      r.alg,
      `${r.distinctProofs}×${r.passes}`,
      r.perSecond.toFixed(0),
      r.meanMicros.toFixed(1),
      r.p99Micros.toFixed(1),
      r.cpuMicros.toFixed(1),
      r.floorMicros.toFixed(1),
    ]),
  );
}

// ---------------------------------------------------------------------------------------------
// 2 and 3. Latency a proof adds over HTTP.

export interface LatencyComparison {
  name: string;
  /** Milliseconds, ascending. */
  without: number[];
  with: number[];
  /** with − without of each interleaved pair, ascending. */
  pairDifferences: number[];
  /** Client-side proof creation (not in the timings), mean wall and CPU microseconds. */
  proofCost: ProofCost;
  /** Requests repeated because the origin asked for a (new) DPoP nonce. */
  nonceRetries: number;
}

export interface DpopBenchResult {
  verification: VerifyResult[];
  /** Where the verification benchmark ran. */
  verifiedIn: string;
  token: LatencyComparison;
  resource: LatencyComparison;
}

/** The last `DPoP-Nonce` the origin sent, for origins that require nonces. */
class NonceTracker {
  value: string | undefined;
  retries = 0;
  note(response: Response): void {
    this.value = response.headers.get('dpop-nonce') ?? this.value;
  }
}

interface Exchange {
  status: number;
  body: Record<string, unknown>;
  response: Response;
}

/** One request, timed from just before the call to the end of its body; the proof is made beforehand. */
async function timed(call: () => Promise<Response>): Promise<{ result: Exchange; ms: number }> {
  const start = performance.now();
  const response = await call();
  const body = (await response.json()) as Record<string, unknown>;
  return { result: { status: response.status, body, response }, ms: performance.now() - start };
}

function needsNonce(result: Exchange): boolean {
  const challenge = result.response.headers.get('www-authenticate') ?? '';
  return result.body.error === 'use_dpop_nonce' || challenge.includes('use_dpop_nonce');
}

/**
 * Runs `pairs` interleaved pairs (the order alternates) after a warm-up; `check` throws on an
 * answer that is not the expected success. A DPoP request answered `use_dpop_nonce` is sent again
 * with the nonce, and the retry's time is added to the sample.
 */
async function comparePairs(
  name: string,
  pairs: number,
  nonces: NonceTracker,
  plain: () => Promise<Response>,
  withProof: (nonce: string | undefined) => { cost: ProofCost; call: () => Promise<Response> },
  check: (result: Exchange, bound: boolean) => void,
): Promise<LatencyComparison> {
  const without: number[] = [];
  const withDpop: number[] = [];
  const pairDifferences: number[] = [];
  const proofCost: ProofCost = { wallMicros: 0, cpuMicros: 0 };
  const retriesBefore = nonces.retries;

  const runPlain = async () => {
    const { result, ms: elapsed } = await timed(plain);
    check(result, false);
    return elapsed;
  };
  const runDpop = async () => {
    let total = 0;
    for (let attempt = 0; ; attempt += 1) {
      const prepared = withProof(nonces.value);
      proofCost.wallMicros += prepared.cost.wallMicros;
      proofCost.cpuMicros += prepared.cost.cpuMicros;
      const { result, ms: elapsed } = await timed(prepared.call);
      total += elapsed;
      nonces.note(result.response);
      if (attempt === 0 && needsNonce(result)) {
        nonces.retries += 1;
        continue;
      }
      check(result, true);
      return total;
    }
  };

  for (let pair = 0; pair < WARMUP_REQUESTS; pair += 1) {
    await runPlain();
    await runDpop();
  }
  proofCost.wallMicros = 0;
  proofCost.cpuMicros = 0;
  const warmupRetries = nonces.retries;
  for (let pair = 0; pair < pairs; pair += 1) {
    let plainMs: number;
    let dpopMs: number;
    if (pair % 2 === 0) {
      plainMs = await runPlain();
      dpopMs = await runDpop();
    } else {
      dpopMs = await runDpop();
      plainMs = await runPlain();
    }
    without.push(plainMs);
    withDpop.push(dpopMs);
    pairDifferences.push(dpopMs - plainMs);
  }
  const ascending = (values: number[]) => values.sort((a, b) => a - b);
  return {
    name,
    without: ascending(without),
    with: ascending(withDpop),
    pairDifferences: ascending(pairDifferences),
    proofCost: {
      wallMicros: proofCost.wallMicros / (pairs + nonces.retries - warmupRetries),
      cpuMicros: proofCost.cpuMicros / (pairs + nonces.retries - warmupRetries),
    },
    nonceRetries: nonces.retries - retriesBefore,
  };
}

export interface ProofCost {
  wallMicros: number;
  cpuMicros: number;
}

function prepareProof(key: ProofKey, claims: ProofClaims): { proof: string; cost: ProofCost } {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const proof = signProof(key, claims);
  const wallMicros = (performance.now() - start) * 1000;
  const used = process.cpuUsage(cpuStart);
  return { proof, cost: { wallMicros, cpuMicros: used.user + used.system } };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

async function issuerOf(origin: string): Promise<string> {
  const response = await fetch(`${origin}/.well-known/oauth-authorization-server`, {
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status !== 200) throw new Error(`metadata answered ${response.status}`);
  const metadata = (await response.json()) as { issuer?: unknown; dpop_signing_alg_values_supported?: unknown };
  if (typeof metadata.issuer !== 'string') throw new Error('metadata has no issuer');
  const algs = metadata.dpop_signing_alg_values_supported;
  if (!Array.isArray(algs) || !algs.includes('ES256')) throw new Error('the origin does not advertise DPoP with ES256');
  return metadata.issuer;
}

function expectToken(endpoint: string) {
  return (result: Exchange, bound: boolean) => {
    const wanted = bound ? 'DPoP' : 'Bearer';
    if (result.status !== 200 || result.body.token_type !== wanted) {
      throw new Error(
        `${endpoint}: expected 200 with token_type ${wanted}, got ${result.status} ${JSON.stringify(result.body)}`,
      );
    }
  };
}

async function measureTokenEndpoint(
  target: Target,
  issuer: string,
  client: Client,
  key: ProofKey,
  pairs: number,
  nonces: NonceTracker,
): Promise<LatencyComparison> {
  const url = `${target.origin}${TOKEN_PATH}`;
  const params = tokenRequest(client);
  return comparePairs(
    'client_credentials POST /oauth/token',
    pairs,
    nonces,
    () => form(url, params),
    (nonce) => {
      const { proof, cost } = prepareProof(key, {
        htm: 'POST',
        htu: `${issuer}${TOKEN_PATH}`,
        iat: nowSeconds(),
        ...(nonce === undefined ? {} : { nonce }),
      });
      return { cost, call: () => form(url, params, { dpop: proof }) };
    },
    expectToken('POST /oauth/token'),
  );
}

interface UserTokens {
  bearer: string;
  bound: string;
}

/** Two authorization-code flows for one user: one code redeemed with a proof, one without. */
async function userTokens(target: Target, issuer: string, key: ProofKey, nonces: NonceTracker): Promise<UserTokens> {
  const { email, password } = await registerUser(target);
  const client = await adminCreate<{ client_id: string }>(target, 'clients', {
    name: 'bench dpop',
    public: true,
    grant_types: ['authorization_code'],
    scopes: 'read',
    redirect_uris: [CODE_FLOW_REDIRECT],
  });
  const login: AuthorizeOptions = { clientId: client.client_id, redirectUri: CODE_FLOW_REDIRECT, email, password };
  const redeem = async (withProof: boolean): Promise<string> => {
    const result = await authorize(new FormBrowser(target.origin), login);
    const params = {
      grant_type: 'authorization_code',
      code: codeOf(result),
      redirect_uri: CODE_FLOW_REDIRECT,
      code_verifier: result.verifier,
      client_id: login.clientId,
    };
    // The code is single-use, so the nonce is fetched first when the origin asks for one.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const headers: Record<string, string> = withProof
        ? {
            dpop: signProof(key, {
              htm: 'POST',
              htu: `${issuer}${TOKEN_PATH}`,
              iat: nowSeconds(),
              ...(nonces.value === undefined ? {} : { nonce: nonces.value }),
            }),
          }
        : {};
      const response = await form(`${target.origin}${TOKEN_PATH}`, params, headers);
      const body = (await response.json()) as Record<string, unknown>;
      nonces.note(response);
      if (withProof && attempt === 0 && body.error === 'use_dpop_nonce') continue;
      expectToken('code exchange')({ status: response.status, body, response }, withProof);
      return String(body.access_token);
    }
    throw new Error('code exchange: the origin kept asking for a DPoP nonce');
  };
  return { bound: await redeem(true), bearer: await redeem(false) };
}

function getUser(target: Target, authorization: string, proof?: string): Promise<Response> {
  return fetch(`${target.origin}${USER_PATH}`, {
    headers: { authorization, ...(proof === undefined ? {} : { dpop: proof }) },
    signal: AbortSignal.timeout(10_000),
  });
}

async function measureUserEndpoint(
  target: Target,
  issuer: string,
  key: ProofKey,
  pairs: number,
  nonces: NonceTracker,
): Promise<LatencyComparison> {
  const tokens = await userTokens(target, issuer, key, nonces);
  const userProof = (nonce: string | undefined) =>
    prepareProof(key, {
      htm: 'GET',
      htu: `${issuer}${USER_PATH}`,
      iat: nowSeconds(),
      accessToken: tokens.bound,
      ...(nonce === undefined ? {} : { nonce }),
    });

  // Not timed: the binding is enforced, or there is nothing to measure.
  const asBearer = await getUser(target, `Bearer ${tokens.bound}`);
  await asBearer.body?.cancel();
  if (asBearer.status !== 401) throw new Error(`a DPoP-bound token sent as Bearer answered ${asBearer.status}`);
  const { proof } = userProof(nonces.value);
  const first = await getUser(target, `DPoP ${tokens.bound}`, proof);
  await first.body?.cancel();
  nonces.note(first);
  const replayed = await getUser(target, `DPoP ${tokens.bound}`, proof);
  await replayed.body?.cancel();
  if (replayed.status !== 401) throw new Error(`a replayed DPoP proof at ${USER_PATH} answered ${replayed.status}`);

  return comparePairs(
    `GET ${USER_PATH}`,
    pairs,
    nonces,
    () => getUser(target, `Bearer ${tokens.bearer}`),
    (nonce) => {
      const prepared = userProof(nonce);
      return { cost: prepared.cost, call: () => getUser(target, `DPoP ${tokens.bound}`, prepared.proof) };
    },
    (result, bound) => {
      if (result.status !== 200 || typeof result.body.sub !== 'string') {
        throw new Error(
          `GET ${USER_PATH} (${bound ? 'DPoP' : 'Bearer'}): expected 200, got ${result.status} ${JSON.stringify(result.body)}`,
        );
      }
    },
  );
}

export async function measureDpop(target: Target, settings: DpopBenchSettings): Promise<DpopBenchResult> {
  if (!isLoopback(target.origin))
    throw new Error(`DPoP latency is only measured against loopback, not ${target.origin}`);
  const { results: verification, where: verifiedIn } = await measureProofVerificationApart(settings);
  const issuer = await issuerOf(target.origin);
  const key = newProofKey('ES256');
  const nonces = new NonceTracker();
  const client = await registerClient(target);
  const token = await measureTokenEndpoint(target, issuer, client, key, settings.requests, nonces);
  const resource = await measureUserEndpoint(target, issuer, key, settings.requests, nonces);
  return { verification, verifiedIn, token, resource };
}

function printComparison(result: LatencyComparison): void {
  const row = (label: string, samples: number[]) => [
    label,
    ms(percentile(samples, 50)),
    ms(percentile(samples, 95)),
    ms(percentile(samples, 99)),
  ];
  const difference = (p: number) => ms(percentile(result.with, p) - percentile(result.without, p));
  printRows(
    [result.name, 'p50 ms', 'p95 ms', 'p99 ms'],
    [
      row(`  without proof (${result.without.length})`, result.without),
      row(`  with a fresh ES256 proof (${result.with.length})`, result.with),
      ['  difference of the percentiles', difference(50), difference(95), difference(99)],
      row('  per-pair difference', result.pairDifferences),
    ],
  );
  console.log(
    `  client-side proof creation (not timed above): ${result.proofCost.wallMicros.toFixed(0)} µs wall, ` +
      `${result.proofCost.cpuMicros.toFixed(0)} µs CPU per proof; ` +
      `nonce retries: ${result.nonceRetries}`,
  );
}

export function printDpop(result: DpopBenchResult): void {
  console.log(`verifyDpopProof in ${result.verifiedIn}: in-memory context, token-endpoint proofs, one call at a time:`);
  printProofVerification(result.verification);
  console.log('');
  console.log('latency a proof adds, sequential requests, with and without a proof interleaved:');
  printComparison(result.token);
  printComparison(result.resource);
}

if (require.main === module) {
  // The verification benchmark alone: node test/bench/dist/dpop-bench.js [--json]
  measureProofVerification(dpopSettingsFromEnv().verifyMs)
    .then((results) => {
      if (process.argv.includes('--json')) process.stdout.write(JSON.stringify(results));
      else printProofVerification(results);
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exitCode = 1;
    });
}
