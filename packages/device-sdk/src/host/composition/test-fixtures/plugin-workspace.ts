import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The packages the plugins' host modules import, linked from this repository into each workspace. */
const SHARED_PACKAGES = ['inversify', '@inversifyjs', 'reflect-metadata'];

/** This repository's `node_modules` that holds Inversify, found the way Node would find it. */
function repositoryNodeModules(): string {
  for (let dir = import.meta.dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules', 'inversify'))) return join(dir, 'node_modules');
  }
  throw new Error('cannot find inversify in any node_modules above this file');
}

/** What a test plugin's package.json holds besides its name. */
export interface TestPackage {
  readonly version?: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly tsvisor?: unknown;
  readonly exports?: unknown;
  readonly main?: string;
  /** Files to write, relative to the package directory, with their text. */
  readonly files?: Readonly<Record<string, string>>;
}

/**
 * A throw-away directory on disk laid out like an installed host build: packages with real
 * package.json files, `node_modules` folders and symbolic links, and Inversify linked in so that
 * plugin modules can import it.
 */
export class PluginWorkspace {
  private constructor(
    /** The workspace's directory. */
    readonly root: string,
  ) {}

  static async create(): Promise<PluginWorkspace> {
    const root = await mkdtemp(join(tmpdir(), 'tsvisor-composition-'));
    const workspace = new PluginWorkspace(root);
    const nodeModules = repositoryNodeModules();
    await mkdir(join(root, 'node_modules'), { recursive: true });
    for (const name of SHARED_PACKAGES) await symlink(join(nodeModules, name), join(root, 'node_modules', name), 'dir');
    return workspace;
  }

  /** The absolute path of `relative` inside the workspace. */
  path(relative: string): string {
    return resolve(this.root, relative);
  }

  /** Writes a package named `name` into the directory `relative` and returns its absolute path. */
  async writePackage(relative: string, name: string, contents: TestPackage = {}): Promise<string> {
    const dir = this.path(relative);
    const { files = {}, version = '1.0.0', ...fields } = contents;
    await this.writeFile(join(dir, 'package.json'), JSON.stringify({ name, version, type: 'module', ...fields }, null, 2));
    for (const [file, text] of Object.entries(files)) await this.writeFile(join(dir, file), text);
    return dir;
  }

  /** Writes `text` to the absolute or workspace-relative `file`, creating its directory. */
  async writeFile(file: string, text: string): Promise<void> {
    const path = this.path(file);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  }

  /** Makes `link` (workspace-relative) a symbolic link to the directory `target` (workspace-relative). */
  async link(link: string, target: string): Promise<void> {
    await mkdir(dirname(this.path(link)), { recursive: true });
    await symlink(this.path(target), this.path(link), 'dir');
  }

  async dispose(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}

/** A device class of a test plugin, and the marker its VSPs carry to show which factory made them. */
export interface TestFactory {
  readonly classId: string;
  readonly marker?: string;
}

/** What a test plugin's host module binds. */
export interface TestHostModule {
  /** Factories bound straight to the contribution token as constants. */
  readonly factories?: readonly TestFactory[];
  /**
   * A factory bound Theia-style: a class bound to its own service id (`Symbol.for(key)`), then the
   * contribution token to that service; a later module may rebind the service.
   */
  readonly service?: { readonly key: string } & TestFactory;
  /** A replacement: rebinds `Symbol.for(key)` to a factory of its own. */
  readonly rebind?: { readonly key: string } & TestFactory;
  /** Bound to `Symbol.for('test/loaded')`, so a test can read the order modules were loaded in. */
  readonly name?: string;
}

/**
 * The text of a plugin's host entry: an ES module that imports Inversify and default-exports a
 * `ContainerModule`. Its factories validate their configuration by hand (a plugin module cannot
 * import this package's TypeScript): `{ timeoutSeconds }`, an integer of at least 1.
 */
export function hostModuleSource(module: TestHostModule): string {
  return `
import { ContainerModule } from 'inversify';

const VspFactoryContribution = Symbol.for('@tsvisor/device-sdk/VspFactory');

function factory(classId, marker) {
  const deviceClass = {
    id: classId,
    interfaceType: '8dd0d0b6-5b56-4a68-a4ee-6f1f2a4a0a01',
    displayName: classId,
    config: {
      parse(value, path = '') {
        const timeoutSeconds = value?.timeoutSeconds ?? 10;
        if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1) {
          throw new Error(path + '.timeoutSeconds: must be an integer of at least 1');
        }
        return { timeoutSeconds };
      },
      jsonSchema: () => ({ type: 'object' }),
    },
  };
  return { deviceClass, create: (context) => ({ marker, context, start() {}, async stop() {} }) };
}

export default new ContainerModule(({ bind, rebind }) => {
  for (const { classId, marker } of ${JSON.stringify(module.factories ?? [])}) {
    bind(VspFactoryContribution).toConstantValue(factory(classId, marker));
  }
  const service = ${JSON.stringify(module.service ?? null)};
  if (service) {
    class ServiceFactory {
      constructor() {
        Object.assign(this, factory(service.classId, service.marker));
      }
    }
    bind(Symbol.for(service.key)).to(ServiceFactory).inSingletonScope();
    bind(VspFactoryContribution).toService(Symbol.for(service.key));
  }
  const replacement = ${JSON.stringify(module.rebind ?? null)};
  if (replacement) rebind(Symbol.for(replacement.key)).toConstantValue(factory(replacement.classId, replacement.marker));
  const name = ${JSON.stringify(module.name ?? null)};
  if (name) bind(Symbol.for('test/loaded')).toConstantValue(name);
});
`;
}
