import { performance } from 'node:perf_hooks';
import { form, isActive, issueToken, type Client } from './http-calls';
import type { Target } from './target';

export const REVOCATION_ROUNDS = 200;
export const REVOCATION_GIVE_UP_MS = 5_000;

export interface RevocationResult {
  replicas: number;
  visibleMs: number[];
  /** The same probe of every replica for a live token, so the figure above can be read against it. */
  probeMs: number[];
  activeAnswers: number;
  neverInactive: number;
}

/**
 * Revokes fresh tokens through the public origin and, as soon as the revoke response is in, asks
 * every introspection replica about the token; the figure is the time until all of them said inactive.
 */
export async function measureRevocationVisibility(target: Target, client: Client): Promise<RevocationResult> {
  const result: RevocationResult = {
    replicas: target.introspectionUrls.length,
    visibleMs: [],
    probeMs: [],
    activeAnswers: 0,
    neverInactive: 0,
  };
  for (let round = 0; round < REVOCATION_ROUNDS; round += 1) {
    const token = await issueToken(target.origin, client);
    const probeStart = performance.now();
    const live = await Promise.all(target.introspectionUrls.map((url) => isActive(url, token, client)));
    result.probeMs.push(performance.now() - probeStart);
    if (!live.every(Boolean)) throw new Error('a freshly issued token is inactive on some introspection replica');

    const revoked = await form(`${target.origin}/oauth/revoke`, { token });
    await revoked.arrayBuffer();
    if (revoked.status !== 200) throw new Error(`revocation failed: ${revoked.status}`);
    const start = performance.now();

    let pending = target.introspectionUrls;
    let firstProbe = true;
    while (pending.length > 0 && performance.now() - start < REVOCATION_GIVE_UP_MS) {
      const answers = await Promise.all(pending.map((url) => isActive(url, token, client)));
      if (firstProbe) result.activeAnswers += answers.filter(Boolean).length;
      firstProbe = false;
      pending = pending.filter((_url, index) => answers[index]);
      if (pending.length > 0) await new Promise((resolveDelay) => setTimeout(resolveDelay, 1));
    }
    if (pending.length > 0) result.neverInactive += 1;
    else result.visibleMs.push(performance.now() - start);
  }
  result.visibleMs.sort((a, b) => a - b);
  result.probeMs.sort((a, b) => a - b);
  return result;
}
