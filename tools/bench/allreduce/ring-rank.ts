// One socket-ring rank of the allreduce benchmark (a child process). Config in argv[2] (JSON).
import { createRingCommunicator } from '@syncline/collective';
import { largestBytes, timeAllReduce, type SizePlan } from './rank-timing';

const { rank, addresses, plan, registered, frameIntegrity } = JSON.parse(process.argv[2]!) as {
  rank: number;
  addresses: string[];
  plan: SizePlan[];
  registered: boolean;
  frameIntegrity: boolean;
};
const registeredBytes = registered ? largestBytes(plan) : 0;
void (async () => {
  const comm = await createRingCommunicator({
    rank,
    addresses,
    timeoutMs: 120_000,
    registeredBytes,
    frameIntegrity,
    ...(process.env.SYNCLINE_BENCH_RING ? JSON.parse(process.env.SYNCLINE_BENCH_RING) : {}),
  });
  const times = await timeAllReduce(comm, plan, registered);
  await comm.close();
  process.send!({ times }, () => process.disconnect());
})();
