import { isSynclineError } from '../errors/syncline-error';
import { InputContext } from './input-context';

describe('InputContext', () => {
  it('defaults to one pipeline, one replica and splits a global batch', () => {
    const c = new InputContext();
    expect(c.toJSON()).toEqual({ numInputPipelines: 1, inputPipelineId: 0, numReplicasInSync: 1 });
    expect(new InputContext(2, 1, 8).getPerReplicaBatchSize(64)).toBe(8);
    expect(new InputContext(2, 1, 8).numLocalReplicas).toBe(4);
    expect(InputContext.from({ numReplicasInSync: 4 }).perReplicaBatchSize(256)).toBe(64);
  });

  it('a global batch that does not divide by the replicas is an InvalidConfigError with a suggestion', () => {
    try {
      new InputContext(1, 0, 3).getPerReplicaBatchSize(64);
      throw new Error('no error');
    } catch (e) {
      expect(isSynclineError(e) && e.code).toBe('INVALID_CONFIG');
      expect((e as Error).message).toBe('globalBatchSize is 64; expected a multiple of numReplicasInSync (3), e.g. 63 or 66');
    }
    expect(() => new InputContext().getPerReplicaBatchSize(0)).toThrow(/globalBatchSize is 0/);
  });

  it('rejects bad ids and counts, and replicas that do not spread evenly over pipelines', () => {
    expect(() => new InputContext(2, 2, 2)).toThrow(/inputPipelineId is 2; expected an integer in \[0, 1\]/);
    expect(() => new InputContext(0)).toThrow(/numInputPipelines/);
    expect(() => new InputContext(1, 0, 0)).toThrow(/numReplicasInSync/);
    expect(() => new InputContext(2, 0, 3).numLocalReplicas).toThrow(/multiple of numInputPipelines \(2\)/);
  });
});
