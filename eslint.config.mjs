// Type-aware lint: no floating promises, no default exports (except this config file, which ESLint requires).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Import directions (CONTRIBUTING.md): the kernel (agent/) knows nothing of the API, DNS or the daemon;
// the API reaches the sync loop only through ports; DNS reads its catalog, never the API or the daemon;
// product code and tooling never import tests. Matched on the import text, so relative paths of any
// depth count (agent/ has no folder of those names of its own). test/unit/lint/import-rules.spec.ts
// lints offending sources with this config, so the rule cannot silently stop working.
const dockerode = { name: 'dockerode', message: 'Only agent/runtime/docker-runtime.ts talks to Docker.' };
const reaches = (...folders) => `^(\\.\\./)+(${folders.join('|')})(/|$)`;
const noTests = { regex: reaches('test'), message: 'Product code and tooling do not import tests.' };
const layers = {
  'agent/**/*.ts': [
    {
      regex: reaches('api', 'dns', 'daemon'),
      message: 'agent/ is the kernel: it imports no api/, dns/ or daemon/.',
    },
  ],
  'api/**/*.ts': [
    {
      regex: '^(\\.\\./)+agent/sync(/|$)',
      message: 'api/ depends on ports (agent/ports/), not on the sync loop (agent/sync/).',
    },
  ],
  'dns/**/*.ts': [{ regex: reaches('api', 'daemon'), message: 'dns/ imports no api/ or daemon/.' }],
};
/** One no-restricted-imports setting per folder (a later setting replaces an earlier one, never adds). */
const importRules = (folder, dockerAllowed = false) => [
  'error',
  {
    paths: dockerAllowed ? [] : [dockerode],
    patterns: [...(layers[folder] ?? []), noTests],
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'eslint.config.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      // fastify handlers are async by contract, whether or not they await
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
      ],
      'no-restricted-imports': importRules(),
    },
  },
  ...Object.keys(layers).map((folder) => ({
    files: [folder],
    rules: { 'no-restricted-imports': importRules(folder) },
  })),
  {
    files: ['agent/runtime/docker-*.ts'],
    rules: { 'no-restricted-imports': importRules('agent/**/*.ts', true) },
  },
  { files: ['bench/**/*.ts'], rules: { 'no-restricted-imports': importRules(undefined, true) } },
  { files: ['test/**/*.ts'], rules: { 'no-restricted-imports': 'off' } },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
);
