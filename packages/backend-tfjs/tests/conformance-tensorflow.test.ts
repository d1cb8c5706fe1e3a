/** Core's backend conformance suite against backend-tfjs on tfjs-node's native "tensorflow" backend (our ReluGrad and MaxPoolGrad included). */
import { describeBackendConformance } from '@syncline/core/testing';
import { TfjsBackend, silentLogger } from '../src/index';
import { NATIVE_BUILT, describeIfNative } from './native-built';

describeIfNative('conformance-tensorflow.test')('tfjs on tensorflow', () => {
  if (NATIVE_BUILT)
    describeBackendConformance('tfjs (tensorflow)', () => new TfjsBackend({ candidates: ['node'], logger: silentLogger }), { shardedUpdate: true });
});
