// One jest run over every workspace project (each keeps its own jest.config.js), in two tiers:
//   unit: every test except the end-to-end ones; displayName as the package's (`core`);
//   e2e:  the slow suites, named `*.e2e.test.ts` (accuracy and parity training runs,
//         multi-process and network faults, communicator conformance over real sockets
//         and threads, packaging); displayName `<package>:e2e` (`trainer:e2e`).
// SYNCLINE_TEST_TIER=unit or =e2e runs one tier (`npm run test:unit`, `npm run test:e2e`);
// unset, both run (`npm test`, `npx jest`). The unit tier runs from the sources with no
// build, so name a new test `*.e2e.test.ts` when it takes more than a few seconds or needs
// a built dist (the CLI, packed tarballs, replicas that import the built packages).
const fs = require('node:fs');
const path = require('node:path');

const TIERS = ['unit', 'e2e'];
const tier = process.env.SYNCLINE_TEST_TIER;
if (tier !== undefined && tier !== '' && !TIERS.includes(tier)) {
  throw new Error(`SYNCLINE_TEST_TIER is "${tier}"; use ${TIERS.join(' or ')}, or leave it unset to run both tiers`);
}
/** End-to-end test files: the name, and the same as a path pattern. */
const E2E_GLOB = '*.e2e.test.ts';
const E2E_PATTERN = '\\.e2e\\.test\\.ts$';

const dirs = ['packages', 'apps'].flatMap((d) =>
  fs.existsSync(path.join(__dirname, d)) ? fs.readdirSync(path.join(__dirname, d)).map((n) => path.join(__dirname, d, n)) : [],
);

/** A package's jest config split into its unit and e2e projects (the same settings, disjoint files). */
function tiers(dir) {
  const config = require(path.join(dir, 'jest.config.js'));
  const unit = {
    ...config,
    testPathIgnorePatterns: [...(config.testPathIgnorePatterns ?? ['/node_modules/']), E2E_PATTERN],
  };
  const e2e = {
    ...config,
    displayName: `${config.displayName}:e2e`,
    testMatch: config.testMatch.map((glob) => {
      if (!glob.endsWith('*.test.ts')) throw new Error(`${dir}/jest.config.js: testMatch "${glob}" must end in *.test.ts for the unit/e2e split`);
      return glob.replace(/\*\.test\.ts$/, E2E_GLOB);
    }),
  };
  return { unit, e2e };
}

module.exports = {
  // Two worker processes even on 2 cores: a native crash (an ORT or XLA abort) then fails
  // one suite instead of killing the whole in-band run.
  maxWorkers: 2,
  projects: [...dirs, path.join(__dirname, 'tools')]
    .filter((d) => fs.existsSync(path.join(d, 'jest.config.js')))
    .map(tiers)
    .flatMap((t) => (tier ? [t[tier]] : [t.unit, t.e2e])),
};
