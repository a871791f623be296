import { Command } from 'commander';
import { adminCall, adminTarget } from './admin-client';

/** `grantline audit`: query the audit trail through the admin API. */
export function auditCommand(): Command {
  const audit = new Command('audit')
    .description('query the audit trail; entries come oldest first')
    .option('--client-id <id>', 'events of one client')
    .option('--subject <sub>', 'events about one subject')
    .option('--trace-id <id>', 'events caused by one traced request: the 32 hex digits of its W3C trace id')
    .option('--type <type>', 'one event type, e.g. AccessTokenRevoked')
    .option('--since <time>', 'ISO 8601 time, inclusive')
    .option('--until <time>', 'ISO 8601 time, inclusive')
    .option('--limit <n>', 'at most this many entries (1-1000)', '100');
  audit.action(async (options: Record<string, string | undefined>) => {
    const query = new URLSearchParams();
    const names: Record<string, string> = {
      clientId: 'client_id',
      subject: 'subject',
      traceId: 'trace_id',
      type: 'type',
      since: 'since',
      until: 'until',
      limit: 'limit',
    };
    for (const [option, parameter] of Object.entries(names)) {
      const value = options[option];
      if (value !== undefined) query.set(parameter, value);
    }
    const result = await adminCall(adminTarget(audit.parent?.opts() ?? {}), 'GET', `/admin/audit?${query}`);
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  });
  return audit;
}
