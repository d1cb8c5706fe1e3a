import { Registry } from './registry';
import { isSynclineError } from '../errors/syncline-error';

type Thing = { readonly name: string };

describe('Registry', () => {
  it('creates registered entries and lists them by priority', async () => {
    const r = new Registry<Thing>('backend');
    r.register('low', () => ({ name: 'low' }), 1);
    r.register('high', async () => ({ name: 'high' }), 10);
    expect(r.names()).toEqual(['high', 'low']);
    expect((await r.create('low')).name).toBe('low');
  });

  it('is idempotent for the same factory and rejects a different one', () => {
    const r = new Registry<Thing>('backend');
    const f = (): Thing => ({ name: 'a' });
    r.register('a', f);
    r.register('a', f);
    expect(() => r.register('a', () => ({ name: 'a' }))).toThrow(/already registered as "a"/);
  });

  it('names what is registered when asked for something else', async () => {
    const r = new Registry<Thing>('backend');
    r.register('tfjs', () => ({ name: 'tfjs' }));
    await expect(r.create('onnx')).rejects.toThrow('No backend registered as "onnx" (registered: tfjs)');
  });

  it('checks the contract: the factory must return the registered name', async () => {
    const r = new Registry<Thing>('backend');
    r.register('a', () => ({ name: 'b' }));
    await expect(r.create('a')).rejects.toMatchObject({ code: 'CONTRACT_VIOLATION' });
  });

  it('createFirstUsable returns the first that starts, or one error with every failure', async () => {
    const r = new Registry<Thing>('backend');
    r.register(
      'gpu',
      () => {
        throw new Error('no CUDA');
      },
      3,
    );
    r.register('cpu', () => ({ name: 'cpu' }), 1);
    expect((await r.createFirstUsable()).name).toBe('cpu');
    const none = new Registry<Thing>('backend');
    none.register('x', () => {
      throw new Error('broken x');
    });
    none.register('y', async () => {
      throw new Error('broken y');
    });
    const err = await none.createFirstUsable().catch((e: unknown) => e);
    expect(isSynclineError(err)).toBe(true);
    expect((err as Error).message).toMatch(/x: broken x; y: broken y/);
  });
});
