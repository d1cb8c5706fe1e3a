import { Command } from 'commander';
import { addTrainFlags, validateTrainOptions } from './train-options';

function parse(args: string[]): Record<string, unknown> {
  const cmd = addTrainFlags(new Command('train').exitOverride().configureOutput({ writeErr: () => undefined }));
  cmd.parse(args, { from: 'user' });
  return cmd.opts();
}

describe('syncline train flags', () => {
  it('has the documented defaults', () => {
    const o = validateTrainOptions(parse(['--replicas', '2']));
    expect(o).toMatchObject({
      strategy: 'mirrored',
      backend: 'onnx',
      model: 'mlp',
      epochs: 5,
      globalBatch: 64,
      seed: 42,
      stepsPerExecution: 1,
      json: false,
      replicas: 2,
    });
  });

  it('rejects unknown flags and bad numbers with the flag named', () => {
    expect(() => parse(['--epoch', '3'])).toThrow(/unknown option '--epoch'/);
    expect(() => parse(['--epochs', 'three'])).toThrow(/--epochs must be an integer >= 1, got "three"/);
    expect(() => parse(['--global-batch', '0'])).toThrow(/--global-batch must be an integer >= 1/);
    expect(() => parse(['--backend', 'torch'])).toThrow(/Allowed choices are tfjs, onnx, pjrt/);
  });

  it('rejects contradictory flags with what to do', () => {
    expect(() => validateTrainOptions(parse(['--strategy', 'tpu', '--backend', 'tfjs']))).toThrow(/--backend is "tfjs"; expected "pjrt" with --strategy tpu/);
    expect(() => validateTrainOptions(parse(['--backend', 'pjrt']))).toThrow(/--strategy is "mirrored"; expected "tpu" with --backend pjrt/);
    expect(() => validateTrainOptions(parse(['--pjrt-plugin', '/x.so']))).toThrow(/--pjrt-plugin is "\/x.so"; expected only with --strategy tpu/);
    expect(() => validateTrainOptions(parse(['--replicas', '3', '--global-batch', '64']))).toThrow(
      /--global-batch is 64; expected a multiple of --replicas \(3\)/,
    );
    expect(() => validateTrainOptions(parse(['--pin-gpus']))).toThrow(/only with --isolation process/);
    expect(() => validateTrainOptions(parse(['--histograms']))).toThrow(/--histograms is true; expected only with --log-dir/);
  });

  it('logs TensorBoard batch rows every 100 steps unless --log-every says otherwise', () => {
    expect(validateTrainOptions(parse(['--replicas', '1']))).toMatchObject({ logEvery: 100, histograms: false });
    expect(validateTrainOptions(parse(['--replicas', '1', '--log-dir', 'x', '--log-every', '0', '--histograms']))).toMatchObject({
      logEvery: 0,
      histograms: true,
    });
    expect(() => parse(['--log-every', '-1'])).toThrow(/--log-every must be an integer >= 0/);
  });
});
