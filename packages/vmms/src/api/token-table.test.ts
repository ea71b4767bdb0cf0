import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeviceConfigError } from '@tsvisor/device-sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenFileError } from './token-file-error.js';
import { loadTokenTable, parseTokenTable } from './token-table-file.js';
import { TokenTable } from './token-table.js';

const adminToken = 'a'.repeat(32);
const readerToken = 'r'.repeat(32);

function fieldOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof DeviceConfigError) return error.field;
    throw error;
  }
  return undefined;
}

describe('TokenTable', () => {
  const table = TokenTable.of([
    { name: 'ops', role: 'administrator', token: adminToken },
    { name: 'grafana', role: 'reader', token: readerToken },
  ]);

  it('maps each token to its caller, and nothing else to anyone', () => {
    expect(table.callerOf(adminToken)).toEqual({ name: 'ops', role: 'administrator' });
    expect(table.callerOf(readerToken)).toEqual({ name: 'grafana', role: 'reader' });
    expect(table.callerOf(adminToken.slice(1))).toBeUndefined();
    expect(table.callerOf(`${adminToken}a`)).toBeUndefined();
    expect(table.callerOf('')).toBeUndefined();
    expect(table.size).toBe(2);
  });
});

describe('parseTokenTable', () => {
  it('reads valid entries', () => {
    expect(parseTokenTable([{ name: 'ci', role: 'operator', token: adminToken }]).callerOf(adminToken)).toEqual({ name: 'ci', role: 'operator' });
  });

  it.each([
    [{ name: 'x', role: 'root', token: adminToken }, '[1].role'],
    [{ name: 'x', role: 'Administrator', token: adminToken }, '[1].role'],
    [{ name: '', role: 'reader', token: adminToken }, '[1].name'],
    [{ name: 'x', role: 'reader', token: 'short' }, '[1].token'],
    [{ name: 'x', role: 'reader' }, '[1].token'],
    [{ name: 'x', role: 'reader', token: adminToken, extra: 1 }, '[1].extra'],
    [{ name: 'x', role: 'reader', token: readerToken }, '[1].token'],
  ])('names the field of a bad second entry %j: %s', (entry, field) => {
    expect(fieldOf(() => parseTokenTable([{ name: 'first', role: 'reader', token: readerToken }, entry]))).toBe(field);
  });

  it('refuses anything but an array', () => {
    expect(fieldOf(() => parseTokenTable({ token: adminToken }))).toBe('');
  });
});

describe('loadTokenTable', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'tokens-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('loads a token file', async () => {
    const file = join(directory, 'tokens.json');
    await writeFile(file, JSON.stringify([{ name: 'ops', role: 'administrator', token: adminToken }]));
    await chmod(file, 0o600);
    expect((await loadTokenTable(file)).callerOf(adminToken)?.name).toBe('ops');
  });

  it('names file and field of a bad entry', async () => {
    const file = join(directory, 'tokens.json');
    await writeFile(file, JSON.stringify([{ name: 'ops', role: 'administrator', token: adminToken }, { name: 'x', role: 'god', token: readerToken }]));
    await expect(loadTokenTable(file)).rejects.toMatchObject({ name: 'TokenFileError', file, field: '[1].role' });
  });

  it('refuses a file that is not JSON, or is missing, as a whole', async () => {
    const file = join(directory, 'tokens.json');
    await writeFile(file, '[{"name":');
    await expect(loadTokenTable(file)).rejects.toSatisfy((error) => error instanceof TokenFileError && error.field === '' && /not valid JSON/.test(error.message));
    await expect(loadTokenTable(join(directory, 'absent.json'))).rejects.toBeInstanceOf(TokenFileError);
  });
});
