/**
 * A PJRT_LoadedExecutable: runs one compiled program on all its devices at once.
 *
 * 1. Build native argument lists [device][arg] of PJRT_Buffer*, empty output lists
 *    [device][output] and a completion-event slot per device.
 * 2. PJRT_LoadedExecutable_Execute: it enqueues and returns on GPU/TPU and the async
 *    CPU client; a client whose Execute runs the computation is called from a koffi
 *    worker thread instead, so the JS thread never waits.
 * 3. Wrap the outputs as PjrtBuffers and await every device's completion event through
 *    PJRT_Event_OnReady, so the JS thread never blocks on the device.
 */
import { koffi } from './koffi';
import { BackendError } from '@syncline/core';
import { PjrtBuffer } from './buffer';
import { awaitEvent } from './event';
import { T, structSize } from './ffi-types';
import { NativeBlock, nativePointerArray, readPointerArray } from './native-memory';
import type { PjrtApi } from './pjrt-api';

/**
 * Launch ids for PJRT_ExecuteOptions: unique per execution in this process. The XLA CPU
 * runtime keys each collective's rendezvous by it (RunId); reusing one id for
 * back-to-back executions lets a fast replica join the previous run's all_reduce and
 * hangs both (observed: rendezvous timeout and abort after 40 s).
 */
let nextLaunchId = 1;
const LAUNCH_ID_LIMIT = 0x7fffffff;

export class PjrtLoadedExecutable {
  #ptr: bigint | null;
  /** Outputs per device (the program's results, tuples flattened). */
  readonly numOutputs: number;
  readonly numReplicas: number;

  /** @param executeBlocks issue Execute from a koffi worker thread (see PjrtClient.executeBlocks). */
  constructor(
    readonly api: PjrtApi,
    ptr: bigint,
    private readonly executeBlocks = false,
  ) {
    this.#ptr = ptr;
    const exe = api.call('PJRT_LoadedExecutable_GetExecutable', { loaded_executable: ptr, executable: null }).executable as bigint;
    try {
      this.numOutputs = Number(api.call('PJRT_Executable_NumOutputs', { executable: exe, num_outputs: 0 }).num_outputs);
      this.numReplicas = Number(api.call('PJRT_Executable_NumReplicas', { executable: exe, num_replicas: 0 }).num_replicas);
    } finally {
      api.call('PJRT_Executable_Destroy', { executable: exe });
    }
  }

  get ptr(): bigint {
    if (this.#ptr === null) throw new BackendError('pjrt', 'use of a destroyed PJRT executable', { detailCode: 'FAILED_PRECONDITION' });
    return this.#ptr;
  }

  /**
   * Runs the program with `args[device][i]` on every device; resolves with
   * `outputs[device][j]` once every device has finished. The caller owns (and must
   * destroy) the outputs; the inputs are untouched (no donation).
   */
  async execute(args: readonly (readonly PjrtBuffer[])[]): Promise<PjrtBuffer[][]> {
    const numDevices = args.length;
    const numArgs = args[0]?.length ?? 0;
    if (numDevices !== this.numReplicas || args.some((a) => a.length !== numArgs)) {
      throw new BackendError('pjrt', `execute needs ${this.numReplicas} argument lists of equal length, got [${args.map((a) => a.length).join(', ')}]`, {
        detailCode: 'INVALID_ARGUMENT',
      });
    }
    const blocks: NativeBlock[] = [];
    const keep = <B extends NativeBlock>(b: B): B => (blocks.push(b), b);
    try {
      const argLists = args.map((list) => keep(nativePointerArray(list.map((b) => b.ptr))).ptr);
      const outLists = args.map(() => keep(new NativeBlock(this.numOutputs * 8)));
      const outer = keep(nativePointerArray(argLists));
      const outOuter = keep(nativePointerArray(outLists.map((b) => b.ptr)));
      const events = keep(new NativeBlock(numDevices * 8));
      new BigUint64Array(events.bytes).fill(0n);
      const launchId = nextLaunchId;
      nextLaunchId = nextLaunchId >= LAUNCH_ID_LIMIT ? 1 : nextLaunchId + 1;
      const options = keep(new NativeBlock(koffi.sizeof(T.ExecuteOptions)));
      koffi.encode(options.ptr, T.ExecuteOptions, {
        struct_size: structSize('ExecuteOptions'),
        extension_start: null,
        send_callbacks: null,
        recv_callbacks: null,
        num_send_ops: 0,
        num_recv_ops: 0,
        launch_id: launchId,
        non_donatable_input_indices: null,
        num_non_donatable_input_indices: 0,
        context: null,
        call_location: null,
        num_tasks: 0,
        task_ids: null,
        incarnation_ids: null,
      });
      const fields = {
        executable: this.ptr,
        options: options.ptr,
        argument_lists: outer.ptr,
        num_devices: numDevices,
        num_args: numArgs,
        output_lists: outOuter.ptr,
        device_complete_events: events.ptr,
        execute_device: null,
      };
      if (this.executeBlocks) await this.api.callAsync('PJRT_LoadedExecutable_Execute', fields);
      else this.api.call('PJRT_LoadedExecutable_Execute', fields);
      const outputs = outLists.map((b) => readPointerArray(b.ptr, this.numOutputs).map((p) => new PjrtBuffer(this.api, p)));
      const done = readPointerArray(events.ptr, numDevices).filter((e) => e !== 0n);
      const results = await Promise.allSettled(done.map((e) => awaitEvent(this.api, e, 'PJRT_LoadedExecutable_Execute')));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) {
        for (const list of outputs) for (const b of list) b.destroy();
        throw failed.reason;
      }
      return outputs;
    } finally {
      for (const b of blocks) b.free();
    }
  }

  /** PJRT_LoadedExecutable_Destroy; safe to call twice. */
  destroy(): void {
    if (this.#ptr === null) return;
    const ptr = this.#ptr;
    this.#ptr = null;
    this.api.call('PJRT_LoadedExecutable_Destroy', { executable: ptr });
  }
}
