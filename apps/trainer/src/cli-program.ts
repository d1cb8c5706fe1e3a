/**
 * The `syncline` command tree (commander). Each command lives in commands/; this file
 * only wires them together so tests can drive the CLI without spawning a process.
 * Commander's errors never repeat an unknown option's value (redact-unknown-option.ts).
 */
import { Command, type CommanderError } from 'commander';
import { runTrain } from './commands/train';
import { addTrainFlags, validateTrainOptions } from './commands/train-options';
import { applyEnvChanges, checkClusterSecrets } from './commands/cluster-secrets';
import { registerLaunchCommand } from './commands/launch';
import { watchLauncher } from './launch/launcher-link';
import { redactCommanderError, redactUnknownOption } from './redact-unknown-option';

export interface ProgramIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

const defaultIo: ProgramIo = {
  stdout: (l) => process.stdout.write(l + '\n'),
  stderr: (l) => process.stderr.write(l + '\n'),
};

export function buildProgram(io: ProgramIo = defaultIo): Command {
  // Output and exit settings first: subcommands copy them when they are created.
  const program = new Command('syncline')
    .description('Synchronous data-parallel training with TensorFlow-style distribution strategies')
    .configureOutput({ outputError: (message, write) => write(redactUnknownOption(message)) })
    .showHelpAfterError()
    .exitOverride((e: CommanderError) => {
      throw redactCommanderError(e);
    });
  addTrainFlags(
    program
      .command('train')
      .description(
        'train a model (a preset, a spec, an ONNX or tfjs model file) on your data (IDX, TFRecord, CSV, JSONL, image folders; Fashion-MNIST by default)',
      ),
  ).action(async (raw: Record<string, unknown>) => {
    // A worker `syncline launch` started stops when the launcher dies; by hand, nothing to watch.
    const launcher = watchLauncher(process.env, io.stderr);
    try {
      const options = validateTrainOptions(raw);
      applyEnvChanges(process.env, checkClusterSecrets(options, process.env));
      if (options.tls) io.stderr(`syncline: the ring uses mutual TLS (certificate ${options.tls.certFile}, CA ${options.tls.caFile})`);
      const result = await runTrain(options, io.stderr);
      if (options.json) io.stdout(JSON.stringify(result));
      // stopped by a signal after a checkpoint: 128 + its number (SIGINT 130, SIGTERM 143), as launch reports it
      if (result.preempted) process.exitCode = result.stopSignal === 'SIGINT' ? 130 : 143;
    } finally {
      launcher?.dispose();
    }
  });
  registerLaunchCommand(program, { io });
  return program;
}
