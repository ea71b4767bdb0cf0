import type { Command } from 'commander';
import { formatJobTable } from '../output/job-table.js';
import type { CommandContext } from './command-context.js';

/** `tsvisor job …`: the jobs the VMMS runs every operation as. */
export function addJobCommands(program: Command, context: CommandContext): void {
  const job = program
    .command('job')
    .description('list, show and cancel the jobs of the VMMS');

  job
    .command('list')
    .description('list running jobs and the recent history')
    .option('--json', 'print the jobs as JSON')
    .action(async (options: { json?: boolean }) => {
      const jobs = await context.client().listJobs();
      if (options.json) context.printJson(jobs);
      else context.io.stdout.write(formatJobTable(jobs));
    });

  job
    .command('show')
    .description('show one job')
    .argument('<id>', 'the job id')
    .option('--json', 'print the job as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const found = await context.client().getJob(id);
      if (options.json) context.printJson(found);
      else context.io.stdout.write(formatJobTable([found]));
    });

  job
    .command('cancel')
    .description('cancel a running job')
    .argument('<id>', 'the job id')
    .option('--json', 'print the job as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const cancelled = await context.client().cancelJob(id);
      if (options.json) context.printJson(cancelled);
      else context.io.stdout.write(formatJobTable([cancelled]));
    });

}
