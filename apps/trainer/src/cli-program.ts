/**
 * The `syncline` command tree (commander). Each command lives in commands/; this file
 * only wires them together so tests can drive the CLI without spawning a process.
 */
import { Command } from 'commander';

export function buildProgram(): Command {
  const program = new Command('syncline')
    .description('Synchronous data-parallel training with TensorFlow-style distribution strategies')
    .showHelpAfterError()
    .exitOverride();
  return program;
}
