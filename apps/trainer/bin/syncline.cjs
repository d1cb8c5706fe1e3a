#!/usr/bin/env node
// The `syncline` command. It is committed (not built) so that npm links it into
// node_modules/.bin on `npm ci`, before anything is built; it runs the built CLI in
// ../dist/cli.js, or says in one line how to build it when that file is missing.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const cli = join(__dirname, '..', 'dist', 'cli.js');
if (!existsSync(cli)) {
  console.error(`syncline: the CLI is not built (${cli} is missing); run \`npm run build\` in the Syncline repository first.`);
  process.exit(1);
}
require(cli);
