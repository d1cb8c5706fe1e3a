#!/usr/bin/env node
/** The `syncline` executable: parses argv and runs the chosen command. */
import { isSynclineError } from '@syncline/core';
import { buildProgram } from './cli-program';

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version') process.exit(0);
    if (typeof code === 'string' && code.startsWith('commander.')) process.exit(2);
    console.error(isSynclineError(e) ? `syncline: ${e.name}: ${e.message}` : e);
    process.exit(1);
  }
}
void main();
