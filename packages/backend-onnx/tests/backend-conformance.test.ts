/** Core's shared backend conformance suite, run against the onnx backend (nothing skipped). */
import { describeBackendConformance } from '@syncline/core/testing';
import { createOnnxBackend } from '../src/index';

describeBackendConformance('onnx', () => createOnnxBackend(), { shardedUpdate: true });
