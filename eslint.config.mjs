// The TypeScript linter (typescript-eslint, flat config): runs in `npm test` with zero warnings allowed.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'generated/**', 'build/**', 'test-results/**', 'bench/results/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      'no-restricted-imports': ['error', { patterns: [{ group: ['express-openapi-validator/dist/*'], message: 'Only src/server/validation/internals.ts may import the validator internals.' }] }],
    },
  },
  {
    // Type tests: values declared only to check their types.
    files: ['test/**/*-types.ts'],
    rules: { '@typescript-eslint/no-unused-vars': 'off' },
  },
  {
    files: ['src/server/validation/internals.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
