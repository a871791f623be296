import { freePort } from '@grantline/lib-infra';

/** Distinct free loopback ports (freePort alone may hand out the same one twice in a row). */
export async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  for (let tries = 0; ports.size < count && tries < count * 20; tries += 1) ports.add(await freePort());
  if (ports.size < count) throw new Error(`could not find ${count} distinct free ports`);
  return [...ports];
}
