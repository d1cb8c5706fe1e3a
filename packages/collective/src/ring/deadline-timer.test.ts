import { DeadlineTimer } from './deadline-timer';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("DeadlineTimer (one timer for every op's deadline)", () => {
  it('expires a running op at its deadline, never before', async () => {
    const fired: number[] = [];
    const t = new DeadlineTimer(() => fired.push(performance.now()));
    const deadline = performance.now() + 30;
    t.start(deadline);
    await sleep(80);
    expect(fired).toHaveLength(1);
    expect(fired[0]!).toBeGreaterThanOrEqual(deadline);
    t.cancel();
  });

  it('does not expire an op that stopped in time, and re-arms for a later op instead of firing early', async () => {
    const fired: number[] = [];
    const t = new DeadlineTimer(() => fired.push(performance.now()));
    t.start(performance.now() + 20);
    t.stop();
    const later = performance.now() + 90;
    t.start(later); // the armed timer (20 ms) fires first and must re-arm for this op
    await sleep(50);
    expect(fired).toEqual([]);
    await sleep(100);
    expect(fired).toHaveLength(1);
    expect(fired[0]!).toBeGreaterThanOrEqual(later);
    t.cancel();
  });

  it('re-arms sooner for an op whose deadline comes before the armed one, and cancel stops everything', async () => {
    let fired = 0;
    const t = new DeadlineTimer(() => fired++);
    t.start(performance.now() + 10_000);
    t.stop();
    t.start(performance.now() + 20);
    await sleep(60);
    expect(fired).toBe(1);
    t.start(performance.now() + 20);
    t.cancel();
    await sleep(60);
    expect(fired).toBe(1);
  });
});
