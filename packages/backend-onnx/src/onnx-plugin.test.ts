import { BackendError, InvalidConfigError } from '@syncline/core';
import { onnx, createOnnxBackend } from './onnx-plugin';

describe('onnx()', () => {
  it('is an orchestrated backend reference naming a module whose export is createOnnxBackend', () => {
    const ref = onnx({ intraOpNumThreads: 2 });
    expect(ref).toMatchObject({ kind: 'backend', name: 'onnx', stepShape: 'orchestrated', export: 'createOnnxBackend', options: { intraOpNumThreads: 2 } });
    expect((require(ref.module) as Record<string, unknown>)[ref.export]).toBe(createOnnxBackend);
  });

  it('refuses an unknown option by name, and a bad value, when the reference is made', () => {
    expect(() => onnx({ intraOpThreads: 2 } as never)).toThrow(InvalidConfigError);
    expect(() => onnx({ intraOpThreads: 2 } as never)).toThrow(/onnx backend options\.intraOpThreads .*known: intraOpNumThreads/);
    expect(() => onnx({ intraOpNumThreads: 0 })).toThrow(BackendError);
    expect(() => createOnnxBackend('fast')).toThrow(/onnx backend options is "fast"/);
  });
});
