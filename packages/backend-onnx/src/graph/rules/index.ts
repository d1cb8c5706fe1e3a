/** The op type -> reverse-mode rule table used by the autodiff pass. */
import type { GradRule } from '../grad-rule';
import { reluGrad, sigmoidGrad, tanhGrad } from './activations';
import { addGrad, subGrad } from './add-sub';
import { averagePoolGrad, globalAveragePoolGrad } from './average-pool';
import { convGrad } from './conv';
import { gemmGrad } from './gemm';
import { matmulGrad } from './matmul';
import { maxPoolGrad } from './max-pool';
import { divGrad, mulGrad } from './mul-div';
import { identityGrad, reshapeGrad, transposeGrad } from './shape-ops';
import { logSoftmaxGrad, softmaxGrad } from './softmax';
import { batchNormGrad } from './batch-norm';
import { batchStatsNormGrad } from './batch-norm-batch-stats';
import { batchStatsOf } from '../batch-norm-training';
import { padGrad } from './pad';
import { reciprocalGrad, reduceMeanGrad, sqrtGrad } from './reduce-mean';
import { concatGrad, erfGrad } from './erf-concat';
import { sliceGrad } from './slice';
import { gatherGrad } from './gather';

export const GRAD_RULES: ReadonlyMap<string, GradRule> = new Map<string, GradRule>([
  ['Add', addGrad],
  ['Sum', addGrad],
  ['Sub', subGrad],
  ['Mul', mulGrad],
  ['Div', divGrad],
  ['Gemm', gemmGrad],
  ['MatMul', matmulGrad],
  ['Relu', reluGrad],
  ['Sigmoid', sigmoidGrad],
  ['Tanh', tanhGrad],
  ['Softmax', softmaxGrad],
  ['LogSoftmax', logSoftmaxGrad],
  ['Conv', convGrad],
  ['MaxPool', maxPoolGrad],
  ['AveragePool', averagePoolGrad],
  ['GlobalAveragePool', globalAveragePoolGrad],
  ['Flatten', reshapeGrad],
  ['Reshape', reshapeGrad],
  ['Squeeze', reshapeGrad],
  ['Unsqueeze', reshapeGrad],
  ['Transpose', transposeGrad],
  ['Identity', identityGrad],
  ['Dropout', identityGrad],
  [
    'BatchNormalization',
    (ctx, node, gys, needed) => {
      const stats = batchStatsOf(node);
      return stats ? batchStatsNormGrad(ctx, node, gys[0], needed, stats) : batchNormGrad(ctx, node, gys, needed);
    },
  ],
  ['Pad', padGrad],
  ['ReduceMean', reduceMeanGrad],
  ['Sqrt', sqrtGrad],
  ['Reciprocal', reciprocalGrad],
  ['Erf', erfGrad],
  ['Concat', concatGrad],
  ['Slice', sliceGrad],
  ['Gather', gatherGrad],
]);
