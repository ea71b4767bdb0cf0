import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Writes a guest program (JavaScript) into `dir` that prints `guest up`, asks the host-file device
 * to read each of `paths` (printing `read <path>: <status> <text>`), prints `reads done`, and then
 * either halts (exit code 0) or, with `stay`, idles until the VM is turned off. Returns its path.
 */
export async function writeReadFilesProgram(dir: string, paths: readonly string[], stay = false): Promise<string> {
  const file = join(dir, `read-files-${paths.length}-${stay ? 'stay' : 'halt'}.js`);
  await writeFile(
    file,
    `export default async function program(machine) {
  machine.console.log('guest up');
  const device = machine.devices.first('test.host-file');
  for (const path of ${JSON.stringify(paths)}) {
    const { status, text } = await device.read(path);
    machine.console.log('read ' + path + ': ' + status + ' ' + text);
  }
  machine.console.log('reads done');
  if (${stay}) await new Promise(() => {});
  return 0;
}
`,
  );
  return file;
}

/** Writes a guest program that throws (the partition faults). */
export async function writeCrashingProgram(dir: string): Promise<string> {
  const file = join(dir, 'crash.js');
  await writeFile(file, `export default async function program(machine) {\n  machine.console.log('about to crash');\n  throw new Error('guest crash');\n}\n`);
  return file;
}

/** Writes a guest program that prints `spinning` and then never yields (a hung guest). */
export async function writeSpinningProgram(dir: string): Promise<string> {
  const file = join(dir, 'spin.js');
  await writeFile(file, `export default async function program(machine) {\n  machine.console.log('spinning');\n  for (;;) {}\n}\n`);
  return file;
}
