import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatTable, type Suite, type SuiteResult } from './figure.js';
import { hypercallSuite } from './suites/hypercall.js';
import { vmbusSuite } from './suites/vmbus.js';
import { storageSuite } from './suites/storage.js';
import { vmmsSuite } from './suites/vmms.js';

const suites: readonly Suite[] = [hypercallSuite, vmbusSuite, vmmsSuite, storageSuite];

async function main(argv: readonly string[]): Promise<number> {
  const name = argv[0];
  const suite = suites.find((s) => s.name === name);
  if (!suite) {
    console.error(`usage: npm run bench -- <suite>\n\nsuites:\n${suites.map((s) => `  ${s.name.padEnd(12)} ${s.description}`).join('\n')}`);
    return name === undefined || name === '--help' ? 0 : 2;
  }
  console.log(`suite ${suite.name}: ${suite.description}\n`);
  const result: SuiteResult = { suite: suite.name, figures: await suite.run() };
  console.log(formatTable(result));
  const dir = join(process.cwd(), 'bench-results');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${suite.name}.json`);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwritten to ${file}`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
