/** The thread budget: replicas x threads within the cores by default, oversubscription only when asked, the environment respected. */
import { TF_INTRA_OP_ENV, threadBudget } from './thread-budget';

describe('threadBudget', () => {
  it('splits the cores between replicas: one shared pool for threads, one pool per process', () => {
    expect(threadBudget({ replicas: 2, isolation: 'thread' }, 2, {})).toMatchObject({ threadsPerReplica: 1, processEnv: { [TF_INTRA_OP_ENV]: '2' } });
    expect(threadBudget({ replicas: 2, isolation: 'process' }, 8, {})).toMatchObject({ threadsPerReplica: 4, processEnv: { [TF_INTRA_OP_ENV]: '4' } });
    expect(threadBudget({ replicas: 3, isolation: 'thread' }, 8, {})).toMatchObject({ threadsPerReplica: 2, processEnv: { [TF_INTRA_OP_ENV]: '6' } });
    // more replicas than cores: still one thread each
    expect(threadBudget({ replicas: 4, isolation: 'process' }, 2, {})).toMatchObject({ threadsPerReplica: 1, processEnv: { [TF_INTRA_OP_ENV]: '1' } });
    expect(threadBudget({ replicas: 2, isolation: 'thread' }, 2, {}).line).toMatch(
      /2 replica\(s\) x 1 intra-op thread\(s\) \(2 cores \/ 2 replicas; --threads-per-replica N to change\)/,
    );
  });

  it('oversubscribes only when asked, and says so', () => {
    const b = threadBudget({ replicas: 2, isolation: 'thread', threadsPerReplica: 2 }, 2, {});
    expect(b).toMatchObject({ threadsPerReplica: 2, processEnv: { [TF_INTRA_OP_ENV]: '4' } });
    expect(b.line).toMatch(/--threads-per-replica 2; 4 threads on 2 cores, oversubscribed as asked/);
  });

  it('leaves TF_NUM_INTRAOP_THREADS from the environment alone unless --threads-per-replica is given', () => {
    const b = threadBudget({ replicas: 2, isolation: 'thread' }, 2, { [TF_INTRA_OP_ENV]: '3' });
    expect(b.processEnv).toEqual({});
    expect(b.line).toMatch(/TF_NUM_INTRAOP_THREADS=3 from the environment is left as it is/);
    expect(threadBudget({ replicas: 2, isolation: 'thread', threadsPerReplica: 1 }, 2, { [TF_INTRA_OP_ENV]: '3' }).processEnv).toEqual({
      [TF_INTRA_OP_ENV]: '2',
    });
  });
});
