/**
 * Two projects: `unit` (fast: in-process, port-0 servers only; `npm run test:unit`) and `integration`
 * (spawned processes, packing, the browser, the spec tools). `npm test` runs both.
 */
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
/** Tests that spawn processes, pack tarballs, drive a browser or run the spec tools. */
const integration = [
  '\\.process\\.test\\.ts$',
  '\\.browser\\.test\\.ts$',
  '/test/packages/.*\\.test\\.ts$',
  '/test/workflow/.*\\.test\\.ts$',
  '/test/spec/(lint|owasp|generated)\\.test\\.ts$',
];
const common = { testEnvironment: 'node', roots: ['<rootDir>/test'], transform };

/** @type {import('jest').Config} */
module.exports = {
  // A global option (projects do not take it): the default of every test.
  testTimeout: 30000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/', ...integration] },
    { ...common, displayName: 'integration', testRegex: integration },
  ],
};
