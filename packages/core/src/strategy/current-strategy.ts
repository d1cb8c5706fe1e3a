/** The strategy whose `scope()` is active, as tf.distribute.get_strategy() reports it. */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Strategy } from '../contracts/strategy';

const storage = new AsyncLocalStorage<Strategy>();

export function runInScope<T>(strategy: Strategy, fn: () => T): T {
  return storage.run(strategy, fn);
}

/** The strategy of the enclosing `strategy.scope(...)`, or undefined outside any scope. */
export function currentStrategy(): Strategy | undefined {
  return storage.getStore();
}
