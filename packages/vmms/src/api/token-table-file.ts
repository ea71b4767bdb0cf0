import { readFile } from 'node:fs/promises';
import { DeviceConfigError, schema } from '@tsvisor/device-sdk';
import { Role } from '../authorization/role.js';
import { TokenFileError } from './token-file-error.js';
import { TokenTable, type TokenEntry } from './token-table.js';

/** Shorter secrets are refused: a bearer token must not be guessable. */
export const MIN_TOKEN_LENGTH = 16;

const tokenFileSchema = schema.array(
  schema.object({
    name: schema.string({ minLength: 1, maxLength: 64, description: "The caller's name, for the log and for jobs" }),
    role: schema.string({ enum: [Role.Reader, Role.Operator, Role.Administrator], description: 'The role the token grants' }),
    token: schema.string({ minLength: MIN_TOKEN_LENGTH, maxLength: 4096, description: 'The secret' }),
  }),
  { maxItems: 1024 },
);

/**
 * Checks untrusted token entries — `[{ "name", "role", "token" }]`, as a token file holds them —
 * and builds their {@link TokenTable}.
 * @throws DeviceConfigError naming the field, e.g. `[1].role`, or `[2].token` for a token given twice.
 */
export function parseTokenTable(value: unknown): TokenTable {
  const entries: readonly TokenEntry[] = tokenFileSchema.parse(value);
  const seen = new Set<string>();
  entries.forEach(({ token }, index) => {
    if (seen.has(token)) throw new DeviceConfigError(`[${index}].token`, 'is the token of another entry');
    seen.add(token);
  });
  return TokenTable.of(entries);
}

/**
 * Reads the token file at `path` (a JSON array of `{ name, role, token }`) into a {@link TokenTable}.
 * @throws TokenFileError naming the file and the field at fault.
 */
export async function loadTokenTable(path: string): Promise<TokenTable> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new TokenFileError(path, '', `cannot be read: ${(error as Error).message}`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TokenFileError(path, '', `is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  try {
    return parseTokenTable(value);
  } catch (error) {
    if (error instanceof DeviceConfigError) throw new TokenFileError(path, error.field, error.problem, { cause: error });
    throw error;
  }
}
