import { assignBlame, ERROR_LINE, launchFailureError, namedRanks } from './culprit';
import type { WorkerExit } from './worker-exit';

const ENOSPC = 'syncline: CheckpointError: Checkpoint /ckpt/ckpt-000001-000000000: could not be written: ENOSPC: no space left on device, write';
const lost = (rank: number): string =>
  `syncline: WorkerLostError: replica 0: Lost rank ${rank} (127.0.0.1:500${rank}) during allReduce(sum) #34: it closed its communicator after 34 ops. Restart the job; BackupAndRestore resumes from the newest checkpoint.`;

/** One worker's end: `error` at `errorAt`, exit at `exitedAt` (ms), `stopped` when the launcher had asked it to stop. */
function exit(rank: number, how: Partial<WorkerExit> = {}): WorkerExit {
  return { rank, address: `127.0.0.1:500${rank}`, code: 0, signal: null, lastErrorLine: how.errorLine, killedAfterGrace: false, ...how };
}
const failed = (rank: number, errorLine: string | undefined, errorAt: number, exitedAt = errorAt + 5): WorkerExit =>
  exit(rank, { code: 1, exitedAt, ...(errorLine === undefined ? {} : { errorLine, errorAt }) });
const stopped = (rank: number, exitedAt: number): WorkerExit => exit(rank, { code: 143, exitedAt, stopped: true });

describe('assignBlame', () => {
  it("blames the rank a victim names, though the victim's error came first", () => {
    const exits = [failed(0, ENOSPC, 40), failed(1, lost(0), 10, 12), stopped(2, 2100)];
    const blame = assignBlame(exits, exits[1]!);
    expect(blame.culprit.rank).toBe(0);
    expect(blame.alsoFailed.map((e) => e.rank)).toEqual([1]);
    expect(blame.stopped.map((e) => e.rank)).toEqual([2]);
  });

  it('blames the rank whose error came first when nobody names another', () => {
    const exits = [failed(0, 'syncline: DataError: bad file', 30), failed(1, 'syncline: BackendError: out of memory', 20)];
    expect(assignBlame(exits, exits[0]!).culprit.rank).toBe(1);
  });

  it('blames a rank killed without a word when its victims name it', () => {
    const killed = exit(0, { code: null, signal: 'SIGKILL', exitedAt: 50 });
    const exits = [killed, failed(1, lost(0), 20), failed(2, lost(0), 25)];
    const blame = assignBlame(exits, exits[1]!);
    expect(blame.culprit).toBe(killed);
    expect(blame.alsoFailed.map((e) => e.rank)).toEqual([1, 2]);
  });

  it('follows a chain of reports to its end: 2 lost 1, 1 lost 0, 0 ran out of disk', () => {
    const exits = [failed(0, ENOSPC, 90), failed(1, lost(0), 60), failed(2, lost(1), 10)];
    expect(assignBlame(exits, exits[2]!).culprit.rank).toBe(0);
  });

  it('in a cycle of reports, blames the member of the cycle that failed first', () => {
    const exits = [failed(0, lost(1), 70), failed(1, lost(0), 30)];
    expect(assignBlame(exits, exits[0]!).culprit.rank).toBe(1);
  });

  it('ignores a report naming a rank that did not fail (that rank was stopped cleanly)', () => {
    const exits = [stopped(0, 2100), failed(1, lost(0), 10)];
    const blame = assignBlame(exits, exits[1]!);
    expect(blame.culprit.rank).toBe(1);
    expect(blame.stopped.map((e) => e.rank)).toEqual([0]);
  });

  it('counts an error printed after the stop as a failure, after the culprit', () => {
    const late = exit(1, { code: 1, exitedAt: 2500, stopped: true, errorLine: 'syncline: CollectiveTimeoutError: ...', errorAt: 2400 });
    const exits = [failed(0, ENOSPC, 10), late];
    const blame = assignBlame(exits, exits[0]!);
    expect([blame.culprit.rank, blame.alsoFailed.map((e) => e.rank)]).toEqual([0, [1]]);
  });
});

describe('namedRanks', () => {
  const all = [0, 1, 2, 11].map((r) => exit(r, { address: `10.0.0.${r}:2222` }));
  it.each([
    ['syncline: WorkerLostError: Lost rank 2 (10.0.0.2:2222): it closed', 1, [2]],
    ['syncline: CollectiveTimeoutError: allReduce #3 timed out after 5000 ms; ranks not yet submitted: 0, 2. Check', 1, [0, 2]],
    ['syncline: AuthFailedError: Authentication with 10.0.0.1:2222 failed', 0, [1]],
    ['syncline: AuthFailedError: Authentication with 10.0.0.1:22223 failed', 0, []], // another port, not rank 1
    ['syncline: AuthFailedError: Authentication with 110.0.0.1:2222 failed', 0, []], // another host, not rank 1
    ['syncline: WorkerLostError: Lost rank 1 (10.0.0.1:2222)', 1, []], // itself
    ['syncline: WorkerLostError: Lost rank 7', 1, []], // no such rank
  ])('%s (from rank %d) names %j', (errorLine, rank, ranks) => {
    expect(namedRanks(exit(rank, { errorLine }), all)).toEqual(ranks);
  });
});

describe('ERROR_LINE', () => {
  it.each([
    ['syncline: CheckpointError: ENOSPC', true],
    ['syncline: Error: ENOSPC: no space left on device, write', true],
    ['syncline: TypeError: x is not a function', true],
    ["error: unknown option '--epoch' (its value is not shown)", true],
    ['syncline: worker 1 (from TF_CONFIG): rank 1 of 2', false],
    ['syncline: MultiWorkerMirroredStrategy with 2 replica(s)', false],
  ])('%s -> %s', (line, is) => expect(ERROR_LINE.test(line)).toBe(is));
});

describe('launchFailureError', () => {
  it('names the culprit and its error first, then every other failed rank, then the ranks stopped', () => {
    const exits = [failed(0, ENOSPC, 40), failed(1, lost(0), 10, 12), stopped(2, 2100)];
    expect(launchFailureError(exits[1]!, exits).message).toBe(
      `Lost rank 0 (127.0.0.1:5000): worker exited with code 1 (error: ${JSON.stringify(ENOSPC)}); ` +
        `also failed: rank 1 exited with code 1 (${JSON.stringify(lost(0).slice(0, 200) + '...')}); stopped rank(s) 2. ` +
        'Restart the job; BackupAndRestore resumes from the newest checkpoint.',
    );
  });
});
