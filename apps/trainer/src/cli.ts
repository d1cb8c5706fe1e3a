#!/usr/bin/env node
/**
 * The `syncline` executable: parses argv and runs the chosen command. A failure ends with
 * one `syncline: <Name>: <message>` line on stderr (after the stack of an unexpected error),
 * the line `syncline launch` reads to tell which worker failed first.
 */
import { setFlagsFromString } from 'node:v8';
import { isSynclineError } from '@syncline/core';
import { buildProgram } from './cli-program';

/**
 * V8's young generation in 2 MB semi-spaces (not up to 16 MB) for every isolate this
 * process starts from now on (the replica threads): measured with 2 replicas on 2 cores,
 * the onnx MLP trained 30-36k images/s against 22-26k and peaked 70 MB lower, the tfjs MLP
 * and onnx CNN within noise and 40-100 MB lower, and a flood of strangers' connections no
 * longer widened the ring's thread by 12-25 MB (the churn of refused sockets). Set here, by
 * the CLI, not by core: a library must not change its host's V8 flags. (Worker
 * resourceLimits would scope it to replica threads, but tfjs-node crashed with SIGSEGV in them.)
 */
setFlagsFromString('--max-semi-space-size=2');

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
