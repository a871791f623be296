import { restoreAffinity, startServersOnServerCpu } from './peers/affinity';
import { grantlineEmbedded } from './peers/grantline-embedded-peer';
import { grantlineStack } from './peers/grantline-stack-peer';
import { hydra } from './peers/hydra-peer';
import { releaseInfra } from './peers/infra';
import { keycloak } from './peers/keycloak-peer';
import { measurePeer } from './peers/measure';
import { oidcProvider } from './peers/oidc-provider-peer';
import type { Peer, RunningPeer } from './peers/peer';
import { stopAllGroups } from './peers/processes';
import { printReport, type ServerOutcome } from './peers/report';
import { settingsFromEnv, type Settings } from './peers/settings';
import { EMBEDDED, STACK } from './peers/table';

/**
 * Grantline (embedded and stack) against node-oidc-provider (in memory and on Redis), Ory Hydra
 * and Keycloak: client_credentials issuance, introspection of one token and of a pool of 10,000.
 * Each server on CPU 0, the load on CPU 1. Peers are installed into .grantline/peers/ on first use.
 *   npm run build && node test/bench/dist/peers.js
 *   BENCH_PEERS_SECONDS=8  BENCH_PEERS_ONLY=grantline-embedded,hydra
 */
const PEERS: Peer[] = [
  grantlineEmbedded,
  grantlineStack,
  oidcProvider('memory'),
  oidcProvider('redis'),
  hydra,
  keycloak,
];

const log = (line: string) => process.stderr.write(`[peers] ${line}\n`);

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Installs every selected peer at once (downloads and builds overlap), before anything is measured. */
interface Install {
  installed?: string;
  failure?: string;
}

async function installAll(peers: Peer[]): Promise<Map<string, Install>> {
  const outcomes = await Promise.all(
    peers.map(async (peer): Promise<[string, Install]> => {
      const started = Date.now();
      try {
        const installed = await peer.install();
        log(`${peer.name}: ${installed} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
        return [peer.name, { installed }];
      } catch (error) {
        log(`${peer.name}: install failed: ${messageOf(error)}`);
        return [peer.name, { failure: `install failed: ${messageOf(error)}` }];
      }
    }),
  );
  return new Map(outcomes);
}

let current: RunningPeer | undefined;

async function cleanUp(): Promise<void> {
  const running = current;
  current = undefined;
  await running?.stop().catch(() => undefined);
  await stopAllGroups();
  restoreAffinity();
  await releaseInfra().catch((error: unknown) => log(`releasing infra: ${messageOf(error)}`));
}

async function runPeer(peer: Peer, settings: Settings, installed: string | undefined): Promise<ServerOutcome> {
  const outcome: ServerOutcome = { name: peer.name, installed, measurements: [], notes: [] };
  const started = Date.now();
  try {
    startServersOnServerCpu();
    log(`${peer.name}: starting`);
    current = await peer.start();
    outcome.notes.push(...current.notes);
    log(`${peer.name}: ready after ${((Date.now() - started) / 1000).toFixed(0)} s`);
    outcome.measurements = await measurePeer(current, settings, (line) => log(`${peer.name}: ${line}`));
  } catch (error) {
    outcome.failure = messageOf(error);
    log(`${peer.name}: failed: ${outcome.failure}`);
  } finally {
    const running = current;
    current = undefined;
    await running?.stop().catch((error: unknown) => log(`${peer.name}: stop: ${messageOf(error)}`));
  }
  return outcome;
}

async function main(): Promise<void> {
  const runStarted = Date.now();
  const settings = settingsFromEnv(
    process.env,
    PEERS.map((peer) => peer.name),
  );
  const selected = PEERS.filter((peer) => settings.only?.includes(peer.name) ?? true);
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping servers`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const outcomes: ServerOutcome[] = [];
  try {
    const installs = await installAll(selected);
    for (const peer of selected) {
      const install = installs.get(peer.name) ?? {};
      if (install.failure !== undefined) {
        outcomes.push({ name: peer.name, measurements: [], notes: [], failure: install.failure });
      } else if (Date.now() - runStarted > settings.budgetMs) {
        outcomes.push({
          name: peer.name,
          measurements: [],
          notes: [],
          failure: 'skipped: the run’s time budget was spent',
        });
      } else {
        outcomes.push(await runPeer(peer, settings, install.installed));
      }
    }
  } finally {
    await cleanUp();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  const print = (line: string) => process.stdout.write(`${line}\n`);
  print('');
  print(
    `Each server on CPU 0 (all processes and threads), load (autocannon, this process) on CPU 1; ${settings.connections} connections; ` +
      `${settings.warmUpSeconds} s warm-up, then ${settings.seconds} s measured per scenario. ` +
      'server CPU = CPU 0 busy time (/proc/stat, all but idle and iowait) ÷ 2xx answers.',
  );
  print('');
  printReport(outcomes, print);
  print('');
  print(`Total wall time: ${((Date.now() - runStarted) / 1000).toFixed(0)} s`);

  const grantlineFailed = outcomes.some((o) => (o.name === EMBEDDED || o.name === STACK) && o.failure !== undefined);
  if (grantlineFailed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `peers bench could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  void cleanUp().finally(() => {
    process.exitCode = 1;
  });
});
