import { checkStateMatches, parseIteratorState, serializeIteratorState, type IteratorState } from './iterator-state';

const state: IteratorState = {
  version: 1,
  epoch: 2,
  step: 5,
  pass: 3,
  offset: 17,
  seed: 9,
  shuffle: true,
  datasetSize: 100,
  globalBatchSize: 8,
  examplesPerEpoch: 120,
  dropRemainder: false,
  policy: 'DATA',
  worldSize: 2,
};

describe('iterator state', () => {
  it('round-trips through JSON', () => {
    expect(parseIteratorState(serializeIteratorState(state))).toEqual(state);
    expect(parseIteratorState(JSON.parse(serializeIteratorState(state)))).toEqual(state);
  });

  it('names the bad field', () => {
    expect(() => parseIteratorState({ ...state, step: -1 })).toThrow(/iteratorState\.step is -1/);
    expect(() => parseIteratorState({ ...state, version: 2 })).toThrow(/iteratorState\.version/);
    expect(() => parseIteratorState({ ...state, policy: 'AUTO' })).toThrow(/iteratorState\.policy/);
    expect(() => parseIteratorState({ ...state, shuffle: 'yes' })).toThrow(/iteratorState\.shuffle/);
    expect(() => parseIteratorState('[1')).toThrow(/JSON text/);
    expect(() => parseIteratorState(null)).toThrow(/an object/);
  });

  it('checkStateMatches rejects another configuration or a moved position', () => {
    expect(() => checkStateMatches(state, state)).not.toThrow();
    expect(() => checkStateMatches(state, { ...state, globalBatchSize: 16 })).toThrow(/globalBatchSize = 8 .* globalBatchSize = 16/);
    expect(() => checkStateMatches(state, { ...state, pass: 4 })).toThrow(/pass 3 offset 17/);
  });
});
