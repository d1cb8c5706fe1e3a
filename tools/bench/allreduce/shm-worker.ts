// One shared-memory rank of the allreduce benchmark (a worker thread, blocking waits).
import { parentPort, workerData } from 'node:worker_threads';
import { attachSharedMemory, type SharedMemoryGroupDescriptor } from '@syncline/collective';
import { timeAllReduce, type SizePlan } from './rank-timing';

const { descriptor, rank, plan, registered } = workerData as { descriptor: SharedMemoryGroupDescriptor; rank: number; plan: SizePlan[]; registered: boolean };
const comm = attachSharedMemory(descriptor, rank);
void timeAllReduce(comm, plan, registered).then(async (times) => {
  await comm.close();
  parentPort!.postMessage({ times });
});
