import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Lints a would-be source file of `project` that imports `target`, without writing it. */
async function boundaryErrors(eslint: ESLint, project: string, target: string): Promise<string[]> {
  const code = `import * as imported from '${target}';\nexport const used = imported;\n`;
  const [result] = await eslint.lintText(code, { filePath: `${root}${project}/src/boundary-probe.ts` });
  return result!.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

describe('imports against the layer table (DESIGN.md §2) are lint errors', () => {
  let eslint: ESLint;
  beforeAll(() => {
    eslint = new ESLint({ cwd: root });
  });

  it('refuses an import from a lower layer to a higher one: wire → hypervisor-core', async () => {
    const errors = await boundaryErrors(eslint, 'packages/wire', '@tsvisor/hypervisor-core');
    expect(errors.join('\n')).toMatch(/layer:0/);
  });

  it('allows an import from a higher layer to a lower one: hypervisor-core → wire', async () => {
    expect(await boundaryErrors(eslint, 'packages/hypervisor-core', '@tsvisor/wire')).toEqual([]);
  });
});
