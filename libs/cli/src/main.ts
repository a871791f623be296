import { Command } from 'commander';
import { auditCommand } from './audit-command';
import { clientCommands } from './client-commands';
import { patCommands } from './pat-commands';
import { resourceCommands } from './resource-commands';
import { projectionsCommand } from './projections-command';
import { stackCommand } from './stack-command';
import { userCommands } from './user-commands';

const program = new Command('grantline')
  .description('Grantline, an event-sourced OAuth 2.1 authorization server')
  .option('--url <url>', 'server origin (GRANTLINE_URL, default http://127.0.0.1:3000)')
  .option('--admin-token <token>', 'admin API token (GRANTLINE_ADMIN_TOKEN, or read from the data folder)');
program.addCommand(clientCommands());
program.addCommand(resourceCommands());
program.addCommand(userCommands());
program.addCommand(patCommands());
program.addCommand(stackCommand());
program.addCommand(projectionsCommand());
program.addCommand(auditCommand());

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
