import { readFileSync } from 'node:fs';
import { createContext, runInContext, type Context } from 'node:vm';
import ts from 'typescript';

/** A realm like a guest VP's: JavaScript built-ins only, no console, no code generation from strings. */
export function createGuestRealm(): Context {
  const realm = createContext({}, { codeGeneration: { strings: false, wasm: false } });
  runInContext('delete globalThis.console', realm); // V8 puts one in every context; the guest has none
  return realm;
}

/**
 * Loads the TypeScript module `entry` and what it imports into `realm`, each compiled to CommonJS
 * and run there. Relative imports are followed; a bare specifier must be one of `packages` (name →
 * entry file), so a Node built-in or any other package makes the load fail: the test that guest
 * code stays guest-safe.
 */
export function loadIntoGuestRealm(realm: Context, entry: URL, packages: Readonly<Record<string, URL>> = {}): object {
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
      const known = packages[specifier];
      if (known) return load(known);
      if (!specifier.startsWith('.')) throw new Error(`the guest realm has no module ${specifier}`);
      return load(new URL(specifier.replace(/\.js$/, '.ts'), url));
    });
    return exports;
  };
  return load(entry);
}

/** The source entry of `@tsvisor/wire`, for `loadIntoGuestRealm`'s `packages`. */
export const WIRE_SOURCE_ENTRY = new URL('../index.ts', import.meta.url);
