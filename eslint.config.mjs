import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

/** Who may import whom: DESIGN.md §2. A package's tags live in its package.json under "nx". */
const layerConstraints = [
  { sourceTag: 'layer:0', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'layer:1', onlyDependOnLibsWithTags: ['layer:0'] },
  { sourceTag: 'layer:2', onlyDependOnLibsWithTags: ['layer:0', 'layer:1'] },
  { sourceTag: 'layer:3', onlyDependOnLibsWithTags: ['layer:0', 'layer:1', 'layer:2'] },
  { sourceTag: 'layer:4', onlyDependOnLibsWithTags: ['layer:0', 'layer:2', 'layer:3'] },
  // Device classes see only the SDK and the codec: never vmbus internals, hosts, or each other.
  { sourceTag: 'kind:device', onlyDependOnLibsWithTags: ['layer:0', 'layer:3'] },
  { sourceTag: 'layer:5', onlyDependOnLibsWithTags: ['layer:1', 'layer:2', 'layer:3'] },
  { sourceTag: 'layer:6', onlyDependOnLibsWithTags: ['layer:3', 'layer:5'] },
  { sourceTag: 'layer:7', onlyDependOnLibsWithTags: ['layer:6'] },
  // Guest-side code never reaches host-side code: a VSC talks to its VSP only over VMBus.
  { sourceTag: 'side:guest', onlyDependOnLibsWithTags: ['side:guest', 'side:shared'] },
  { sourceTag: 'side:shared', onlyDependOnLibsWithTags: ['side:shared'] },
  { sourceTag: 'side:host', onlyDependOnLibsWithTags: ['side:host', 'side:shared'] },
  // Tools, examples and the demo compose everything.
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['*'] },
];

export default tseslint.config(
  {
    ignores: ['**/dist', '**/out-tsc', '**/node_modules', '**/*.timestamp*', '**/bench-results'],
  },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts', '**/*.mts', '**/*.js'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: layerConstraints,
          // The CLI loads the daemon's code lazily (only `host start` needs it) while importing
          // the rest of @tsvisor/vmms statically: a start-up choice, not a bundle split.
          checkDynamicDependenciesExceptions: ['@tsvisor/vmms'],
        },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      // Indexed access under noUncheckedIndexedAccess on hot paths: `!` states a checked invariant.
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
