// The entry Nx requires for the `device-plugin` generator (generators.json "factory").
//
// Nx loads a generator with `require()`. For a `.ts` factory it first registers a TypeScript
// transpiler, which must be @swc-node/register or ts-node (this workspace has neither, and
// Node 20 cannot strip types). So this CommonJS file loads the TypeScript source through tsx
// (a root devDependency), scoped to this one module tree: nothing else Nx loads is affected.
'use strict';

const { require: requireTypeScript } = require('tsx/cjs/api');

/** @type {typeof import('./generator.ts').devicePluginGenerator} */
module.exports = function devicePluginGenerator(tree, schema) {
  return requireTypeScript('./generator.ts', __filename).devicePluginGenerator(tree, schema);
};
