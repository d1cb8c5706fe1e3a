import { planPrune } from './prune-plan';

const owners: Record<string, string | undefined> = {
  'ckpt-000001-000000000': 'old',
  'ckpt-000002-000000000': undefined, // meta.json missing or unreadable
  'ckpt-000003-000000000': 'me',
  'ckpt-000004-000000000': 'me',
  'ckpt-000005-000000000': 'other',
  'ckpt-000006-000000000': 'me',
};
const names = [
  ...Object.keys(owners),
  '.tmp-ckpt-000007-000000000-me-9',
  '.tmp-ckpt-000007-000000000-other-9',
  '.trash-ckpt-000001-000000000-me-3',
  'notes.txt',
  '.syncline.lock',
];

describe('planPrune', () => {
  it("discards only this run's checkpoints beyond keep, newest kept", () => {
    const plan = planPrune(names, 'me', 2, (n) => owners[n]);
    expect(plan.discard).toEqual(['ckpt-000003-000000000']);
    expect(plan.othersCheckpoints).toEqual(['ckpt-000005-000000000', 'ckpt-000002-000000000', 'ckpt-000001-000000000']);
  });

  it("removes this run's temp and trash leftovers and lists everyone else's", () => {
    const plan = planPrune(names, 'me', 2, (n) => owners[n]);
    expect(plan.removeLeftovers).toEqual(['.tmp-ckpt-000007-000000000-me-9', '.trash-ckpt-000001-000000000-me-3']);
    expect(plan.othersLeftovers).toEqual(['.tmp-ckpt-000007-000000000-other-9']);
  });

  it('a run id that is a prefix of another does not claim its files', () => {
    const plan = planPrune(['ckpt-000001-000000000', '.tmp-ckpt-000002-000000000-me2-1'], 'me', 0, () => 'me2');
    expect(plan.discard).toEqual([]);
    expect(plan.removeLeftovers).toEqual([]);
  });

  it('a fresh run in a directory of others deletes nothing', () => {
    const plan = planPrune(names, 'new', 1, (n) => owners[n]);
    expect(plan.discard).toEqual([]);
    expect(plan.removeLeftovers).toEqual([]);
  });
});
