import { joinPathFragments, names, readJson, type Tree } from '@nx/devkit';
import { randomUUID } from 'node:crypto';
import { InvalidOptionError } from './invalid-option-error.js';
import type { DevicePluginGeneratorSchema } from './schema.js';

/** Where device packages live (DESIGN §1). */
export const DEVICES_DIRECTORY = 'packages/devices';

/** The npm scope of every tsvisor package. */
export const SCOPE = '@tsvisor';

const KEBAB_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
/** The SDK's rule for class ids (`isDeviceClassId` of `@tsvisor/device-sdk`; a test keeps the two equal). */
const CLASS_ID = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NIL_GUID = '00000000-0000-0000-0000-000000000000';

/** Everything the templates need, derived from the generator's options and checked. */
export interface DevicePluginOptions {
  /** Kebab-case name: directory and file names (`demo-echo`). */
  readonly name: string;
  /** npm and Nx project name (`@tsvisor/demo-echo`). */
  readonly packageName: string;
  /** The package's directory, relative to the workspace root (`packages/devices/demo-echo`). */
  readonly projectRoot: string;
  /** Prefix of class names (`DemoEcho`). */
  readonly className: string;
  /** Prefix of variable names (`demoEcho`). */
  readonly propertyName: string;
  /** Prefix of constant names (`DEMO_ECHO`). */
  readonly constantName: string;
  /** Human name of the device class (`Demo Echo`). */
  readonly displayName: string;
  /** Device class id used in VM configurations (`demo-echo.device`). */
  readonly classId: string;
  /** VMBus interface type GUID, lower case. */
  readonly interfaceType: string;
  /** One line describing the package. */
  readonly description: string;
}

/** A workspace package as the generator sees it: where it is, its npm name, its device classes. */
interface WorkspacePackage {
  readonly root: string;
  readonly name: string | undefined;
  readonly deviceClasses: readonly string[];
}

/**
 * Checks the generator's options against the naming rules and the workspace (no package or
 * device class may be taken twice) and derives the names the templates use.
 * @throws {@link InvalidOptionError} naming the first option that cannot be used.
 */
export function normalizeDevicePluginOptions(tree: Tree, schema: DevicePluginGeneratorSchema): DevicePluginOptions {
  const name = typeof schema.name === 'string' ? schema.name.trim() : '';
  if (!KEBAB_NAME.test(name)) {
    throw new InvalidOptionError('name', `${JSON.stringify(schema.name)} is not a lower-case kebab-case name like "demo-echo"`);
  }
  const packageName = `${SCOPE}/${name}`;
  const projectRoot = joinPathFragments(DEVICES_DIRECTORY, name);
  if (tree.exists(projectRoot)) throw new InvalidOptionError('name', `${projectRoot} already exists`);

  const classId = schema.classId ?? `${name}.device`;
  if (!CLASS_ID.test(classId)) {
    throw new InvalidOptionError('classId', `${JSON.stringify(classId)} is not a device class id: lower-case dotted words, at least two, like "${name}.device"`);
  }

  const packages = workspacePackages(tree);
  const sameName = packages.find((p) => p.name === packageName);
  if (sameName) throw new InvalidOptionError('name', `${packageName} is already the package in ${sameName.root}`);
  const sameClass = packages.find((p) => p.deviceClasses.includes(classId));
  if (sameClass) throw new InvalidOptionError('classId', `${classId} is already a device class of ${sameClass.name ?? sameClass.root}`);

  const interfaceType = (schema.interfaceType ?? randomUUID()).toLowerCase();
  if (!GUID.test(interfaceType) || interfaceType === NIL_GUID) {
    throw new InvalidOptionError('interfaceType', `${JSON.stringify(schema.interfaceType)} is not a non-nil GUID like "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"`);
  }

  const displayName = name
    .split('-')
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join(' ');
  const description = (schema.description ?? `${displayName}: a tsvisor device class (${classId})`).trim();
  if (description === '' || /[\r\n]/.test(description)) {
    throw new InvalidOptionError('description', 'must be one non-empty line');
  }

  const { className, propertyName, constantName } = names(name);
  return { name, packageName, projectRoot, className, propertyName, constantName, displayName, classId, interfaceType, description };
}

/** The packages the root package.json's `workspaces` globs (`dir/*` or `dir`) name. */
function workspacePackages(tree: Tree): WorkspacePackage[] {
  if (!tree.exists('package.json')) return [];
  const { workspaces } = readJson<{ workspaces?: string[] | { packages?: string[] } }>(tree, 'package.json');
  const patterns = Array.isArray(workspaces) ? workspaces : (workspaces?.packages ?? []);
  const roots = patterns.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern];
    const parent = pattern.slice(0, -2);
    return tree.children(parent).map((child) => joinPathFragments(parent, child));
  });
  return roots
    .filter((root) => tree.isFile(joinPathFragments(root, 'package.json')))
    .map((root) => {
      const json = readJson<{ name?: string; tsvisor?: { deviceClasses?: unknown } }>(tree, joinPathFragments(root, 'package.json'));
      const classes = json.tsvisor?.deviceClasses;
      return { root, name: json.name, deviceClasses: Array.isArray(classes) ? classes.filter((c): c is string => typeof c === 'string') : [] };
    });
}
