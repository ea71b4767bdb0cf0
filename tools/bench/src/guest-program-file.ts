import { writeFile } from 'node:fs/promises';

/**
 * Writes `file`, a guest program whose default export calls `exportName` of `module` with the
 * machine and `args` (plain data, inlined as JSON): how a suite hands parameters to a guest,
 * which has no other input. Returns `file`.
 */
export async function writeGuestProgram(file: string, module: string, exportName: string, args: readonly unknown[] = []): Promise<string> {
  const call = [`machine`, ...args.map((arg) => JSON.stringify(arg))].join(', ');
  await writeFile(file, [`import { ${exportName} } from ${JSON.stringify(module)};`, `export default (machine) => ${exportName}(${call});`, ''].join('\n'));
  return file;
}
