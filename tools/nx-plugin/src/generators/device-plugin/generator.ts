import { OverwriteStrategy, formatFiles, generateFiles, joinPathFragments, logger, updateJson, type GeneratorCallback, type Tree } from '@nx/devkit';
import { join } from 'node:path';
import { normalizeDevicePluginOptions, type DevicePluginOptions } from './device-plugin-options.js';
import type { DevicePluginGeneratorSchema } from './schema.js';

/** The templates: `device/` becomes the package, `changeset/` goes into `.changeset/`. */
const TEMPLATES = join(import.meta.dirname, 'files');

/**
 * `npx nx g @tsvisor/tools:device-plugin <name>`: creates `packages/devices/<name>`, the npm
 * package and Nx project `@tsvisor/<name>`, shaped like `@tsvisor/integration` (DESIGN §5): the
 * `"tsvisor"` manifest, a host and a guest `ContainerModule`, a wire layout for its protocol, a
 * device class with a fresh interface GUID, a VSP, a VSC driver, tests on the SDK's test bed, a
 * README, and a changeset for its first release. It also adds the package to the root
 * `tsconfig.json` references (what `nx sync` would do).
 *
 * @returns A callback, run after the files are written, that prints the next steps.
 * @throws {@link InvalidOptionError} if an option breaks a naming rule or clashes with the workspace.
 */
export async function devicePluginGenerator(tree: Tree, schema: DevicePluginGeneratorSchema): Promise<GeneratorCallback> {
  const options = normalizeDevicePluginOptions(tree, schema);
  const substitutions = { ...options, tmpl: '' };
  const throwIfExisting = { overwriteStrategy: OverwriteStrategy.ThrowIfExisting };
  generateFiles(tree, join(TEMPLATES, 'device'), options.projectRoot, substitutions, throwIfExisting);
  generateFiles(tree, join(TEMPLATES, 'changeset'), '.changeset', substitutions, throwIfExisting);
  addSolutionReference(tree, options.projectRoot);
  await formatFiles(tree);
  return () => logger.info(nextSteps(options));
}

export default devicePluginGenerator;

/** Adds the package to the root `tsconfig.json`'s project references, if it has any. */
function addSolutionReference(tree: Tree, projectRoot: string): void {
  if (!tree.exists('tsconfig.json')) return;
  updateJson<{ references?: { path: string }[] }>(tree, 'tsconfig.json', (json) => {
    const path = `./${joinPathFragments(projectRoot)}`;
    if (json.references && !json.references.some((reference) => reference.path === path)) json.references.push({ path });
    return json;
  });
}

/** What to run once the files are there. */
export function nextSteps(options: DevicePluginOptions): string {
  return [
    '',
    `Created ${options.packageName} in ${options.projectRoot} (class ${options.classId}, interface type ${options.interfaceType}).`,
    'Next steps:',
    `  npm install       # links ${options.packageName} into node_modules and records it in package-lock.json (npm ci needs that)`,
    '  npx nx sync       # keeps the TypeScript project references in step (npm test runs nx sync:check)',
    `  npx nx run-many -t lint typecheck test -p ${options.packageName}`,
    `Then replace the example protocol in ${options.projectRoot}/src/protocol with your device's, and edit the changeset .changeset/${options.name}-first-release.md.`,
    '',
  ].join('\n');
}
