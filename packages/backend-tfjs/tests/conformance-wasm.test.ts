/** Core's backend conformance suite against backend-tfjs on tfjs's wasm backend (SIMD). */
import { describeBackendConformance } from '@syncline/core/testing';
import { TfjsBackend, silentLogger } from '../src/index';

describeBackendConformance('tfjs (wasm)', () => new TfjsBackend({ candidates: ['wasm'], logger: silentLogger }), { shardedUpdate: true });
