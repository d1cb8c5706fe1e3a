import { backendRef, InvalidConfigError } from '@syncline/core';
import { pjrt, pjrtOptionsOf, createPjrtBackend } from './pjrt-plugin';

describe('pjrt()', () => {
  it('is a compiled backend reference naming a module whose export is createPjrtBackend', () => {
    const ref = pjrt({ deviceCount: 2 });
    expect(ref).toMatchObject({ kind: 'backend', name: 'pjrt', stepShape: 'compiled', export: 'createPjrtBackend', options: { deviceCount: 2 } });
    expect((require(ref.module) as Record<string, unknown>)[ref.export]).toBe(createPjrtBackend);
  });

  it('refuses unknown options and malformed values by name', () => {
    expect(() => pjrt({ devices: 2 } as never)).toThrow(/pjrt backend options\.devices .*known: pluginPath, deviceCount, createOptions/);
    expect(() => pjrt({ deviceCount: 0 })).toThrow(/deviceCount is 0; expected an integer >= 1/);
    expect(() => pjrt({ pluginPath: '' })).toThrow(InvalidConfigError);
  });

  it('gives TPUStrategy the options of a pjrt() reference or of plain options, and refuses another backend', () => {
    expect(pjrtOptionsOf(pjrt({ deviceCount: 3 }))).toEqual({ deviceCount: 3 });
    expect(pjrtOptionsOf({ deviceCount: 3 })).toEqual({ deviceCount: 3 });
    expect(pjrtOptionsOf(undefined)).toEqual({});
    const other = backendRef({ name: 'tfjs', stepShape: 'orchestrated', module: __filename, export: 'x' });
    expect(() => pjrtOptionsOf(other)).toThrow(/backend is "tfjs"; expected pjrt\(\) from @syncline\/tpu-bridge/);
  });
});
