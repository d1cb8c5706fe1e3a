/**
 * A regression on a real table (issue 17): scikit-learn's bundled diabetes data (442 rows,
 * 10 standardized features, an integer disease-progression target; committed as CSV by
 * tools/fixtures/diabetes/make_diabetes_csv.py), read through the CSV source and trained
 * with MSE by `syncline train` with 2 replicas, against the same network trained by
 * PyTorch on the same split (tests/peers/torch_mlp_regression.py): Keras initialisation,
 * Adam, the global batch's mean squared error, 50 epochs. Over 3 seeds the test MSEs
 * spread by about 2% (one seed's standard deviation); the seed-averaged means must agree
 * within 5%.
 */
import { join } from 'node:path';
import { REPO } from './helpers';
import { mean, torchOrSay, torchRegressionMse, trainInProcess } from './train-in-process';

const DIR = join(REPO, 'test-data', 'diabetes');
const SPEC = join(DIR, 'mlp-regression.json');
const SEEDS = [1, 2, 3];
const RUN = { hidden: [32], epochs: 50, batch: 32, lr: 0.01 };
describe('regression on the diabetes table through the CSV source', () => {
  it('2 replicas with MSE reach the test MSE of the same model trained by PyTorch (3-seed means within 5%)', async () => {
    const ours: number[] = [];
    for (const seed of SEEDS) {
      const r = await trainInProcess({
        model: SPEC,
        data: join(DIR, 'train.csv'),
        validationData: join(DIR, 'test.csv'),
        label: 'target',
        epochs: RUN.epochs,
        globalBatch: RUN.batch,
        seed,
      });
      expect(r.history).toHaveLength(RUN.epochs);
      expect(r.history[RUN.epochs - 1]!.loss!).toBeLessThan(r.history[0]!.loss! / 5); // it learned
      ours.push(r.testLoss);
    }
    if (!torchOrSay('regression test')) return;
    const torch = torchRegressionMse(DIR, RUN, SEEDS);
    const ratio = mean(ours) / mean(torch);
    process.stderr.write(
      `diabetes test MSE, seeds ${SEEDS.join(',')}: syncline (onnx, 2 replicas) ${ours.map((v) => v.toFixed(1)).join(', ')} mean ${mean(ours).toFixed(1)}; ` +
        `PyTorch ${torch.map((v) => v.toFixed(1)).join(', ')} mean ${mean(torch).toFixed(1)}; ratio ${ratio.toFixed(3)}\n`,
    );
    expect(Math.abs(ratio - 1)).toBeLessThanOrEqual(0.05);
  }, 600_000);
});
