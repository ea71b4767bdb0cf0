import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { DeviceConfigError, type ConfigSchema } from '@tsvisor/device-sdk';
import { InventoryFileError } from './inventory-file-error.js';

/** Platforms that cannot fsync a directory say so with one of these; the rename is then as durable as they allow. */
const DIRECTORY_SYNC_UNSUPPORTED = new Set(['EISDIR', 'EPERM', 'EINVAL']);

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** What a {@link JsonFileDirectory} keeps, and how a record names its file. */
export interface JsonRecordKind<T> {
  /** What a record is, for messages: `VM`, `virtual switch`. */
  readonly what: string;
  /** A regular expression source (no anchors, no groups) that every file stem matches: `<stem>.json`. */
  readonly stemPattern: string;
  /** Checks what a file holds; its `DeviceConfigError` names the field. */
  readonly schema: ConfigSchema<T>;
  /** The field of a record that its file is named by, and its value. */
  readonly key: { readonly field: string; of(record: T): string };
}

/** What {@link JsonFileDirectory.read} finds. */
export interface JsonFileScan<T> {
  /** The records that read and validate, in file name order. */
  readonly records: T[];
  /** One error per file that does not, naming the file and the field. */
  readonly problems: InventoryFileError[];
  /** Temporary files left by writes that never finished. */
  readonly tempFiles: string[];
}

/**
 * One JSON file per record, `<stem>.json`, in one directory: how the VMMS keeps its inventory (VM
 * configurations, virtual switch definitions), the way Hyper-V and libvirt keep per-VM files.
 *
 * - Writes are atomic: the text goes to `<stem>.json.<random>.tmp` in the same directory, is
 *   fsynced, renamed over `<stem>.json`, and the directory is fsynced. A reader, or a restart
 *   after a crash, sees the old file or the new one, never a mix.
 * - What is read is validated: a file that is not JSON, not valid, or not the record its name says
 *   gives an {@link InventoryFileError} naming the file and the field.
 * - {@link serialized} runs mutations one after the other; the directory must have a single owner.
 */
export class JsonFileDirectory<T> {
  /** The tail of the write queue: every mutation runs after the previous one settles. */
  private writes: Promise<unknown> = Promise.resolve();
  private readonly recordFile: RegExp;
  private readonly tempFile: RegExp;

  constructor(
    /** The directory holding the files; created on the first write. */
    readonly directory: string,
    private readonly kind: JsonRecordKind<T>,
  ) {
    this.recordFile = new RegExp(`^(${kind.stemPattern})\\.json$`);
    this.tempFile = new RegExp(`^${kind.stemPattern}\\.json\\.[0-9a-f]+\\.tmp$`);
  }

  /** The file of the record `stem`. */
  fileOf(stem: string): string {
    return join(this.directory, `${stem}.json`);
  }

  /** Reads every record file, reporting broken ones instead of failing; other files are left alone. */
  async read(): Promise<JsonFileScan<T>> {
    let names: string[];
    try {
      names = await readdir(this.directory);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return { records: [], problems: [], tempFiles: [] };
      throw error;
    }
    const records: T[] = [];
    const problems: InventoryFileError[] = [];
    for (const name of names.sort()) {
      const match = this.recordFile.exec(name);
      if (match === null) continue;
      try {
        const record = await this.readRecord(match[1]!);
        if (record !== undefined) records.push(record);
      } catch (error) {
        if (!(error instanceof InventoryFileError)) throw error;
        problems.push(error);
      }
    }
    const tempFiles = names.filter((name) => this.tempFile.test(name)).map((name) => join(this.directory, name));
    return { records, problems, tempFiles };
  }

  /** The record `stem`, validated, or `undefined` if it has no file. */
  async readRecord(stem: string): Promise<T | undefined> {
    const file = this.fileOf(stem);
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
    let record: T;
    try {
      record = this.kind.schema.parse(json);
    } catch (error) {
      if (!(error instanceof DeviceConfigError)) throw error;
      throw new InventoryFileError(file, error.field, error.problem, { cause: error });
    }
    const key = this.kind.key.of(record);
    if (key !== stem) throw new InventoryFileError(file, this.kind.key.field, `is ${key}, but the file is named for ${this.kind.what} ${stem}`);
    return record;
  }

  /** Writes `record` as `<stem>.json`, atomically: temp file, fsync, rename, fsync of the directory. */
  async write(stem: string, record: T): Promise<void> {
    const target = this.fileOf(stem);
    await mkdir(this.directory, { recursive: true });
    const temp = `${target}.${randomBytes(8).toString('hex')}.tmp`;
    try {
      const handle = await open(temp, 'wx', 0o644);
      try {
        await handle.writeFile(`${JSON.stringify(record, null, 2)}\n`, 'utf8');
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

  /** Removes `<stem>.json`, durably; `false` if there was none. */
  async remove(stem: string): Promise<boolean> {
    try {
      await unlink(this.fileOf(stem));
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return false;
      throw error;
    }
    await this.syncDirectory();
    return true;
  }

  /** Removes temp files {@link read} found (writes a crash interrupted) and says which. */
  async removeTempFiles(files: readonly string[]): Promise<string[]> {
    for (const file of files) await rm(file, { force: true });
    return [...files];
  }

  /** Runs `task` after every earlier one has settled, whether it succeeded or not. */
  serialized<R>(task: () => Promise<R>): Promise<R> {
    const result = this.writes.then(task, task);
    this.writes = result.catch(() => undefined);
    return result;
  }

  /** Makes a rename or an unlink itself durable: the directory entry is data too. */
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
}
