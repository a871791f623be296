import { performance } from 'node:perf_hooks';
import {
  authorize,
  codeOf,
  FormBrowser,
  refresh,
  tokenRequest,
  type AuthorizeOptions,
  type AuthorizeResult,
} from '@grantline/lib-testing';
import { adminCreate, registerUser } from './http-calls';
import { ms, percentile, printRows } from './scenario';
import { isLoopback, type Target } from './target';

/** A loopback redirect URI; the server only names it in a Location header, nothing ever fetches it. */
export const CODE_FLOW_REDIRECT = 'http://127.0.0.1/oauth/callback';
export const CODE_FLOW_MAX_RUNS = 10_000;
/** Untimed runs after the consent warm-up, so connection set-up and JIT are not in the first samples. */
export const CODE_FLOW_WARMUP_RUNS = 3;
const CONSENT_VISIBLE_WITHIN_MS = 5_000;

export interface StepTiming {
  name: string;
  /** Milliseconds, ascending. */
  samples: number[];
}

export interface CodeFlowResult {
  runs: number;
  steps: StepTiming[];
}

interface Run {
  signInFlow: number;
  sessionFlow: number;
  exchange: number;
  rotation: number;
}

const STEP_NAMES: Record<keyof Run, string> = {
  signInFlow: 'sign-in + remembered consent + code exchange',
  sessionFlow: 'authorize (existing session) + code exchange',
  exchange: 'code exchange POST /oauth/token',
  rotation: 'refresh-token rotation POST /oauth/token',
};

/**
 * The authorization-code flow end to end, one run at a time: a new browser signing in (the password
 * check is deliberately slow) and coming back with a code it redeems, a signed-in browser doing the
 * same without the sign-in, the code exchange on its own, and one refresh-token rotation.
 */
export async function measureCodeFlow(target: Target, runs: number): Promise<CodeFlowResult> {
  if (!isLoopback(target.origin)) throw new Error(`the code flow is only timed against loopback, not ${target.origin}`);
  if (runs > CODE_FLOW_MAX_RUNS) throw new Error(`at most ${CODE_FLOW_MAX_RUNS} code-flow runs, got ${runs}`);
  const login = await registerUserAndClient(target);

  const session = new FormBrowser(target.origin);
  await grantConsentOnce(session, login);
  for (let run = 0; run < CODE_FLOW_WARMUP_RUNS; run += 1) await timeRun(target.origin, session, login);

  const samples: Record<keyof Run, number[]> = { signInFlow: [], sessionFlow: [], exchange: [], rotation: [] };
  for (let run = 0; run < runs; run += 1) {
    const timings = await timeRun(target.origin, session, login);
    for (const step of Object.keys(samples) as Array<keyof Run>) samples[step].push(timings[step]);
  }
  return {
    runs,
    steps: (Object.keys(samples) as Array<keyof Run>).map((step) => ({
      name: STEP_NAMES[step],
      samples: samples[step].sort((a, b) => a - b),
    })),
  };
}

export function printCodeFlow(result: CodeFlowResult): void {
  printRows(
    ['step', 'runs', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
    result.steps.map((step) => [
      step.name,
      String(step.samples.length),
      ms(percentile(step.samples, 50)),
      ms(percentile(step.samples, 95)),
      ms(percentile(step.samples, 99)),
      ms(step.samples.at(-1) ?? Number.NaN),
    ]),
  );
}

async function registerUserAndClient(target: Target): Promise<AuthorizeOptions> {
  const { email, password } = await registerUser(target);
  const client = await adminCreate<{ client_id: string }>(target, 'clients', {
    name: 'bench code flow',
    public: true,
    grant_types: ['authorization_code', 'refresh_token'],
    scopes: 'read write',
    redirect_uris: [CODE_FLOW_REDIRECT],
  });
  return { clientId: client.client_id, redirectUri: CODE_FLOW_REDIRECT, email, password, scope: 'read write' };
}

/** Signs in and approves the consent page once, then waits until a new authorization skips it. */
async function grantConsentOnce(browser: FormBrowser, login: AuthorizeOptions): Promise<void> {
  const first = await authorize(browser, login);
  codeOf(first);
  const deadline = performance.now() + CONSENT_VISIBLE_WITHIN_MS;
  for (;;) {
    const again = await authorize(browser, login);
    codeOf(again);
    if (again.pages.length === 0) return;
    if (performance.now() > deadline) {
      throw new Error(`a signed-in authorization still shows ${again.pages.join(', ')} after consent was given`);
    }
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 20));
  }
}

async function timeRun(origin: string, session: FormBrowser, login: AuthorizeOptions): Promise<Run> {
  const signInStart = performance.now();
  const signedIn = await authorize(new FormBrowser(origin), login);
  expectPages(signedIn, ['sign-in']);
  await exchange(origin, login, signedIn);
  const signInFlow = performance.now() - signInStart;

  const sessionStart = performance.now();
  const authorized = await authorize(session, login);
  expectPages(authorized, []);
  const exchangeStart = performance.now();
  const tokens = await exchange(origin, login, authorized);
  const exchangeEnd = performance.now();

  const rotationStart = performance.now();
  const rotated = await refresh(origin, login.clientId, tokens.refreshToken);
  const rotation = performance.now() - rotationStart;
  if (rotated.status !== 200) throw new Error(`refresh failed: ${rotated.status} ${JSON.stringify(rotated.body)}`);
  if (typeof rotated.body.refresh_token !== 'string' || rotated.body.refresh_token === tokens.refreshToken) {
    throw new Error('refresh did not rotate the refresh token');
  }

  return {
    signInFlow,
    sessionFlow: exchangeEnd - sessionStart,
    exchange: exchangeEnd - exchangeStart,
    rotation,
  };
}

async function exchange(
  origin: string,
  login: AuthorizeOptions,
  result: AuthorizeResult,
): Promise<{ refreshToken: string }> {
  const { status, body } = await tokenRequest(origin, {
    grant_type: 'authorization_code',
    code: codeOf(result),
    redirect_uri: login.redirectUri,
    code_verifier: result.verifier,
    client_id: login.clientId,
  });
  if (status !== 200) throw new Error(`code exchange failed: ${status} ${JSON.stringify(body)}`);
  if (typeof body.access_token !== 'string' || typeof body.refresh_token !== 'string') {
    throw new Error(`code exchange answered without an access and a refresh token: ${JSON.stringify(body)}`);
  }
  return { refreshToken: body.refresh_token };
}

function expectPages(result: AuthorizeResult, expected: AuthorizeResult['pages']): void {
  if (result.pages.join(',') !== expected.join(',')) {
    throw new Error(`expected pages [${expected.join(', ')}] on the way to the code, saw [${result.pages.join(', ')}]`);
  }
}
