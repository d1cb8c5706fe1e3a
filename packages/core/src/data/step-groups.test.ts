import fc from 'fast-check';
import { groupsPerEpoch, groupSteps, planStepGroups } from './step-groups';

describe('stepsPerExecution groups', () => {
  it('cover the epoch once, in order, k at a time, the last one shorter', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 40 }), fc.nat(300), (S, k, from0) => {
        const from = Math.min(from0, S);
        const groups = planStepGroups(S, k, from);
        expect(groups.length).toBe(groupsPerEpoch(S, k, from));
        let next = from;
        groups.forEach((g, i) => {
          expect(g.firstStep).toBe(next);
          expect(g.steps).toBe(i < groups.length - 1 ? k : S - g.firstStep);
          expect(g.steps).toBeGreaterThanOrEqual(1);
          expect(g.steps).toBeLessThanOrEqual(k);
          next += g.steps;
        });
        expect(next).toBe(S);
      }),
    );
    expect(planStepGroups(10, 4)).toEqual([
      { firstStep: 0, steps: 4 },
      { firstStep: 4, steps: 4 },
      { firstStep: 8, steps: 2 },
    ]);
  });

  it('groupSteps groups any iterable the same way and rejects k < 1', () => {
    expect([...groupSteps('abcde', 2, 3)]).toEqual([
      { firstStep: 3, items: ['a', 'b'] },
      { firstStep: 5, items: ['c', 'd'] },
      { firstStep: 7, items: ['e'] },
    ]);
    expect(() => planStepGroups(5, 0)).toThrow(/stepsPerExecution is 0/);
    expect(() => [...groupSteps([1], 1.5)]).toThrow(/stepsPerExecution/);
    expect(() => planStepGroups(5, 1, 6)).toThrow(/fromStep is 6/);
  });
});
