/* eslint-disable no-restricted-syntax */
// Load test for the device authorization grant (RFC 8628): many devices polling /oauth/token.
//
//   k6 run -e CLIENT_ID=... k6/device-polling.ts
//
// Environment: BASE_URL (default http://localhost:3000), CLIENT_ID (a public client registered with the
// urn:ietf:params:oauth:grant-type:device_code grant), DEVICE_CODES (default 100), SCOPE (default "read"),
// VUS (default 10), DURATION (default "2m"). Setup requests the device codes and hands each VU its share;
// a VU polls one of its codes per iteration, the one whose interval runs out first, and adds 5 s to that
// code's interval on every slow_down, as RFC 8628 section 3.5 asks. With USER_EMAIL and USER_PASSWORD
// set, setup also approves APPROVE codes (default a tenth of them) on the verification page, so that
// tokens are issued; every code keeps polling after its tokens, and a second 200 for one code counts in
// tokens_issued_twice. With the default 5 s interval a VU polls about DEVICE_CODES / VUS / 5 times a second.
import { check, fail, sleep } from 'k6';
import http, { type RefinedResponse, type ResponseType } from 'k6/http';
import { Counter } from 'k6/metrics';
import type { Options } from 'k6/options';

const BASE_URL = (__ENV.BASE_URL || 'http://localhost:3000').replace(/\/+$/, '');
const CLIENT_ID = __ENV.CLIENT_ID || '';
const SCOPE = __ENV.SCOPE || 'read';
const DEVICE_CODES = positiveInt('DEVICE_CODES', 100);
const VUS = Math.min(positiveInt('VUS', 10), DEVICE_CODES);
const DURATION = __ENV.DURATION || '2m';
const USER_EMAIL = __ENV.USER_EMAIL || '';
const USER_PASSWORD = __ENV.USER_PASSWORD || '';
const APPROVE = USER_EMAIL === '' ? 0 : Math.min(DEVICE_CODES, positiveInt('APPROVE', Math.ceil(DEVICE_CODES / 10)));

const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** RFC 8628 section 3.5: every slow_down adds 5 seconds to the interval. */
const SLOW_DOWN_STEP_SECONDS = 5;
/** A 200 with tokens, or one of the RFC 8628 section 3.5 errors (invalid_grant once the code is used). */
const ANSWERS = ['tokens', 'authorization_pending', 'slow_down', 'expired_token', 'access_denied', 'invalid_grant'];

// Only loopback origins are accepted, so that a mistyped BASE_URL cannot put load on someone else's server.
if (!/^http:\/\/(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?$/.test(BASE_URL)) {
  throw new Error(`BASE_URL must be a loopback http origin such as http://localhost:3000, got ${BASE_URL}`);
}
if (CLIENT_ID === '') {
  throw new Error('Set CLIENT_ID (-e CLIENT_ID=...) to a public client registered with the device_code grant');
}
if ((USER_EMAIL === '') !== (USER_PASSWORD === '')) {
  throw new Error('Set both USER_EMAIL and USER_PASSWORD to approve codes, or neither');
}

function positiveInt(name: string, fallback: number): number {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0 || value > 10_000) {
    throw new Error(`${name} must be an integer from 1 to 10000, got "${raw}"`);
  }
  return value;
}

export const options: Options = {
  scenarios: {
    device_poll: { executor: 'constant-vus', vus: VUS, duration: DURATION },
  },
  setupTimeout: '5m',
  thresholds: {
    'http_req_duration{name:device_poll}': ['p(95)<500'],
    tokens_issued_twice: ['count==0'],
    'checks{kind:answer}': ['rate==1'],
  },
};

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
/** Pending, slow_down and the other RFC 8628 errors are 400s: expected answers, not failed requests. */
const POLL_STATUSES = http.expectedStatuses(200, 400);

const tokensIssued = new Counter('tokens_issued');
const tokensIssuedTwice = new Counter('tokens_issued_twice');
const slowDowns = new Counter('slow_down_answers');

interface IssuedCode {
  deviceCode: string;
  userCode: string;
  interval: number;
}

interface SetupData {
  codes: IssuedCode[];
}

/** What a VU knows about one of its codes. */
interface CodeState {
  deviceCode: string;
  /** The interval the server holds for this code: the advertised one plus 5 s per slow_down. */
  interval: number;
  nextPollAt: number;
  tokens: number;
  finished: boolean;
}

export function setup(): SetupData {
  // A sample for each counter, so that the summary shows it at 0 too.
  for (const counter of [tokensIssued, tokensIssuedTwice, slowDowns]) counter.add(0);
  const codes: IssuedCode[] = [];
  for (let index = 0; index < DEVICE_CODES; index += 1) {
    const response = http.post(
      `${BASE_URL}/oauth/device/code`,
      { client_id: CLIENT_ID, scope: SCOPE },
      { headers: FORM, tags: { name: 'device_code' } },
    );
    const deviceCode = response.json('device_code');
    const userCode = response.json('user_code');
    const interval = response.json('interval');
    if (response.status !== 200 || typeof deviceCode !== 'string' || typeof userCode !== 'string') {
      fail(`POST /oauth/device/code answered ${response.status}: ${String(response.body)}`);
    }
    codes.push({ deviceCode, userCode, interval: typeof interval === 'number' ? interval : 5 });
  }
  for (const code of codes.slice(0, APPROVE)) approve(code.userCode);
  return { codes };
}

/** The verification page as a person without JavaScript uses it; setup's cookie jar keeps the sign-in. */
function approve(userCode: string): void {
  let page = http.get(`${BASE_URL}/device`, { redirects: 0, tags: { name: 'device_page' } });
  page = submit(page, { user_code: userCode });
  if (String(page.body).includes('name="password"')) {
    page = submit(page, { email: USER_EMAIL, password: USER_PASSWORD });
  }
  if (!String(page.body).includes('name="decision"')) {
    fail(`expected the confirmation page for ${userCode}, got ${page.status}: ${String(page.body).slice(0, 300)}`);
  }
  page = submit(page, { decision: 'approve' });
  check(page, {
    'approve: the device is connected': (r) => r.status === 200 && String(r.body).includes('Device connected'),
  });
}

function submit(page: RefinedResponse<ResponseType | undefined>, fields: Record<string, string>) {
  if (page.status !== 200) fail(`the device page answered ${page.status}: ${String(page.body).slice(0, 300)}`);
  const form = page.html('form').first();
  const action = form.attr('action');
  if (action === undefined || !action.startsWith('/')) fail('no form with a local action on the device page');
  const hidden: Record<string, string> = {};
  form.find('input[type="hidden"]').each((_index, element) => {
    const name = element.getAttribute('name');
    if (name !== undefined) hidden[name] = element.getAttribute('value') ?? '';
  });
  return http.post(
    `${BASE_URL}${action}`,
    { ...hidden, ...fields },
    { headers: { ...FORM, 'Sec-Fetch-Site': 'same-origin' }, redirects: 0, tags: { name: 'device_page' } },
  );
}

let mine: CodeState[] | undefined;

/** This VU's share of the codes; first polls are spread over one interval. */
function myCodes(data: SetupData): CodeState[] {
  if (mine === undefined) {
    const now = Date.now();
    mine = data.codes
      .filter((_code, index) => index % VUS === (__VU - 1) % VUS)
      .map((code) => ({
        deviceCode: code.deviceCode,
        interval: code.interval,
        nextPollAt: now + Math.random() * code.interval * 1000,
        tokens: 0,
        finished: false,
      }));
  }
  return mine;
}

export default function (data: SetupData): void {
  const live = myCodes(data).filter((code) => !code.finished);
  const code = live.reduce<CodeState | undefined>(
    (due, candidate) => (due === undefined || candidate.nextPollAt < due.nextPollAt ? candidate : due),
    undefined,
  );
  if (code === undefined) {
    // Every code of this VU expired or was denied.
    sleep(1);
    return;
  }
  const wait = code.nextPollAt - Date.now();
  if (wait > 0) sleep(wait / 1000);

  const response = http.post(
    `${BASE_URL}/oauth/token`,
    { grant_type: DEVICE_CODE_GRANT, device_code: code.deviceCode, client_id: CLIENT_ID },
    { headers: FORM, tags: { name: 'device_poll' }, responseCallback: POLL_STATUSES },
  );
  const answer = answerOf(response);
  check(
    answer,
    {
      'poll: an RFC 8628 answer': (value) => ANSWERS.includes(value),
      'poll: invalid_grant only for a code already redeemed': (value) => value !== 'invalid_grant' || code.tokens > 0,
    },
    { kind: 'answer' },
  );
  if (answer === 'slow_down') {
    // This VU polls on time, so a slow_down here is the server's doing (or a slow network's).
    slowDowns.add(1);
    code.interval += SLOW_DOWN_STEP_SECONDS;
  }
  if (answer === 'tokens') {
    tokensIssued.add(1);
    code.tokens += 1;
    if (code.tokens > 1) tokensIssuedTwice.add(1);
  }
  // A device stops at these; after tokens it keeps polling, to show that no second set is issued.
  if (answer === 'expired_token' || answer === 'access_denied') code.finished = true;
  code.nextPollAt = Date.now() + code.interval * 1000;
}

function answerOf(response: RefinedResponse<ResponseType | undefined>): string {
  if (response.status === 200) {
    return typeof field(response, 'access_token') === 'string' ? 'tokens' : 'http_200_without_access_token';
  }
  if (response.status !== 400) return `http_${response.status}`;
  const error = field(response, 'error');
  return typeof error === 'string' ? error : 'http_400_without_error';
}

/** A top-level member of a JSON body; undefined when the body is not JSON. */
function field(response: RefinedResponse<ResponseType | undefined>, name: string): unknown {
  try {
    return response.json(name);
  } catch {
    return undefined;
  }
}
