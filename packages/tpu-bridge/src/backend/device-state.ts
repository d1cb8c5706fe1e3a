/**
 * The training state that lives on the devices between calls: per device, one buffer
 * per weight, per optimizer slot and the update counter t. Replacing a state destroys
 * the buffers it replaces; only whole states cross the host boundary (get/set weights,
 * optimizer state import/export), and those read device 0 (replicas are identical).
 */
import type { PjrtBuffer } from '../pjrt/buffer';
import type { PjrtClient, PjrtDevice } from '../pjrt/client';
import type { ModelPlan } from '../stablehlo/model-plan';

export class DeviceState {
  /** buffers[device] = [...weights, ...slots (slot-major), t]. */
  #buffers: PjrtBuffer[][];

  private constructor(buffers: PjrtBuffer[][]) {
    this.#buffers = buffers;
  }

  /** Uploads `weights` (flat layout), `slots` (one flat array per slot) and t to every device. */
  static upload(
    client: PjrtClient,
    devices: readonly PjrtDevice[],
    plan: ModelPlan,
    weights: Float32Array,
    slots: readonly Float32Array[],
    t: number,
  ): DeviceState {
    const tensors = [weights, ...slots].flatMap((flat) =>
      plan.layout.entries.map((e) => ({ data: flat.subarray(e.offset, e.offset + e.size), dims: e.shape })),
    );
    const tArray = new Float32Array([t]);
    return new DeviceState(devices.map((d) => [...tensors.map((x) => client.bufferFromHost(x.data, x.dims, d)), client.bufferFromHost(tArray, [], d)]));
  }

  /** Buffers of `device` in program argument order. */
  of(device: number): readonly PjrtBuffer[] {
    return this.#buffers[device]!;
  }

  get count(): number {
    return this.#buffers[0]!.length;
  }

  /** Takes ownership of `next` (same layout) and destroys the buffers it replaces. */
  replace(next: PjrtBuffer[][]): void {
    const old = this.#buffers;
    this.#buffers = next;
    for (const list of old) for (const b of list) b.destroy();
  }

  /** Reads tensors [from, from + plan's entry count) of device 0 into one flat array. */
  async readFlat(plan: ModelPlan, group: number): Promise<Float32Array> {
    const flat = new Float32Array(plan.layout.totalSize);
    const P = plan.layout.entries.length;
    await Promise.all(plan.layout.entries.map((e, i) => this.#buffers[0]![group * P + i]!.toHost(flat.subarray(e.offset, e.offset + e.size))));
    return flat;
  }

  async readT(): Promise<number> {
    const list = this.#buffers[0]!;
    return (await list[list.length - 1]!.toHost(new Float32Array(1)))[0]!;
  }

  destroy(): void {
    for (const list of this.#buffers) for (const b of list) b.destroy();
    this.#buffers = this.#buffers.map(() => []);
  }
}
