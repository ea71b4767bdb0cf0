import { DeviceConfigError } from '@tsvisor/device-sdk';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuplicateVmNameError } from './duplicate-vm-name-error.js';
import { FileInventoryStore } from './file-inventory-store.js';
import { InventoryFileError } from './inventory-file-error.js';
import { sampleVm } from './test-fixtures/sample-vm.js';
import { UnsupportedSchemaVersionError } from './unsupported-schema-version-error.js';
import { vmConfigurationSchema, type VmConfiguration } from './vm-configuration.js';

let directory: string;
let store: FileInventoryStore;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'tsvisor-inventory-'));
  store = new FileInventoryStore(directory);
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function fileOf(vm: VmConfiguration): Promise<unknown> {
  return JSON.parse(await readFile(join(directory, `${vm.id}.json`), 'utf8'));
}

describe('FileInventoryStore', () => {
  it('gives back what was put, from one <id>.json file per VM', async () => {
    const web = sampleVm({ name: 'web', notes: 'front end' });
    const db = sampleVm({ name: 'db', devices: [] });
    await store.put(web);
    await store.put(db);
    expect(await store.get(web.id)).toEqual(web);
    expect(await store.list()).toEqual([db, web]);
    expect((await readdir(directory)).sort()).toEqual([`${db.id}.json`, `${web.id}.json`].sort());
    expect(await fileOf(web)).toEqual(web);
    expect(await new FileInventoryStore(directory).get(web.id)).toEqual(web);
  });

  it('finds a VM by its id in any case, and knows none that was not put', async () => {
    const vm = sampleVm();
    await store.put({ ...vm, id: vm.id.toUpperCase() });
    expect(await store.get(`{${vm.id.toUpperCase()}}`)).toEqual(vm);
    expect(await store.get(randomUUID())).toBeUndefined();
  });

  it('refuses an id that is not a GUID rather than building a path from it', async () => {
    await expect(store.get('../../etc/passwd')).rejects.toMatchObject({ field: 'id' });
    await expect(store.delete('x')).rejects.toBeInstanceOf(DeviceConfigError);
  });

  it('lists nothing, and scans nothing, before the directory exists', async () => {
    const missing = new FileInventoryStore(join(directory, 'not-yet'));
    expect(await missing.list()).toEqual([]);
    expect(await missing.scan()).toEqual({ vms: [], problems: [], removedTempFiles: [] });
    await missing.put(sampleVm());
    expect(await missing.list()).toHaveLength(1);
  });

  it('replaces a VM in place and deletes it', async () => {
    const vm = sampleVm();
    await store.put(vm);
    await store.put({ ...vm, processors: 4 });
    expect((await store.get(vm.id))?.processors).toBe(4);
    expect(await store.delete(vm.id)).toBe(true);
    expect(await store.delete(vm.id)).toBe(false);
    expect(await store.get(vm.id)).toBeUndefined();
    expect(await readdir(directory)).toEqual([]);
  });

  it('never writes an invalid configuration, and names the field', async () => {
    const vm = sampleVm();
    await store.put(vm);
    await expect(store.put({ ...vm, memory: 64 * 1024 * 1024 + 512 })).rejects.toMatchObject({ name: 'DeviceConfigError', field: 'memory' });
    await expect(store.put({ ...vm, name: 'no spaces' })).rejects.toMatchObject({ field: 'name' });
    await expect(store.put({ ...vm, schemaVersion: 2 } as unknown as VmConfiguration)).rejects.toBeInstanceOf(UnsupportedSchemaVersionError);
    expect(await fileOf(vm)).toEqual(vm);
    expect(await readdir(directory)).toEqual([`${vm.id}.json`]);
  });

  it('refuses a name another VM has, in any case, but lets a VM keep its own', async () => {
    const first = sampleVm({ name: 'web' });
    await store.put(first);
    const second = sampleVm({ name: 'WEB' });
    const refusal = store.put(second);
    await expect(refusal).rejects.toBeInstanceOf(DuplicateVmNameError);
    await expect(refusal).rejects.toMatchObject({ field: 'name', vmName: 'WEB', existingId: first.id });
    expect(await store.get(second.id)).toBeUndefined();
    await store.put({ ...first, notes: 'still web' });
    expect(await store.list()).toHaveLength(1);
  });

  it('refuses a duplicate name even when both VMs are put at once', async () => {
    const results = await Promise.allSettled([store.put(sampleVm({ name: 'twin' })), store.put(sampleVm({ name: 'twin' }))]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await store.list()).toHaveLength(1);
  });

  it('serializes concurrent puts of one VM: the file ends as one of them, valid JSON', async () => {
    const vm = sampleVm();
    const versions = Array.from({ length: 40 }, (_, index) => ({ ...vm, notes: `version ${index} ${'x'.repeat(index * 20)}` }));
    await Promise.all(versions.map((version) => store.put(version)));
    const final = vmConfigurationSchema.parse(await fileOf(vm));
    expect(versions).toContainEqual(final);
    expect(final).toEqual(versions.at(-1));
    expect(await readdir(directory)).toEqual([`${vm.id}.json`]);
  });

  it('keeps the previous file and leaves no temp file when the rename onto the target fails', async () => {
    const vm = sampleVm();
    const target = join(directory, `${vm.id}.json`);
    await mkdir(target);
    await writeFile(join(target, 'keep'), 'previous');
    await expect(store.put(vm)).rejects.toMatchObject({ code: expect.stringMatching(/^(EISDIR|ENOTEMPTY|EEXIST|EPERM)$/) });
    expect(await readFile(join(target, 'keep'), 'utf8')).toBe('previous');
    expect(await readdir(directory)).toEqual([`${vm.id}.json`]);
    const { vms, problems } = await store.scan();
    expect(vms).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.file).toBe(target);
  });

  it('ignores a temp file left by a crash when reading, and removes it on scan', async () => {
    const vm = sampleVm();
    await store.put(vm);
    const leftover = join(directory, `${vm.id}.json.0123abcd.tmp`);
    await writeFile(leftover, '{"schemaVersion": 1, "id": "half-writ');
    expect(await store.list()).toEqual([vm]);
    expect(await store.get(vm.id)).toEqual(vm);
    const scan = await store.scan();
    expect(scan).toEqual({ vms: [vm], problems: [], removedTempFiles: [leftover] });
    expect(await readdir(directory)).toEqual([`${vm.id}.json`]);
  });

  it('reports a corrupt file by name and still lists the others', async () => {
    const good = sampleVm({ name: 'good' });
    await store.put(good);
    const corruptId = randomUUID();
    const corrupt = join(directory, `${corruptId}.json`);
    await writeFile(corrupt, '{"schemaVersion": 1, "id": ');
    expect(await store.list()).toEqual([good]);
    const { vms, problems } = await store.scan();
    expect(vms).toEqual([good]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toBeInstanceOf(InventoryFileError);
    expect(problems[0]).toMatchObject({ file: corrupt, field: '' });
    expect(problems[0]!.message).toContain(corrupt);
    await expect(store.get(corruptId)).rejects.toMatchObject({ file: corrupt, problem: expect.stringMatching(/not valid JSON/) });
  });

  it('reports an invalid file naming the file and the field', async () => {
    const vm = sampleVm();
    const file = join(directory, `${vm.id}.json`);
    await writeFile(file, JSON.stringify({ ...vm, memory: 4096 * 300 + 1 }));
    await expect(store.get(vm.id)).rejects.toMatchObject({ name: 'InventoryFileError', file, field: 'memory' });
    await writeFile(file, JSON.stringify({ ...vm, schemaVersion: 2 }));
    const failure = store.get(vm.id);
    await expect(failure).rejects.toMatchObject({ file, field: 'schemaVersion' });
    await expect(failure.catch((error: Error) => error.cause)).resolves.toBeInstanceOf(UnsupportedSchemaVersionError);
  });

  it('reports a file whose content is another VM than its name says', async () => {
    const vm = sampleVm();
    const otherId = randomUUID();
    const file = join(directory, `${otherId}.json`);
    await writeFile(file, JSON.stringify(vm));
    await expect(store.get(otherId)).rejects.toMatchObject({ file, field: 'id' });
    expect((await store.scan()).problems.map((problem) => problem.file)).toEqual([file]);
  });

  it('leaves alone files that are not named <id>.json', async () => {
    await writeFile(join(directory, 'README.txt'), 'not a VM');
    await writeFile(join(directory, 'notes.json'), '{}');
    expect(await store.scan()).toEqual({ vms: [], problems: [], removedTempFiles: [] });
    expect((await readdir(directory)).sort()).toEqual(['README.txt', 'notes.json']);
  });
});
