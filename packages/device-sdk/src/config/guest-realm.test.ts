import { readFileSync } from 'node:fs';
import { createContext, runInContext, type Context } from 'node:vm';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import type * as SchemaModule from './schema.js';

/** A realm like the guest's: JavaScript built-ins only, and no code generation from strings. */
function guestRealm(): Context {
  const realm = createContext({}, { codeGeneration: { strings: false, wasm: false } });
  runInContext('delete globalThis.console', realm);
  return realm;
}

/**
 * Loads `entry` and what it imports into `realm`, compiled module by module to CommonJS. Only
 * relative modules and `@tsvisor/wire` can be required: a Node built-in or any other package fails.
 */
function loadInto(realm: Context, entry: URL): object {
  const modules = new Map<string, object>();
  const load = (url: URL): object => {
    const loaded = modules.get(url.href);
    if (loaded) return loaded;
    const exports = {};
    modules.set(url.href, exports);
    const compiled = ts.transpileModule(readFileSync(url, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2023 },
    }).outputText;
    const run = runInContext(`(function (exports, require) {${compiled}\n})`, realm, { filename: url.pathname });
    run(exports, (specifier: string) => {
      if (specifier === '@tsvisor/wire') return load(new URL(import.meta.resolve('@tsvisor/wire')));
      if (!specifier.startsWith('.')) throw new Error(`the guest realm has no module ${specifier}`);
      return load(new URL(specifier.replace(/\.js$/, '.ts'), url));
    });
    return exports;
  };
  return load(entry);
}

describe('configuration schemas in a guest realm', () => {
  const { schema } = loadInto(guestRealm(), new URL('./schema.ts', import.meta.url)) as typeof SchemaModule;

  it('parse and describe themselves with JavaScript built-ins only', () => {
    const config = schema.object({
      id: schema.guid(),
      memory: schema.byteSize({ default: '64M' }),
      ports: schema.array(schema.integer({ min: 1 })),
    });
    const parsed = config.parse({ id: '{F8615163-DF3E-46C5-913F-F2D2F965ED0E}', ports: [80] });
    expect(structuredClone(parsed)).toEqual({ id: 'f8615163-df3e-46c5-913f-f2d2f965ed0e', memory: 64 * 1024 * 1024, ports: [80] });
    expect(() => config.parse({ id: 'x', ports: [] })).toThrow('id: must be a GUID');
    expect(structuredClone(config.jsonSchema())).toMatchObject({ type: 'object', required: ['id', 'ports'] });
  });
});
