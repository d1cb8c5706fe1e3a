/** Core's backend conformance suite against backend-tfjs on tfjs's cpu backend. */
import { describeBackendConformance } from '@syncline/core/testing';
import { TfjsBackend, silentLogger } from '../src/index';

describeBackendConformance('tfjs (cpu)', () => new TfjsBackend({ candidates: ['cpu'], logger: silentLogger }), { shardedUpdate: true });
