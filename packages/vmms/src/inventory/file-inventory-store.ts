import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { DeviceConfigError, schema } from '@tsvisor/device-sdk';
import { DuplicateVmNameError } from './duplicate-vm-name-error.js';
import { InventoryFileError } from './inventory-file-error.js';
import type { InventoryScan, InventoryStore } from './inventory-store.js';
import { vmConfigurationSchema, type VmConfiguration } from './vm-configuration.js';

const GUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** `<id>.json`: the file of one VM, named by its canonical id. */
const VM_FILE = new RegExp(`^(${GUID})\\.json$`);
/** `<id>.json.<random>.tmp`: a write in progress, or one a crash interrupted. */
const TEMP_FILE = new RegExp(`^${GUID}\\.json\\.[0-9a-f]+\\.tmp$`);
const idSchema = schema.guid();

/** Platforms that cannot fsync a directory say so with one of these; the rename is then as durable as they allow. */
const DIRECTORY_SYNC_UNSUPPORTED = new Set(['EISDIR', 'EPERM', 'EINVAL']);

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * The default {@link InventoryStore}: one JSON file per VM, `<id>.json`, in one directory — the
 * way Hyper-V and libvirt keep per-VM configuration.
 *
 * - Writes are atomic: the configuration goes to `<id>.json.<random>.tmp` in the same directory,
 *   is fsynced, renamed over `<id>.json`, and the directory is fsynced. A reader, or a restart
 *   after a crash, sees the old file or the new one, never a mix.
 * - Only valid configurations are written, and what is read is validated again: a file that is
 *   not JSON, not valid, or not the VM its name says gives an {@link InventoryFileError}.
 * - `list()` skips broken files so that one bad file does not hide the other VMs;
 *   {@link FileInventoryStore.scan} reports them, and removes temp files left by a crash.
 * - Writes (`put`, `delete`, `scan`'s clean-up) are serialized, which also makes the name check
 *   race-free. This covers one store object: the directory must have a single owner. A put reads
 *   every VM file to check the name, which is fine at inventory sizes (tens to thousands of VMs).
 */
export class FileInventoryStore implements InventoryStore {
  /** The tail of the write queue: every mutation runs after the previous one settles. */
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    /** The directory holding the VM files; created on the first write. */
    readonly directory: string,
  ) {}

  async list(): Promise<VmConfiguration[]> {
    const { vms } = await this.read();
    return vms;
  }

  async get(id: string): Promise<VmConfiguration | undefined> {
    const canonical = idSchema.parse(id, 'id');
    return this.readVm(canonical);
  }

  async put(config: VmConfiguration): Promise<void> {
    // Validate before queueing: a bad configuration fails at once, with the field named.
    const valid = vmConfigurationSchema.parse(config);
    return this.serialized(async () => {
      const { vms } = await this.read();
      const clash = vms.find((vm) => vm.id !== valid.id && vm.name.toLowerCase() === valid.name.toLowerCase());
      if (clash !== undefined) throw new DuplicateVmNameError(valid.name, valid.id, clash.id);
      await this.writeAtomically(this.fileOf(valid.id), `${JSON.stringify(valid, null, 2)}\n`);
    });
  }

  async delete(id: string): Promise<boolean> {
    const canonical = idSchema.parse(id, 'id');
    return this.serialized(async () => {
      try {
        await unlink(this.fileOf(canonical));
      } catch (error) {
        if (errorCode(error) === 'ENOENT') return false;
        throw error;
      }
      await this.syncDirectory();
      return true;
    });
  }

  /**
   * Reads every VM file, reporting the broken ones instead of failing, and removes the temp files
   * of writes a crash interrupted. Files that are not named `<id>.json` are left alone.
   */
  async scan(): Promise<InventoryScan> {
    return this.serialized(async () => {
      const { vms, problems, tempFiles } = await this.read();
      const removedTempFiles: string[] = [];
      for (const file of tempFiles) {
        await rm(file, { force: true });
        removedTempFiles.push(file);
      }
      return { vms, problems, removedTempFiles };
    });
  }

  private fileOf(id: string): string {
    return join(this.directory, `${id}.json`);
  }

  private async read(): Promise<{ vms: VmConfiguration[]; problems: InventoryFileError[]; tempFiles: string[] }> {
    let names: string[];
    try {
      names = await readdir(this.directory);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return { vms: [], problems: [], tempFiles: [] };
      throw error;
    }
    const vms: VmConfiguration[] = [];
    const problems: InventoryFileError[] = [];
    for (const name of names.sort()) {
      const match = VM_FILE.exec(name);
      if (match === null) continue;
      try {
        const vm = await this.readVm(match[1]!);
        if (vm !== undefined) vms.push(vm);
      } catch (error) {
        if (!(error instanceof InventoryFileError)) throw error;
        problems.push(error);
      }
    }
    vms.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    const tempFiles = names.filter((name) => TEMP_FILE.test(name)).map((name) => join(this.directory, name));
    return { vms, problems, tempFiles };
  }

  private async readVm(id: string): Promise<VmConfiguration | undefined> {
    const file = this.fileOf(id);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return undefined;
      throw new InventoryFileError(file, '', `cannot be read (${errorCode(error) ?? String(error)})`, { cause: error });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new InventoryFileError(file, '', `is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
    let vm: VmConfiguration;
    try {
      vm = vmConfigurationSchema.parse(json);
    } catch (error) {
      if (!(error instanceof DeviceConfigError)) throw error;
      throw new InventoryFileError(file, error.field, error.problem, { cause: error });
    }
    if (vm.id !== id) throw new InventoryFileError(file, 'id', `is ${vm.id}, but the file is named for VM ${id}`);
    return vm;
  }

  /** Temp file, fsync, rename over the target, fsync the directory: nothing is ever half-written. */
  private async writeAtomically(target: string, text: string): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    const temp = `${target}.${randomBytes(8).toString('hex')}.tmp`;
    try {
      const handle = await open(temp, 'wx', 0o644);
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw error;
    }
    await this.syncDirectory();
  }

  /** Makes the rename itself durable: the directory entry is data too. */
  private async syncDirectory(): Promise<void> {
    let handle;
    try {
      handle = await open(this.directory, 'r');
      await handle.sync();
    } catch (error) {
      if (!DIRECTORY_SYNC_UNSUPPORTED.has(errorCode(error) ?? '')) throw error;
    } finally {
      await handle?.close();
    }
  }

  /** Runs `task` after every earlier write has settled, whether it succeeded or not. */
  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const result = this.writes.then(task, task);
    this.writes = result.catch(() => undefined);
    return result;
  }
}
