import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transform } from 'esbuild';
import { authorize, codeOf, FormBrowser } from '@grantline/lib-testing';
import { substitute } from '../browser/seed-apps';
import { sharedTestStack, type TestStack } from '../stack/stack-fixture';
import { BoundedProcess, describeOutcome, loopbackEnv, type ProcessOutcome } from '../support/bounded-process';
import {
  accessTokenHash,
  coordinateBytes,
  dpopProof,
  generateDPoPKey,
  jwkThumbprint,
  jwsSegment,
  keyWithLeadingZero,
  strippedJwk,
  type EcPublicJwk,
} from '../support/dpop-proof';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { expectSeedFragment, seedCodeBlock } from '../support/seed-document';

/**
 * The seed's two DPoP clients (RFC 9449) against a stack. Neither client's usage code is run: both
 * name placeholder codes, client ids and servers, so a small driver calls each client's own methods
 * with a real authorization code, this stack's endpoints and a registered public client instead.
 */
const TYPESCRIPT_SECTION = '#### TypeScript/JavaScript Implementation';
const GO_SECTION = '#### Go Implementation for Server-Side Applications';

/**
 * The one edit to dpop-client.ts: its last line calls main(), whose placeholder code and servers
 * would be requested as soon as the module loads; that call becomes an export of the class, so the
 * driver can import it. No line of the class changes.
 */
const TS_MAIN_CALL = '\nmain();\n';
const TS_CLASS_EXPORT = '\nexport { DPoPClient };\n';

/**
 * dpop_client.go signs with `&jwt.SigningMethodECDSA{}`, a signing method without a name or hash.
 * The first build runs that as written; the second replaces that expression, and nothing else, with
 * the library's ES256 method.
 */
const GO_EMPTY_SIGNING_METHOD = 'jwt.NewWithClaims(&jwt.SigningMethodECDSA{}, claims)';
const GO_ES256_SIGNING_METHOD = 'jwt.NewWithClaims(jwt.SigningMethodES256, claims)';

/** The seed imports github.com/golang-jwt/jwt/v5; this version resolves from the module proxy. */
const GO_MOD = `module grantlinedpop

go 1.21

require github.com/golang-jwt/jwt/v5 v5.3.1
`;
const GO_SUM = `github.com/golang-jwt/jwt/v5 v5.3.1 h1:kYf81DTWFe7t+1VvL7eS+jKFVWaUnK9cB1qbwn63YCY=
github.com/golang-jwt/jwt/v5 v5.3.1/go.mod h1:fxCRLWMO43lRc8nhHWY6LGqRcf+1gQWArsqaEUEa5bE=
`;

/**
 * The Go driver, a test file in the seed's package (whose own main() it never calls). It records every
 * request through http.DefaultTransport, which the seed's `&http.Client{}` uses, and prints one summary.
 * GRANTLINE_MODE=proof only makes a proof, without any request; GRANTLINE_KEY=short-coordinate calls
 * NewDPoPClient until its JWK has a coordinate that big.Int.Bytes() shortened.
 */
const GO_DRIVER = `package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

type exchange struct {
	Method          string \`json:"method"\`
	URL             string \`json:"url"\`
	Authorization   string \`json:"authorization,omitempty"\`
	ContentType     string \`json:"content_type,omitempty"\`
	DPoP            string \`json:"dpop,omitempty"\`
	Status          int    \`json:"status,omitempty"\`
	WWWAuthenticate string \`json:"www_authenticate,omitempty"\`
	Body            string \`json:"body,omitempty"\`
	Error           string \`json:"error,omitempty"\`
}

type recorder struct {
	next http.RoundTripper
	seen []exchange
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	e := exchange{
		Method:        req.Method,
		URL:           req.URL.String(),
		Authorization: req.Header.Get("Authorization"),
		ContentType:   req.Header.Get("Content-Type"),
		DPoP:          req.Header.Get("DPoP"),
	}
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		e.Error = err.Error()
		r.seen = append(r.seen, e)
		return nil, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	e.Status = resp.StatusCode
	e.WWWAuthenticate = resp.Header.Get("WWW-Authenticate")
	e.Body = string(body)
	r.seen = append(r.seen, e)
	return resp, nil
}

func coordinateLength(value interface{}) int {
	text, _ := value.(string)
	raw, err := base64.RawURLEncoding.DecodeString(text)
	if err != nil {
		return -1
	}
	return len(raw)
}

func newClient(shortCoordinate bool, maxTries int) (*DPoPClient, int, error) {
	for tries := 1; ; tries++ {
		client, err := NewDPoPClient()
		if err != nil || !shortCoordinate {
			return client, tries, err
		}
		if coordinateLength(client.jwk["x"]) < 32 || coordinateLength(client.jwk["y"]) < 32 {
			return client, tries, nil
		}
		if tries >= maxTries {
			return nil, tries, fmt.Errorf("no key with a short coordinate in %d tries", maxTries)
		}
	}
}

func apiCall(client *DPoPClient, rec *recorder, url, accessToken string, body []byte) (out map[string]interface{}) {
	out = map[string]interface{}{}
	before := len(rec.seen)
	defer func() {
		if p := recover(); p != nil {
			out["panic"] = fmt.Sprint(p)
		}
		out["requests_sent"] = len(rec.seen) - before
	}()
	resp, err := client.MakeAuthenticatedRequest("GET", url, accessToken, body, "")
	if err != nil {
		out["error"] = err.Error()
		return out
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(resp.Body)
	out["status"] = resp.StatusCode
	out["body"] = string(text)
	return out
}

func TestDriver(t *testing.T) {
	rec := &recorder{next: http.DefaultTransport}
	http.DefaultTransport = rec
	summary := map[string]interface{}{}
	defer func() {
		summary["exchanges"] = rec.seen
		line, err := json.Marshal(summary)
		if err != nil {
			t.Fatalf("summary: %v", err)
		}
		fmt.Println("GRANTLINE_SUMMARY " + string(line))
	}()

	method := &jwt.SigningMethodECDSA{}
	summary["empty_signing_method"] = map[string]interface{}{"alg": method.Alg(), "hash_available": method.Hash.Available()}

	client, tries, err := newClient(os.Getenv("GRANTLINE_KEY") == "short-coordinate", 20000)
	if err != nil {
		summary["client_error"] = err.Error()
		return
	}
	summary["key_tries"] = tries
	summary["jwk"] = client.jwk

	if os.Getenv("GRANTLINE_MODE") == "proof" {
		proof, err := client.createDPoPProof("POST", os.Getenv("GRANTLINE_TOKEN_ENDPOINT"), "", "")
		summary["proof"] = proof
		if err != nil {
			summary["proof_error"] = err.Error()
		} else if parts := strings.Split(proof, "."); len(parts) == 3 {
			header, _ := base64.RawURLEncoding.DecodeString(parts[0])
			summary["proof_header"] = json.RawMessage(header)
		}
		return
	}

	tokens, err := client.RequestToken(
		os.Getenv("GRANTLINE_CODE"),
		os.Getenv("GRANTLINE_CLIENT_ID"),
		os.Getenv("GRANTLINE_REDIRECT_URI"),
		os.Getenv("GRANTLINE_CODE_VERIFIER"),
		os.Getenv("GRANTLINE_TOKEN_ENDPOINT"),
	)
	if err != nil {
		summary["request_token_error"] = err.Error()
		return
	}
	summary["tokens"] = tokens
	apiURL := os.Getenv("GRANTLINE_API_URL")
	accessToken, _ := tokens["access_token"].(string)
	if apiURL == "" || accessToken == "" {
		return
	}
	// The seed's own main() passes a nil body; a non-nil empty body is the other thing a caller can pass.
	summary["api_nil_body"] = apiCall(client, rec, apiURL, accessToken, nil)
	summary["api_empty_body"] = apiCall(client, rec, apiURL, accessToken, []byte{})
}
`;

/**
 * The TypeScript driver (ESM): imports the seed's class, calls requestToken and then
 * makeAuthenticatedRequest('GET', ...) with the token, and prints one summary. It records each fetch
 * the class makes (request headers and answer); the class sees the same responses.
 */
const TS_DRIVER = `import { DPoPClient } from './dpop-client.mjs';

const exchanges = [];
const originalFetch = globalThis.fetch;
globalThis.fetch = async (input, init = {}) => {
  const response = await originalFetch(input, init);
  const headers = new Headers(init.headers);
  exchanges.push({
    method: init.method ?? 'GET',
    url: String(input),
    authorization: headers.get('authorization'),
    dpop: headers.get('dpop'),
    status: response.status,
    body: await response.clone().text(),
  });
  return response;
};

const env = process.env;
const summary = { exchanges };
try {
  const client = new DPoPClient();
  await client.init();
  const tokens = await client.requestToken(
    env.GRANTLINE_CODE,
    env.GRANTLINE_CLIENT_ID,
    env.GRANTLINE_REDIRECT_URI,
    env.GRANTLINE_CODE_VERIFIER,
    env.GRANTLINE_TOKEN_ENDPOINT,
  );
  summary.tokens = tokens;
  const response = await client.makeAuthenticatedRequest('GET', env.GRANTLINE_API_URL, tokens.access_token);
  summary.api = { status: response.status, body: await response.text() };
} catch (error) {
  summary.error = error instanceof Error ? error.message : String(error);
}
console.log('GRANTLINE_SUMMARY ' + JSON.stringify(summary));
`;

const REDIRECT_URI_REGISTERED = 'http://127.0.0.1/oauth/callback';
/** A loopback redirect URI may name any port (RFC 8252 §7.3). */
const REDIRECT_URI = 'http://127.0.0.1:5000/oauth/callback';

const SETUP_TIMEOUT_MS = 180_000;
/** The first build in a fresh GOCACHE compiles net/http and crypto (about 30 s on two cores). */
const GO_BUILD_TIMEOUT_MS = 240_000;
const CLIENT_TIMEOUT_MS = 30_000;
const TS_TEST_TIMEOUT_MS = 60_000;
const GO_TEST_TIMEOUT_MS = GO_BUILD_TIMEOUT_MS + 2 * CLIENT_TIMEOUT_MS + 30_000;

const NIL_POINTER_PANIC = 'runtime error: invalid memory address or nil pointer dereference';

interface Exchange {
  method: string;
  url: string;
  authorization?: string | null;
  content_type?: string;
  dpop?: string | null;
  status?: number;
  www_authenticate?: string;
  body?: string;
  error?: string;
}

interface Summary {
  exchanges: Exchange[] | null;
  [key: string]: unknown;
}

interface TestUser {
  id: string;
  email: string;
  name: string;
  password: string;
}

let typescriptSource: string;
let goSource: string;
let stack: TestStack | undefined;
let api: GrantlineTestClient;
let clientId: string;
let user: TestUser;
let introspector: { client_id: string; client_secret: string };
let goBuild: Promise<{ asWritten: string; es256: string }> | undefined;
const processes = new Set<BoundedProcess>();
const scratchDirs: string[] = [];

function running(): TestStack {
  if (!stack) throw new Error('the stack did not start (see the beforeAll error)');
  return stack;
}

beforeAll(async () => {
  // The seed first: without it there is nothing to test, and the error says where to find it.
  typescriptSource = seedCodeBlock(TYPESCRIPT_SECTION, 'typescript');
  goSource = seedCodeBlock(GO_SECTION, 'go');
  expectSeedFragment(typescriptSource, 'class DPoPClient', TYPESCRIPT_SECTION);
  expectSeedFragment(typescriptSource, TS_MAIN_CALL, TYPESCRIPT_SECTION);
  expectSeedFragment(goSource, 'func NewDPoPClient()', GO_SECTION);
  expectSeedFragment(goSource, GO_EMPTY_SIGNING_METHOD, GO_SECTION);
  expectSeedFragment(goSource, 'PublicKey.X.Bytes()', GO_SECTION);

  stack = await sharedTestStack();
  api = new GrantlineTestClient(stack.url, stack.adminToken);
  clientId = (
    await api.registerClient({
      name: 'DPoP seed client',
      public: true,
      grant_types: ['authorization_code', 'refresh_token'],
      scopes: 'read',
      redirect_uris: [REDIRECT_URI_REGISTERED],
    })
  ).client_id;
  introspector = await api.registerClient({
    name: 'DPoP seed tests: introspection',
    grant_types: ['client_credentials'],
    scopes: 'read',
  });
  const person = {
    email: `dpop.${randomBytes(4).toString('hex')}@example.test`,
    name: 'Dorothy Vaughan',
    password: `pw-${randomBytes(12).toString('base64url')}`,
  };
  user = { ...person, id: (await api.registerUser(person)).user_id };
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  for (const child of processes) child.kill();
  await goBuild?.catch(() => undefined);
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
}, 60_000);

function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
}

async function runBounded(
  label: string,
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<ProcessOutcome> {
  const child = new BoundedProcess(label, command, args, options);
  processes.add(child);
  try {
    return await child.exited;
  } finally {
    processes.delete(child);
  }
}

function summaryOf(label: string, outcome: ProcessOutcome): Summary {
  const line = outcome.stdout.split('\n').find((candidate) => candidate.startsWith('GRANTLINE_SUMMARY '));
  if (outcome.code !== 0 || !line) throw new Error(describeOutcome(label, outcome));
  return JSON.parse(line.slice('GRANTLINE_SUMMARY '.length)) as Summary;
}

/** A fresh authorization code for the DPoP client, through sign-in and consent over plain HTTP. */
async function authorizationCode(): Promise<{ code: string; verifier: string }> {
  const result = await authorize(new FormBrowser(running().url), {
    clientId,
    redirectUri: REDIRECT_URI,
    email: user.email,
    password: user.password,
    scope: 'read',
  });
  return { code: codeOf(result), verifier: result.verifier };
}

function endpoints(): { token: string; user: string } {
  const { url } = running();
  return { token: `${url}/oauth/token`, user: `${url}/api/user` };
}

/** What a seed client is given in place of its usage code's placeholders. */
function clientInputs(authorization: { code: string; verifier: string }): Record<string, string> {
  return {
    GRANTLINE_CODE: authorization.code,
    GRANTLINE_CODE_VERIFIER: authorization.verifier,
    GRANTLINE_CLIENT_ID: clientId,
    GRANTLINE_REDIRECT_URI: REDIRECT_URI,
    GRANTLINE_TOKEN_ENDPOINT: endpoints().token,
    GRANTLINE_API_URL: endpoints().user,
  };
}

/** dpop-client.ts with its main() call turned into an export, compiled to ESM, under a driver. */
async function runTypeScriptClient(inputs: Record<string, string>): Promise<Summary> {
  const dir = scratchDir('grantline-seed-dpop-ts-');
  const source = substitute(typescriptSource, 'TypeScript DPoPClient', [[TS_MAIN_CALL, TS_CLASS_EXPORT]]);
  const { code } = await transform(source, {
    loader: 'ts',
    format: 'esm',
    target: 'es2022',
    sourcefile: 'dpop-client.ts',
  });
  writeFileSync(join(dir, 'dpop-client.mjs'), code);
  writeFileSync(join(dir, 'driver.mjs'), TS_DRIVER);
  const label = 'the TypeScript DPoPClient driver';
  return summaryOf(
    label,
    await runBounded(label, process.execPath, ['driver.mjs'], {
      cwd: dir,
      env: loopbackEnv(inputs),
      timeoutMs: CLIENT_TIMEOUT_MS,
    }),
  );
}

/**
 * Both Go variants, built once into test binaries: the seed as written and the one with ES256. Modules
 * come through the toolchain's own GOPROXY setting (the build keeps this process's environment, which
 * may need a proxy to reach it); go.sum pins the library.
 */
function goBinaries(): Promise<{ asWritten: string; es256: string }> {
  goBuild ??= (async () => {
    const dir = scratchDir('grantline-seed-dpop-go-');
    writeFileSync(join(dir, 'go.mod'), GO_MOD);
    writeFileSync(join(dir, 'go.sum'), GO_SUM);
    const variants = {
      aswritten: goSource,
      es256: substitute(goSource, 'Go DPoPClient', [[GO_EMPTY_SIGNING_METHOD, GO_ES256_SIGNING_METHOD]]),
    };
    for (const [name, source] of Object.entries(variants)) {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'dpop_client.go'), source);
      writeFileSync(join(dir, name, 'driver_test.go'), GO_DRIVER);
    }
    const outcome = await runBounded('go test -c', 'go', ['test', '-c', '-o', 'bin/', './aswritten', './es256'], {
      cwd: dir,
      env: { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' },
      timeoutMs: GO_BUILD_TIMEOUT_MS,
    });
    if (outcome.code !== 0) throw new Error(describeOutcome('go test -c', outcome));
    return { asWritten: join(dir, 'bin', 'aswritten.test'), es256: join(dir, 'bin', 'es256.test') };
  })();
  return goBuild;
}

async function runGoClient(binary: string, env: Record<string, string>): Promise<Summary> {
  const label = `the Go DPoPClient driver (${binary.endsWith('aswritten.test') ? 'as written' : 'ES256'})`;
  return summaryOf(
    label,
    await runBounded(label, binary, ['-test.run', '^TestDriver$', '-test.count=1'], {
      cwd: tmpdir(),
      env: loopbackEnv(env),
      timeoutMs: CLIENT_TIMEOUT_MS,
    }),
  );
}

function exchangesOf(summary: Summary): Exchange[] {
  return summary.exchanges ?? [];
}

function bodyOf(exchange: Exchange | undefined): Record<string, unknown> {
  return JSON.parse(exchange?.body ?? 'null') as Record<string, unknown>;
}

/** The token is bound to `jwk`: in its own claims and through introspection. */
async function expectBoundTo(accessToken: string, jwk: EcPublicJwk): Promise<void> {
  const jkt = jwkThumbprint(jwk);
  expect(jwsSegment(accessToken, 1).cnf).toEqual({ jkt });
  expect(await api.introspect(accessToken, introspector.client_id, introspector.client_secret)).toEqual(
    expect.objectContaining({ active: true, token_type: 'DPoP', cnf: { jkt }, client_id: clientId, sub: user.id }),
  );
}

function expectUser(body: unknown): void {
  expect(body).toEqual(expect.objectContaining({ id: user.id, email: user.email, name: user.name }));
}

/** A DPoP-bound token is not a bearer token: /api/user refuses it under the Bearer scheme (RFC 9449 §7.2). */
async function expectBearerRefused(accessToken: string): Promise<void> {
  const response = await api.userInfo(accessToken, { signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS) });
  expect({ status: response.status, body: await response.json() }).toEqual({
    status: 401,
    body: expect.objectContaining({ error: 'invalid_token' }),
  });
}

/** GET /api/user with `Authorization: DPoP <token>` and this proof. */
async function userInfoWithProof(accessToken: string, proof: string) {
  const response = await fetch(endpoints().user, {
    headers: { authorization: `DPoP ${accessToken}`, dpop: proof },
    signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
  });
  return {
    status: response.status,
    challenge: response.headers.get('www-authenticate') ?? '',
    body: (await response.json()) as Record<string, unknown>,
  };
}

/** POST /oauth/token redeeming `authorization` with this DPoP header; status and JSON body. */
async function redeemWithProof(authorization: { code: string; verifier: string }, proof: string) {
  const response = await fetch(endpoints().token, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', dpop: proof },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: authorization.code,
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      code_verifier: authorization.verifier,
    }),
    signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('seed: DPoP clients (RFC 9449) against a Grantline stack', () => {
  it('the metadata lists the DPoP signing algorithms, ES256 among them', async () => {
    const response = await fetch(`${running().url}/.well-known/oauth-authorization-server`, {
      signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
    });
    expect(response.status).toBe(200);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata.dpop_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256']));
  });

  it(
    'TypeScript DPoPClient as written: requestToken gets a DPoP-bound token, makeAuthenticatedRequest gets the user',
    async () => {
      const summary = await runTypeScriptClient(clientInputs(await authorizationCode()));
      if (summary.error !== undefined) throw new Error(`the TypeScript client failed: ${JSON.stringify(summary)}`);
      const tokens = summary.tokens as Record<string, unknown>;
      expect(tokens).toEqual(
        expect.objectContaining({ access_token: expect.any(String), token_type: 'DPoP', scope: 'read' }),
      );
      const accessToken = String(tokens.access_token);

      const [tokenRequest, userRequest, ...more] = exchangesOf(summary);
      expect(more).toEqual([]);
      expect(tokenRequest).toEqual(expect.objectContaining({ method: 'POST', url: endpoints().token, status: 200 }));
      const proofHeader = jwsSegment(String(tokenRequest?.dpop), 0);
      expect(proofHeader).toEqual({ alg: 'ES256', typ: 'dpop+jwt', jwk: expect.any(Object) });
      const jwk = proofHeader.jwk as EcPublicJwk;

      expect(userRequest).toEqual(
        expect.objectContaining({ method: 'GET', url: endpoints().user, authorization: `DPoP ${accessToken}` }),
      );
      expect(jwsSegment(String(userRequest?.dpop), 1)).toEqual(
        expect.objectContaining({ htm: 'GET', htu: endpoints().user, ath: accessTokenHash(accessToken) }),
      );
      const answer = summary.api as { status: number; body: string };
      expect(answer.status).toBe(200);
      expectUser(JSON.parse(answer.body));

      await expectBoundTo(accessToken, jwk);
      await expectBearerRefused(accessToken);
    },
    TS_TEST_TIMEOUT_MS,
  );

  it(
    'Go DPoPClient as written: &jwt.SigningMethodECDSA{} has no hash, so RequestToken fails before sending anything',
    async () => {
      const { asWritten } = await goBinaries();

      // Without any server: the proof cannot be made at all.
      const offline = await runGoClient(asWritten, {
        GRANTLINE_MODE: 'proof',
        GRANTLINE_TOKEN_ENDPOINT: endpoints().token,
      });
      expect(offline).toEqual(
        expect.objectContaining({
          empty_signing_method: { alg: '', hash_available: false },
          proof: '',
          proof_error: 'failed to sign DPoP proof: the requested hash function is unavailable',
        }),
      );

      // With a real code: RequestToken returns the same error, and no request leaves the process.
      const authorization = await authorizationCode();
      const summary = await runGoClient(asWritten, clientInputs(authorization));
      expect(summary.request_token_error).toBe('failed to sign DPoP proof: the requested hash function is unavailable');
      expect(summary.tokens).toBeUndefined();
      expect(exchangesOf(summary)).toEqual([]);

      // Had it signed, its header would have said alg "" (jwt-go takes alg from the method's empty name).
      // Such a proof, ES256-signed so that only the alg is wrong, is refused as a malformed proof.
      const key = generateDPoPKey();
      const emptyAlg = dpopProof(key, { htm: 'POST', htu: endpoints().token, header: { alg: '' } });
      const answer = await redeemWithProof(authorization, emptyAlg);
      expect(answer).toEqual({ status: 400, body: expect.objectContaining({ error: 'invalid_dpop_proof' }) });
    },
    GO_TEST_TIMEOUT_MS,
  );

  it(
    'Go DPoPClient with jwt.SigningMethodES256: RequestToken gets a DPoP-bound token; MakeAuthenticatedRequest gets the user',
    async () => {
      const { es256 } = await goBinaries();
      const summary = await runGoClient(es256, clientInputs(await authorizationCode()));
      if (summary.request_token_error !== undefined) {
        throw new Error(`RequestToken failed: ${JSON.stringify(summary)}`);
      }
      const tokens = summary.tokens as Record<string, unknown>;
      expect(tokens).toEqual(
        expect.objectContaining({ access_token: expect.any(String), token_type: 'DPoP', scope: 'read' }),
      );
      const accessToken = String(tokens.access_token);
      const jwk = summary.jwk as EcPublicJwk;
      expect(jwsSegment(String(exchangesOf(summary)[0]?.dpop), 0)).toEqual({ alg: 'ES256', typ: 'dpop+jwt', jwk });

      // The seed's main() passes a nil []byte body: a typed nil *strings.Reader reaches http.NewRequest,
      // which calls its Len() and panics before anything is sent.
      expect(summary.api_nil_body).toEqual({ panic: NIL_POINTER_PANIC, requests_sent: 0 });
      // With an empty, non-nil body the request goes out (with Content-Type: application/json).
      const withBody = summary.api_empty_body as { status: number; body: string; requests_sent: number };
      expect({ status: withBody.status, requests_sent: withBody.requests_sent }).toEqual({
        status: 200,
        requests_sent: 1,
      });
      expectUser(JSON.parse(withBody.body));
      const [, userRequest, ...more] = exchangesOf(summary);
      expect(more).toEqual([]);
      expect(userRequest).toEqual(
        expect.objectContaining({ method: 'GET', url: endpoints().user, authorization: `DPoP ${accessToken}` }),
      );
      expect(jwsSegment(String(userRequest?.dpop), 1)).toEqual(
        expect.objectContaining({ htm: 'GET', htu: endpoints().user, ath: accessTokenHash(accessToken) }),
      );

      await expectBoundTo(accessToken, jwk);
      await expectBearerRefused(accessToken);
    },
    GO_TEST_TIMEOUT_MS,
  );

  it(
    'Go NewDPoPClient: a key whose x or y lost a leading zero byte (big.Int.Bytes()) is refused with invalid_dpop_proof',
    async () => {
      const { es256 } = await goBinaries();
      const summary = await runGoClient(es256, {
        ...clientInputs(await authorizationCode()),
        GRANTLINE_KEY: 'short-coordinate',
      });
      const jwk = summary.jwk as EcPublicJwk;
      const lengths = [coordinateBytes(jwk.x).length, coordinateBytes(jwk.y).length];
      expect(Math.min(...lengths)).toBeLessThan(32);
      expect(summary.request_token_error).toBe('token request failed: invalid_dpop_proof');
      const [tokenRequest, ...more] = exchangesOf(summary);
      expect(more).toEqual([]);
      expect(jwsSegment(String(tokenRequest?.dpop), 0)).toEqual({ alg: 'ES256', typ: 'dpop+jwt', jwk });
      expect({ status: tokenRequest?.status, error: bodyOf(tokenRequest).error }).toEqual({
        status: 400,
        error: 'invalid_dpop_proof',
      });
    },
    GO_TEST_TIMEOUT_MS,
  );

  it(
    'a JWK with a 31-byte x or y (leading zero byte dropped) is refused as invalid_dpop_proof, 400 at /oauth/token and 401 at /api/user',
    async () => {
      for (const coordinate of ['x', 'y'] as const) {
        const key = keyWithLeadingZero(coordinate);
        const stripped = strippedJwk(key.jwk, coordinate);
        expect(coordinateBytes(stripped[coordinate])).toHaveLength(31);

        const refused = await redeemWithProof(
          await authorizationCode(),
          dpopProof(key, { htm: 'POST', htu: endpoints().token, header: { jwk: stripped } }),
        );
        expect({ coordinate, ...refused }).toEqual({
          coordinate,
          status: 400,
          body: expect.objectContaining({ error: 'invalid_dpop_proof' }),
        });

        // The same key with both coordinates at their full 32 bytes: the proof itself was otherwise sound.
        const accepted = await redeemWithProof(
          await authorizationCode(),
          dpopProof(key, { htm: 'POST', htu: endpoints().token }),
        );
        expect({ coordinate, status: accepted.status, token_type: accepted.body.token_type }).toEqual({
          coordinate,
          status: 200,
          token_type: 'DPoP',
        });
        const accessToken = String(accepted.body.access_token);
        await expectBoundTo(accessToken, key.jwk);

        // At the resource, too: the stripped JWK is refused as a malformed proof, the full one accepted.
        const resourceRefused = await userInfoWithProof(
          accessToken,
          dpopProof(key, { htm: 'GET', htu: endpoints().user, accessToken, header: { jwk: stripped } }),
        );
        expect({ coordinate, ...resourceRefused }).toEqual({
          coordinate,
          status: 401,
          challenge: expect.stringMatching(/^DPoP .*error="invalid_dpop_proof"/),
          body: expect.objectContaining({ error: 'invalid_dpop_proof' }),
        });
        const resourceAccepted = await userInfoWithProof(
          accessToken,
          dpopProof(key, { htm: 'GET', htu: endpoints().user, accessToken }),
        );
        expect(resourceAccepted.status).toBe(200);
        expectUser(resourceAccepted.body);
      }
    },
    TS_TEST_TIMEOUT_MS,
  );
});
