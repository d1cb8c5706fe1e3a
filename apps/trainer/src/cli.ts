#!/usr/bin/env node
/**
 * The `syncline` executable: parses argv and runs the chosen command. A failure ends with
 * one `syncline: <Name>: <message>` line on stderr (after the stack of an unexpected error),
 * the line `syncline launch` reads to tell which worker failed first.
 */
import { isSynclineError } from '@syncline/core';
import { buildProgram } from './cli-program';

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version') process.exit(0);
    if (typeof code === 'string' && code.startsWith('commander.')) process.exit(2);
    if (isSynclineError(e)) console.error(`syncline: ${e.name}: ${e.message}`);
    else if (e instanceof Error) {
      console.error(e);
      console.error(`syncline: ${e.name}: ${e.message}`);
    } else console.error(`syncline: Error: ${String(e)}`);
    process.exit(1);
  }
}
void main();
