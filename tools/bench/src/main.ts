import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { benchResultsDir } from './bench-results.js';
import { formatTable, type Suite, type SuiteResult } from './figure.js';
import { hypercallSuite } from './suites/hypercall.js';
import { vmbusSuite } from './suites/vmbus.js';
import { networkSuite } from './suites/network.js';
import { storageSuite } from './suites/storage.js';
import { vmmsSuite } from './suites/vmms.js';

const suites: readonly Suite[] = [hypercallSuite, vmbusSuite, vmmsSuite, storageSuite, networkSuite];

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
  const file = join(await benchResultsDir(), `${suite.name}.json`);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwritten to ${file}`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
