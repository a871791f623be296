import { performance } from 'node:perf_hooks';
import { devicePollToleranceMs } from '@grantline/lib-oauth';
import { approveDevice, FormBrowser } from '@grantline/lib-testing';
import { adminCreate, form, registerUser, type BenchUser } from './http-calls';
import { ms, percentile, printRows } from './scenario';
import { isLoopback, type Target } from './target';

const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** RFC 8628 §3.5: every slow_down adds 5 seconds to the code's interval. */
const SLOW_DOWN_STEP_MS = 5_000;
/** Clock and timer slack allowed either side before a poll is judged early or on time. */
export const DEVICE_JUDGE_MARGIN_MS = 50;
export const DEVICE_MAX_CODES = 5_000;
export const DEVICE_MAX_SECONDS = 300;
/** Polls on the wire at once, so a 2-core box runs the server and not mostly the load generator. */
export const DEVICE_MAX_IN_FLIGHT = 64;
const ISSUE_CONCURRENCY = 16;
const APPROVAL_CONCURRENCY = 4;
const APPROVED_FRACTION = 0.1;
const DENIED_FRACTION = 0.02;
/** Decisions are made between these fractions of the run, so the codes poll before and after. */
const DECISION_WINDOW = [0.1, 0.6] as const;
/** Normal pollers wait the interval plus up to this share of it after each answer. */
const JITTER_SHARE = 0.2;
/** Fast pollers poll this many times per advertised interval and never back off. */
const FAST_POLLS_PER_INTERVAL = 3;
const REQUEST_TIMEOUT_MS = 10_000;

/** The RFC 8628 §3.5 answers, plus invalid_grant for a code already used. */
const POLL_ANSWERS = new Set([
  'tokens',
  'authorization_pending',
  'slow_down',
  'expired_token',
  'access_denied',
  'invalid_grant',
]);

export interface DeviceStormSettings {
  codes: number;
  seconds: number;
  fastFraction: number;
}

/** BENCH_DEVICE_CODES, BENCH_DEVICE_SECONDS and BENCH_DEVICE_FAST_FRACTION, each bounded. */
export function deviceStormSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): DeviceStormSettings {
  return {
    codes: boundedInt(env, 'BENCH_DEVICE_CODES', 500, DEVICE_MAX_CODES),
    seconds: boundedInt(env, 'BENCH_DEVICE_SECONDS', 30, DEVICE_MAX_SECONDS),
    fastFraction: fraction(env, 'BENCH_DEVICE_FAST_FRACTION', 0.2),
  };
}

function boundedInt(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0 || value > max) {
    throw new Error(`${name} must be an integer from 1 to ${max}, got "${raw}"`);
  }
  return value;
}

function fraction(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new Error(`${name} must be from 0 to 1, got "${raw}"`);
  return value;
}

type Decision = 'approve' | 'deny';

/**
 * How a poll's timing relates to the interval the server holds for its code. The server times
 * the arrivals of consecutive polls in Redis, somewhere between each poll's send and its
 * response, so a poll is only judged when the whole range of possible gaps is on one side.
 */
type Timing = 'first' | 'early' | 'on_time' | 'unjudged';

interface Poll {
  sentAt: number;
  answeredAt: number;
  answer: string;
  timing: Timing;
}

interface DeviceCode {
  index: number;
  deviceCode: string;
  userCode: string;
  issuedAt: number;
  advertisedIntervalMs: number;
  /** The interval the server holds for this code, as far as its answers tell. */
  knownIntervalMs: number;
  fast: boolean;
  decision?: Decision;
  decisionDoneAt?: number;
  decisionError?: string;
  /** An answer went missing (timeout, 5xx): the server may have counted a poll we cannot see. */
  lost: boolean;
  polls: Poll[];
}

export interface DeviceStormResult {
  settings: DeviceStormSettings;
  stackEnv: Record<string, string>;
  advertisedIntervals: number[];
  issueSeconds: number;
  stormSeconds: number;
  codes: DeviceCode[];
  latencies: number[];
  /** Each answer's latencies, ascending. */
  answers: Map<string, number[]>;
  /** CPU the bench process itself used during the storm (user + system). */
  loadGeneratorCpuSeconds: number;
  /** Polls that found every in-flight slot taken, and the longest such wait. */
  queuedPolls: number;
  longestQueueMs: number;
  slowDownIntervalMismatches: string[];
}

/**
 * A polling storm against the device-code grant: many device codes each polling on its own
 * schedule, a share of them too fast, while people approve or deny some on the verification
 * page. Every answer is kept, to check exactly-once issuance and the slow_down timing.
 */
export async function runDevicePollingStorm(target: Target, settings: DeviceStormSettings): Promise<DeviceStormResult> {
  if (!isLoopback(target.origin)) throw new Error(`the polling storm only runs against loopback, not ${target.origin}`);
  const user = await registerUser(target);
  const client = await adminCreate<{ client_id: string }>(target, 'clients', {
    name: 'bench device',
    public: true,
    grant_types: [DEVICE_CODE_GRANT, 'refresh_token'],
    scopes: 'read write',
  });
  const clientId = client.client_id;

  const issueStart = performance.now();
  const codes = await issueCodes(target.origin, clientId, settings);
  const issueSeconds = (performance.now() - issueStart) / 1000;
  assignDecisions(codes);

  const storm = new Storm(target.origin, clientId, user, settings.seconds);
  const stormStart = performance.now();
  const cpuStart = process.cpuUsage();
  await storm.run(codes);
  const cpu = process.cpuUsage(cpuStart);
  const stormSeconds = (storm.lastAnswerAt - stormStart) / 1000;

  const latencies = codes.flatMap((code) => code.polls.map((poll) => poll.answeredAt - poll.sentAt));
  const answers = new Map<string, number[]>();
  for (const poll of codes.flatMap((code) => code.polls)) {
    const samples = answers.get(poll.answer) ?? [];
    samples.push(poll.answeredAt - poll.sentAt);
    answers.set(poll.answer, samples);
  }
  for (const samples of answers.values()) samples.sort((a, b) => a - b);
  return {
    settings,
    stackEnv: target.stackEnv,
    advertisedIntervals: [...new Set(codes.map((code) => code.advertisedIntervalMs / 1000))].sort((a, b) => a - b),
    issueSeconds,
    stormSeconds,
    codes,
    latencies: latencies.sort((a, b) => a - b),
    answers,
    loadGeneratorCpuSeconds: (cpu.user + cpu.system) / 1e6,
    queuedPolls: storm.queuedPolls,
    longestQueueMs: storm.longestQueueMs,
    slowDownIntervalMismatches: storm.intervalMismatches,
  };
}

async function issueCodes(origin: string, clientId: string, settings: DeviceStormSettings): Promise<DeviceCode[]> {
  const fastCount = Math.round(settings.codes * settings.fastFraction);
  const fastIndexes = new Set(shuffled(range(settings.codes)).slice(0, fastCount));
  const codes: DeviceCode[] = [];
  let next = 0;
  const worker = async () => {
    while (next < settings.codes) {
      const index = next++;
      const response = await form(`${origin}/oauth/device/code`, { client_id: clientId, scope: 'read' });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`POST /oauth/device/code failed: ${response.status} ${text}`);
      const body = JSON.parse(text) as Record<string, unknown>;
      const { device_code: deviceCode, user_code: userCode, interval } = body;
      if (typeof deviceCode !== 'string' || typeof userCode !== 'string' || typeof interval !== 'number') {
        throw new Error(`the device authorization answer lacks device_code, user_code or interval: ${text}`);
      }
      codes.push({
        index,
        deviceCode,
        userCode,
        issuedAt: performance.now(),
        advertisedIntervalMs: interval * 1000,
        knownIntervalMs: interval * 1000,
        fast: fastIndexes.has(index),
        lost: false,
        polls: [],
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(ISSUE_CONCURRENCY, settings.codes) }, worker));
  return codes.sort((a, b) => a.index - b.index);
}

function assignDecisions(codes: DeviceCode[]): void {
  const order = shuffled(codes);
  const approved = Math.round(codes.length * APPROVED_FRACTION);
  const denied = Math.max(1, Math.round(codes.length * DENIED_FRACTION));
  order.slice(0, approved).forEach((code) => (code.decision = 'approve'));
  order.slice(approved, approved + denied).forEach((code) => (code.decision = 'deny'));
}

class Storm {
  readonly intervalMismatches: string[] = [];
  lastAnswerAt = performance.now();
  queuedPolls = 0;
  longestQueueMs = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly pending = new Set<Promise<void>>();
  private readonly polls = new Limiter(DEVICE_MAX_IN_FLIGHT);
  private readonly decisions = new Limiter(APPROVAL_CONCURRENCY);
  private deadline = 0;

  constructor(
    private readonly origin: string,
    private readonly clientId: string,
    private readonly user: BenchUser,
    private readonly seconds: number,
  ) {}

  async run(codes: DeviceCode[]): Promise<void> {
    const start = performance.now();
    this.deadline = start + this.seconds * 1000;
    for (const code of codes) {
      this.at(start + Math.random() * code.advertisedIntervalMs, () => this.poll(code));
      if (code.decision) {
        const [from, to] = DECISION_WINDOW;
        this.at(start + (from + Math.random() * (to - from)) * this.seconds * 1000, () => this.decide(code));
      }
    }
    try {
      await new Promise((resolveDelay) => setTimeout(resolveDelay, this.seconds * 1000));
    } finally {
      for (const timer of this.timers) clearTimeout(timer);
      this.timers.clear();
      while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    }
  }

  /** Runs `task` at `when` unless the run is over by then; the run waits for every task it started. */
  private at(when: number, task: () => Promise<void>): void {
    if (when >= this.deadline) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        if (performance.now() >= this.deadline) return;
        const running = task().finally(() => this.pending.delete(running));
        this.pending.add(running);
      },
      Math.max(0, when - performance.now()),
    );
    this.timers.add(timer);
  }

  private async poll(code: DeviceCode): Promise<void> {
    const queuedAt = performance.now();
    const release = await this.polls.acquire();
    const queuedMs = performance.now() - queuedAt;
    if (queuedMs >= 1) {
      this.queuedPolls += 1;
      this.longestQueueMs = Math.max(this.longestQueueMs, queuedMs);
    }
    let sentAt = 0;
    let answer: string;
    const interval = code.knownIntervalMs;
    try {
      if (performance.now() >= this.deadline) return;
      sentAt = performance.now();
      answer = await this.send(code);
    } finally {
      release();
    }
    const answeredAt = performance.now();
    this.lastAnswerAt = Math.max(this.lastAnswerAt, answeredAt);
    const answered = POLL_ANSWERS.has(answer);
    const timing = answered ? this.judge(code, interval, sentAt, answeredAt) : 'unjudged';
    code.polls.push({ sentAt, answeredAt, answer, timing });
    if (!answered) code.lost = true;

    if (code.fast) {
      // A device that ignores slow_down: a fixed, short period from send to send.
      const period = code.advertisedIntervalMs / FAST_POLLS_PER_INTERVAL;
      this.at(Math.max(answeredAt, sentAt + period), () => this.poll(code));
    } else {
      const wait = code.knownIntervalMs * (1 + Math.random() * JITTER_SHARE);
      this.at(answeredAt + wait, () => this.poll(code));
    }
  }

  /** One poll; the answer is its error code, `tokens` for a 200, or what went wrong. */
  private async send(code: DeviceCode): Promise<string> {
    let response: Response;
    try {
      response = await fetch(`${this.origin}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: DEVICE_CODE_GRANT,
          device_code: code.deviceCode,
          client_id: this.clientId,
        }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      return error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'network_error';
    }
    let body: Record<string, unknown>;
    try {
      body = (await response.json()) as Record<string, unknown>;
    } catch {
      return `http_${response.status}_not_json`;
    }
    if (response.status === 200) {
      return typeof body.access_token === 'string' && typeof body.refresh_token === 'string'
        ? 'tokens'
        : 'http_200_without_tokens';
    }
    const error = typeof body.error === 'string' ? body.error : 'no_error_code';
    if (response.status !== 400) return `http_${response.status}_${error}`;
    if (error === 'slow_down') this.slowedDown(code, body.error_description);
    return error;
  }

  private slowedDown(code: DeviceCode, description: unknown): void {
    code.knownIntervalMs += SLOW_DOWN_STEP_MS;
    const stated = typeof description === 'string' ? /every (\d+(?:\.\d+)?) seconds/.exec(description)?.[1] : undefined;
    if (stated !== undefined && !code.lost && Number(stated) * 1000 !== code.knownIntervalMs) {
      this.intervalMismatches.push(
        `code #${code.index}: slow_down says ${stated} s, expected ${code.knownIntervalMs / 1000} s`,
      );
    }
  }

  /**
   * The server compares the gap between two arrivals with the interval it held before this
   * poll, less the tolerance it allows (a share of the advertised interval). That gap lies
   * between (this send - previous answer) and (this answer - previous send).
   */
  private judge(code: DeviceCode, interval: number, sentAt: number, answeredAt: number): Timing {
    const previous = code.polls.at(-1);
    if (!previous) return 'first';
    if (code.lost) return 'unjudged';
    const tolerance = devicePollToleranceMs(code.advertisedIntervalMs / 1000);
    if (answeredAt - previous.sentAt < interval - tolerance - DEVICE_JUDGE_MARGIN_MS) return 'early';
    if (sentAt - previous.answeredAt > interval + DEVICE_JUDGE_MARGIN_MS) return 'on_time';
    return 'unjudged';
  }

  private async decide(code: DeviceCode): Promise<void> {
    const release = await this.decisions.acquire();
    try {
      const decision = code.decision ?? 'approve';
      const done = await approveDevice(new FormBrowser(this.origin), {
        userCode: code.userCode,
        email: this.user.email,
        password: this.user.password,
        decision,
      });
      const expected = decision === 'approve' ? 'Device connected' : 'Request denied';
      if (done.heading !== expected) throw new Error(`the last page says "${done.heading}"`);
      code.decisionDoneAt = performance.now();
    } catch (error) {
      code.decisionError = error instanceof Error ? error.message : String(error);
    } finally {
      release();
    }
  }
}

class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async acquire(): Promise<() => void> {
    if (this.active >= this.limit) await new Promise<void>((resolveTurn) => this.waiting.push(resolveTurn));
    else this.active += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    };
  }
}

function range(length: number): number[] {
  return Array.from({ length }, (_value, index) => index);
}

function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(Math.random() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

interface StormChecks {
  issuedTwice: DeviceCode[];
  tokensWithoutApproval: DeviceCode[];
  approvedDone: number;
  approvedKeptPolling: DeviceCode[];
  approvedKeptPollingWithoutTokens: DeviceCode[];
  pendingAfterDecision: number;
  deniedKeptPolling: number;
  deniedAnsweredOtherwise: number;
  decisionErrors: string[];
  early: Poll[];
  earlyNotSlowedDown: Array<{ code: DeviceCode; poll: Poll }>;
  onTime: Poll[];
  onTimeSlowedDown: Array<{ code: DeviceCode; poll: Poll }>;
  unjudged: number;
  first: number;
  firstSlowedDown: number;
  /** slow_down answers to codes that wait their interval after every answer, judged or not. */
  patientSlowedDown: number;
  lostCodes: number;
}

function checkStorm(result: DeviceStormResult): StormChecks {
  const checks: StormChecks = {
    issuedTwice: [],
    tokensWithoutApproval: [],
    approvedDone: 0,
    approvedKeptPolling: [],
    approvedKeptPollingWithoutTokens: [],
    pendingAfterDecision: 0,
    deniedKeptPolling: 0,
    deniedAnsweredOtherwise: 0,
    decisionErrors: [],
    early: [],
    earlyNotSlowedDown: [],
    onTime: [],
    onTimeSlowedDown: [],
    unjudged: 0,
    first: 0,
    firstSlowedDown: 0,
    patientSlowedDown: 0,
    lostCodes: 0,
  };
  for (const code of result.codes) {
    const tokens = code.polls.filter((poll) => poll.answer === 'tokens').length;
    if (tokens > 1) checks.issuedTwice.push(code);
    if (tokens > 0 && code.decision !== 'approve') checks.tokensWithoutApproval.push(code);
    if (code.lost) checks.lostCodes += 1;
    if (code.decisionError) checks.decisionErrors.push(`code #${code.index} (${code.decision}): ${code.decisionError}`);
    const doneAt = code.decisionDoneAt;
    // Polls sent once the decision page had answered, which the server did not slow down.
    const after =
      doneAt === undefined
        ? []
        : code.polls.filter(
            (poll) => poll.sentAt > doneAt && POLL_ANSWERS.has(poll.answer) && poll.answer !== 'slow_down',
          );
    checks.pendingAfterDecision += after.filter((poll) => poll.answer === 'authorization_pending').length;
    if (code.decision === 'approve' && doneAt !== undefined) {
      checks.approvedDone += 1;
      if (after.length > 0) {
        checks.approvedKeptPolling.push(code);
        if (tokens !== 1) checks.approvedKeptPollingWithoutTokens.push(code);
      }
    }
    if (code.decision === 'deny' && after.length > 0) {
      checks.deniedKeptPolling += 1;
      if (after.some((poll) => poll.answer !== 'access_denied')) checks.deniedAnsweredOtherwise += 1;
    }
    for (const poll of code.polls) {
      if (!code.fast && poll.answer === 'slow_down') checks.patientSlowedDown += 1;
      if (poll.timing === 'first') {
        checks.first += 1;
        if (poll.answer === 'slow_down') checks.firstSlowedDown += 1;
      } else if (poll.timing === 'unjudged') checks.unjudged += 1;
      else if (poll.timing === 'early') {
        checks.early.push(poll);
        if (poll.answer !== 'slow_down') checks.earlyNotSlowedDown.push({ code, poll });
      } else {
        checks.onTime.push(poll);
        if (poll.answer === 'slow_down') checks.onTimeSlowedDown.push({ code, poll });
      }
    }
  }
  return checks;
}

/** Prints the storm's figures and checks; returns whether every check passed. */
export function printDevicePollingStorm(result: DeviceStormResult): boolean {
  const { settings, codes } = result;
  const fast = codes.filter((code) => code.fast).length;
  const approve = codes.filter((code) => code.decision === 'approve').length;
  const deny = codes.filter((code) => code.decision === 'deny').length;
  const env = Object.entries(result.stackEnv)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
  console.log(
    `device polling storm: ${codes.length} device codes for ${settings.seconds} s, ${fast} of them polling every ` +
      `interval/${FAST_POLLS_PER_INTERVAL} and ignoring slow_down, the others every interval + 0-${JITTER_SHARE * 100}%; ` +
      `${approve} approved and ${deny} denied on the verification page; at most ${DEVICE_MAX_IN_FLIGHT} polls in flight`,
  );
  console.log(
    `  advertised interval: ${result.advertisedIntervals.join(', ')} s` +
      (env === '' ? " (the running origin's own setting)" : ` (the bench's stack runs with ${env})`) +
      `; ${codes.length} codes requested in ${result.issueSeconds.toFixed(1)} s`,
  );
  const sent = result.latencies.length;
  console.log(
    `  polls sent: ${sent} in ${result.stormSeconds.toFixed(1)} s, ${(sent / result.stormSeconds).toFixed(1)} polls/s; ` +
      `latency p50 ${ms(percentile(result.latencies, 50))} ms, p95 ${ms(percentile(result.latencies, 95))} ms, ` +
      `p99 ${ms(percentile(result.latencies, 99))} ms, max ${ms(result.latencies.at(-1) ?? Number.NaN)} ms`,
  );
  console.log(
    `  load generator: ${result.loadGeneratorCpuSeconds.toFixed(1)} CPU s during the storm; polls that waited for ` +
      `an in-flight slot ${result.queuedPolls}, longest wait ${ms(result.longestQueueMs)} ms`,
  );
  printRows(
    ['  answer', 'polls', 'p50 ms', 'p95 ms', 'p99 ms'],
    [...result.answers]
      .sort((a, b) => b[1].length - a[1].length)
      .map(([answer, samples]) => [
        `  ${answer}`,
        String(samples.length),
        ms(percentile(samples, 50)),
        ms(percentile(samples, 95)),
        ms(percentile(samples, 99)),
      ]),
  );

  const checks = checkStorm(result);
  console.log(
    `  decisions: ${checks.approvedDone} approvals done, ${checks.decisionErrors.length} decisions failed; ` +
      `${checks.approvedKeptPolling.length} approved codes polled (not slowed down) after their approval; ` +
      `${checks.deniedKeptPolling} denied codes did after their denial, ${checks.deniedAnsweredOtherwise} of them ` +
      `saw something other than access_denied; authorization_pending after a decision: ${checks.pendingAfterDecision}`,
  );
  for (const line of checks.decisionErrors.slice(0, 5)) console.log(`    ${line}`);

  const once =
    checks.issuedTwice.length === 0 &&
    checks.tokensWithoutApproval.length === 0 &&
    checks.approvedKeptPollingWithoutTokens.length === 0;
  console.log(
    `  check 1, tokens at most once: codes with tokens twice or more ${checks.issuedTwice.length}, ` +
      `tokens for a code not approved ${checks.tokensWithoutApproval.length}, approved codes that kept polling ` +
      `without exactly one token answer ${checks.approvedKeptPollingWithoutTokens.length} of ` +
      `${checks.approvedKeptPolling.length}: ${once ? 'PASS' : 'FAIL'}`,
  );
  for (const code of [
    ...checks.issuedTwice,
    ...checks.tokensWithoutApproval,
    ...checks.approvedKeptPollingWithoutTokens,
  ].slice(0, 5)) {
    console.log(
      `    code #${code.index} (${code.decision ?? 'undecided'}): ${code.polls.map((poll) => poll.answer).join(' ')}`,
    );
  }

  const timed = checks.earlyNotSlowedDown.length === 0 && checks.onTimeSlowedDown.length === 0;
  console.log(
    `  check 2, slow_down timing (margin ${DEVICE_JUDGE_MARGIN_MS} ms): too early ${checks.early.length}, of them not ` +
      `slow_down ${checks.earlyNotSlowedDown.length}; on time ${checks.onTime.length}, of them slow_down ` +
      `${checks.onTimeSlowedDown.length}; not judged ${checks.unjudged} in between and ${checks.first} first polls` +
      `${checks.lostCodes > 0 ? `, codes no longer judged after a lost answer ${checks.lostCodes}` : ''}: ` +
      `${timed ? 'PASS' : 'FAIL'}`,
  );
  for (const { code, poll } of [...checks.earlyNotSlowedDown, ...checks.onTimeSlowedDown].slice(0, 5)) {
    console.log(`    code #${code.index}: ${describePoll(code, poll)}`);
  }
  console.log(`  slow_down answers to codes that wait the interval after every answer: ${checks.patientSlowedDown}`);
  if (checks.firstSlowedDown > 0) console.log(`  first polls of a code answered slow_down: ${checks.firstSlowedDown}`);
  if (result.slowDownIntervalMismatches.length > 0) {
    console.log(
      `  slow_down answers stating another interval than expected: ${result.slowDownIntervalMismatches.length}`,
    );
    for (const line of result.slowDownIntervalMismatches.slice(0, 5)) console.log(`    ${line}`);
  }
  return once && timed;
}

function describePoll(code: DeviceCode, poll: Poll): string {
  const index = code.polls.indexOf(poll);
  const previous = code.polls[index - 1];
  const interval =
    code.advertisedIntervalMs +
    SLOW_DOWN_STEP_MS * code.polls.slice(0, index).filter((p) => p.answer === 'slow_down').length;
  if (!previous) return `${poll.timing} poll answered ${poll.answer}`;
  return (
    `${poll.timing} poll answered ${poll.answer}: interval ${interval} ms, send gap ` +
    `${ms(poll.sentAt - previous.sentAt)} ms, from previous answer ${ms(poll.sentAt - previous.answeredAt)} ms`
  );
}
