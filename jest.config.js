/** Layer 1 (unit: lib/ alone) and layer 2 (nodes: nodes and workflow JSON through n8n-core's WorkflowExecute).
 * Layer 3 (e2e: a real n8n) runs with `npm run test:e2e` (scripts/run-e2e.sh); load (n8n queue mode under a burst
 * with faults) with `npm run test:load` (scripts/run-load.sh). */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true, diagnostics: false }];
const common = { testEnvironment: 'node', transform: { '^.+\\.ts$': tsJest }, moduleFileExtensions: ['ts', 'js', 'json'] };
module.exports = {
  /* A test fails for what it checks, never for being slow: one generous deadline (5 min) for every test and hook, so
   * a loaded machine does not turn a slow pass into a failure. No test asserts a duration; pacing tests run on a
   * virtual clock (test/sandbox/testkit.ts). The e2e and load files set their own, longer deadlines. (A global option:
   * jest ignores testTimeout inside a project.) */
  testTimeout: 300_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'nodes', testMatch: ['<rootDir>/test/nodes/**/*.test.ts', '<rootDir>/test/workflows/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
    { ...common, displayName: 'load', testMatch: ['<rootDir>/test/load/**/*.test.ts'] },
  ],
};
