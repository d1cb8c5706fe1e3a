// Shared jest settings: ts-jest over sources; @syncline/* resolve to each package's src
// so tests never read a stale dist (worker entry points are the exception: see each package).
// testMatch takes both test tiers; the root jest.config.js moves `*.e2e.test.ts` into a
// separate `<package>:e2e` project.
const path = require('node:path');
const root = __dirname;
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/tests/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(root, 'tsconfig.base.json') }],
  },
  moduleNameMapper: {
    '^@syncline/core$': path.join(root, 'packages/core/src/index.ts'),
    '^@syncline/core/testing$': path.join(root, 'packages/core/src/testing/index.ts'),
    '^@syncline/(collective|backend-tfjs|backend-onnx|tpu-bridge)$': path.join(root, 'packages/$1/src/index.ts'),
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
};
