import { measureCodeFlow, printCodeFlow } from './code-flow-timing';
import { printCpuBreakdown, withCpuBreakdown, type CpuBreakdown } from './cpu-breakdown';
import { measureDevicePollRelay } from './device-poll-relay';
import { deviceStormSettingsFromEnv, printDevicePollingStorm, runDevicePollingStorm } from './device-polling-storm';
import { dpopSettingsFromEnv, measureDpop, printDpop } from './dpop-bench';
import { basic, isActive, issueToken, registerClient, tokenRequest } from './http-calls';
import { measureRevocationVisibility, REVOCATION_GIVE_UP_MS, REVOCATION_ROUNDS } from './revocation-probe';
import { ms, percentile, printTable, runScenario, type ScenarioResult } from './scenario';
import { closingOnSignals, openTarget } from './target';

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}
async function main(): Promise<void> {
  const seconds = positiveInt('BENCH_SECONDS', 5);
  const connections = positiveInt('BENCH_CONNECTIONS', 50);
  const codeFlowRuns = positiveInt('BENCH_CODE_FLOW_RUNS', 200);
  const deviceStorm = deviceStormSettingsFromEnv();
  const dpop = dpopSettingsFromEnv();
  const target = await openTarget();

  const close = closingOnSignals(target);

  try {
    console.log(`target: ${target.description}`);
    console.log(`each scenario: ${seconds} s, ${connections} connections`);
    const client = await registerClient(target);
    const liveToken = await issueToken(target.origin, client);
    if (!(await isActive(target.origin, liveToken, client))) {
      throw new Error('a freshly issued token introspects as inactive; not benchmarking a broken origin');
    }

    const groups = target.processGroups();
    const breakdowns: CpuBreakdown[] = [];
    const measured = async (run: () => Promise<ScenarioResult>) => {
      const breakdown = await withCpuBreakdown(groups, run);
      breakdowns.push(breakdown);
      return breakdown.scenario;
    };
    const results: ScenarioResult[] = [];
    results.push(
      await measured(() =>
        runScenario('client_credentials POST /oauth/token', {
          url: `${target.origin}/oauth/token`,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(tokenRequest(client)).toString(),
          seconds,
          connections,
        }),
      ),
    );
    results.push(
      await measured(() =>
        runScenario('introspection POST /oauth/introspect', {
          url: `${target.origin}/oauth/introspect`,
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client) },
          body: new URLSearchParams({ token: liveToken }).toString(),
          seconds,
          connections,
        }),
      ),
    );
    console.log('');
    printTable(results);
    if (groups.length > 0) {
      console.log('');
      console.log('where the CPU goes (every process of the stack, not pinned):');
      printCpuBreakdown(breakdowns);
    }

    const revocation = await measureRevocationVisibility(target, client);
    const where =
      target.introspectionUrls.length === 1 && target.introspectionUrls[0] === target.origin
        ? 'through the public origin (replica addresses unknown for GRANTLINE_URL)'
        : `on each of ${revocation.replicas} introspection replicas directly`;
    console.log('');
    console.log(`revocation visible ${where}, ${REVOCATION_ROUNDS} rounds:`);
    console.log(
      `  revoke response -> all inactive: p50 ${ms(percentile(revocation.visibleMs, 50))} ms, ` +
        `p99 ${ms(percentile(revocation.visibleMs, 99))} ms (includes one introspection round trip)`,
    );
    console.log(
      `  the same probe for a live token: p50 ${ms(percentile(revocation.probeMs, 50))} ms, ` +
        `p99 ${ms(percentile(revocation.probeMs, 99))} ms`,
    );
    console.log(
      `  answers still active right after the revoke response: ${revocation.activeAnswers} of ` +
        `${REVOCATION_ROUNDS * revocation.replicas}; rounds never inactive within ${REVOCATION_GIVE_UP_MS} ms: ` +
        `${revocation.neverInactive}`,
    );

    console.log('');
    console.log(`authorization code flow, ${codeFlowRuns} sequential runs after a consent warm-up:`);
    printCodeFlow(await measureCodeFlow(target, codeFlowRuns));

    console.log('');
    console.log('device-code poll relay (docs/decisions/0015), the same pending poll on each path:');
    for (const line of await measureDevicePollRelay(target)) console.log(line);

    console.log('');
    console.log('DPoP (RFC 9449):');
    printDpop(await measureDpop(target, dpop));

    console.log('');
    if (!printDevicePollingStorm(await runDevicePollingStorm(target, deviceStorm))) process.exitCode = 1;
  } finally {
    await close();
  }
}

main().catch((error: unknown) => {
  console.error(`bench could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
