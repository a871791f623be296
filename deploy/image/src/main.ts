import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createTopics } from './create-topics';
import { parseLaunchCommand, usage, type ServiceName } from './launch-command';

/** The image's root: this file sits in <root>/deploy/image/dist. */
const root = resolve(__dirname, '..', '..', '..');

const serviceEntry = (service: ServiceName) => join(root, 'services', service, 'dist', 'main.js');
const cliEntry = join(root, 'libs', 'cli', 'dist', 'main.js');

/** Loads a built entry point in this process, so the service is PID 1 and gets the container's signals itself. */
const load = async (entry: string): Promise<void> => {
  await import(pathToFileURL(entry).href);
};

/** Exit code for a command line the launcher does not understand, as shells use for misuse. */
const USAGE_EXIT_CODE = 2;

async function main(args: string[]): Promise<void> {
  const command = parseLaunchCommand(args);
  switch (command.kind) {
    case 'service':
      return load(serviceEntry(command.service));
    case 'topics':
      return createTopics((line) => process.stdout.write(`${line}\n`));
    case 'cli':
      // The CLI parses process.argv as `node <script> ARGS...`.
      process.argv = [process.argv[0] ?? process.execPath, cliEntry, ...command.args];
      return load(cliEntry);
    case 'help':
      process.stdout.write(usage());
      return;
    case 'invalid':
      process.stderr.write(`${command.reason}\n\n${usage()}`);
      process.exitCode = USAGE_EXIT_CODE;
      return;
    default: {
      const unhandled: never = command;
      throw new Error(`unhandled command ${JSON.stringify(unhandled)}`);
    }
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
