import { InvalidConfigError } from '@syncline/core';
import { checkReplicaBounds, REPLICA_MEMORY_MB } from './replica-bounds';

describe('checkReplicaBounds', () => {
  it('warns with the reason when replicas outnumber the cores, and is quiet when they fit', () => {
    const lines: string[] = [];
    checkReplicaBounds(16, (l) => lines.push(l), { cores: 2, freeMb: 100_000 });
    expect(lines).toEqual([
      expect.stringMatching(/^warning: --replicas 16 is more than the 2 core\(s\) here: the replicas take turns .* use --replicas 2 or fewer/),
    ]);
    checkReplicaBounds(2, (l) => lines.push(l), { cores: 2, freeMb: 100_000 });
    expect(lines).toHaveLength(1);
  });

  it('refuses more replicas than the free memory holds, naming --replicas and the count that fits', () => {
    const freeMb = 10 * REPLICA_MEMORY_MB + 5;
    let e: unknown;
    try {
      checkReplicaBounds(1000, () => undefined, { cores: 2, freeMb });
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(InvalidConfigError);
    expect((e as Error).message).toMatch(/--replicas/);
    expect((e as Error).message).toMatch(/at most 10 here: each replica needs at least \d+ MB \(1000 need [\d,]+ MB\)/);
  });
});
