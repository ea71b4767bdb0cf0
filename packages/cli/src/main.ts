import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import type { CliIo } from './cli-io.js';
import { cliPackageDir } from './cli-package-dir.js';
import { ManagementApiError } from './client/management-api-error.js';
import { addDiskCommands } from './commands/disk-commands.js';
import { addHostCommands } from './commands/host-commands.js';
import { addJobCommands } from './commands/job-commands.js';
import { addSwitchCommands } from './commands/switch-commands.js';
import { addVmCommands } from './commands/vm-commands.js';
import { CommandContext } from './commands/command-context.js';
import { EXIT_CODES_HELP, exitCodeOf, type ExitCode } from './exit-code.js';
import { processIo } from './process-io.js';

const { version } = JSON.parse(readFileSync(join(cliPackageDir(), 'package.json'), 'utf8')) as { version: string };

function buildProgram(io: CliIo): Command {
  const program = new Command('tsvisor')
    .description('Run the tsvisor VMMS daemon and manage its VMs')
    .version(version)
    .option('--host <address>', 'the daemon: unix:/path/vmms.sock or http://host:port (default: $TSVISOR_HOST, else unix:~/.tsvisor/vmms.sock)')
    .option('--token <token>', 'bearer token, for a daemon on TCP (default: $TSVISOR_TOKEN)')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .addHelpText('after', EXIT_CODES_HELP);
  const context = new CommandContext(io, program);
  addHostCommands(program, context);
  addVmCommands(program, context);
  addJobCommands(program, context);
  addDiskCommands(program, context);
  addSwitchCommands(program, context);
  return program;
}

/** An error as one line (or two) on stderr: the API's message, the field it names, and what to do about a missing token. */
function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof ManagementApiError)) return `tsvisor: ${message}\n`;
  const field = error.field ? ` (field: ${error.field})` : '';
  const hint = error.status === 401 ? '\ntsvisor: give a bearer token with --token or TSVISOR_TOKEN\n' : '\n';
  return `tsvisor: ${message}${field}${hint}`;
}

/**
 * Runs `tsvisor` with `argv` (the arguments after the program name) against `io`, and resolves
 * with the exit code. Errors are written to `io.stderr`, never thrown.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  try {
    await buildProgram(io).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    // Commander has already said what was wrong with the command line (or printed the help).
    if (!(error instanceof CommanderError)) io.stderr.write(describeError(error));
    return exitCodeOf(error);
  }
}

/** The `tsvisor` command of `bin/tsvisor.js`: runs with the process's arguments, streams, environment and signals. */
export function main(): Promise<ExitCode> {
  return runCli(process.argv.slice(2), processIo());
}

/** Whether Node was started with this module as its program (`node … src/main.ts`), rather than importing it. */
function isProgramEntry(): boolean {
  const entry = process.argv[1];
  return entry !== undefined && existsSync(entry) && realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
}

if (isProgramEntry()) process.exitCode = await main();
