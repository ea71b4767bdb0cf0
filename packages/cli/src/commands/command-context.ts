import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { resolveDaemonEndpoint } from '../client/daemon-endpoint.js';
import { ManagementClient } from '../client/management-client.js';

/** The options of `tsvisor` itself, given before or after the command. */
export interface GlobalOptions {
  readonly host?: string;
  readonly token?: string;
}

/** What every command gets: the run's {@link CliIo} and a client of the daemon chosen by `--host`/`TSVISOR_HOST`. */
export class CommandContext {
  constructor(
    readonly io: CliIo,
    private readonly program: Command,
  ) {}

  /** A client of the daemon `--host`, `TSVISOR_HOST` or the default socket names, with `--token`/`TSVISOR_TOKEN`. */
  client(): ManagementClient {
    const { host, token } = this.program.opts<GlobalOptions>();
    return new ManagementClient({
      endpoint: resolveDaemonEndpoint(host, this.io.env, this.io.homeDir),
      token: token ?? (this.io.env['TSVISOR_TOKEN'] || undefined),
      signal: this.io.interrupt,
    });
  }

  /** Writes one line of text to stdout. */
  print(line: string): void {
    this.io.stdout.write(line.endsWith('\n') ? line : `${line}\n`);
  }

  /** Writes a value to stdout as indented JSON, for `--json`. */
  printJson(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }
}
