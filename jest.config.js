// One jest run over every workspace project (each keeps its own jest.config.js).
const fs = require('node:fs');
const path = require('node:path');
const dirs = ['packages', 'apps'].flatMap((d) =>
  fs.existsSync(path.join(__dirname, d))
    ? fs.readdirSync(path.join(__dirname, d)).map((n) => path.join(__dirname, d, n))
    : [],
);
module.exports = {
  // Two worker processes even on 2 cores: a native crash (an ORT or XLA abort) then fails
  // one suite instead of killing the whole in-band run.
  maxWorkers: 2,
  projects: [...dirs, path.join(__dirname, 'tools')].filter((d) => fs.existsSync(path.join(d, 'jest.config.js'))),
};
