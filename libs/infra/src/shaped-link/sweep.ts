import { isAlive } from '../process-control';
import { silent, type LogFn } from '../types';
import { run } from './link-commands';
import { NAMESPACE_PREFIX, ownerOf } from './link-plan';

/**
 * Removes the shaped links of processes that died without closing them: their namespaces (and so
 * their rules) and their veth pairs, which stay while a leftover process still runs inside.
 * Returns the namespaces removed. The relays died with their process; the host itself holds no
 * rules of a link.
 */
export async function sweepShapedLinks(options: { ip: string; log?: LogFn }): Promise<string[]> {
  const log = options.log ?? silent;
  const listed = await run(options.ip, ['netns', 'list']);
  const stale = listed
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(NAMESPACE_PREFIX))
    .filter((name) => {
      const owner = ownerOf(name);
      return owner !== undefined && !isAlive(owner);
    });
  for (const namespace of stale) {
    const devices = await run(options.ip, ['-n', namespace, '-o', 'link', 'show', 'type', 'veth']).catch(() => '');
    for (const device of devices.matchAll(/^\d+: ([^@:\s]+)/gm)) {
      await run(options.ip, ['-n', namespace, 'link', 'del', device[1]!]).catch(() => undefined);
    }
    await run(options.ip, ['netns', 'del', namespace]).catch(() => undefined);
    log(`removed the shaped link ${namespace} left by process ${ownerOf(namespace)}`);
  }
  return stale;
}
