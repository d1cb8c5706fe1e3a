/**
 * A PJRT_Client: its addressable devices, compilation of StableHLO text, and host to
 * device transfers. Owns what it creates only through the objects it returns; destroy()
 * releases the client itself (destroy executables and buffers first).
 */
import { BackendError } from '@syncline/core';
import { PjrtBuffer } from './buffer';
import { encodeCompileOptions, type CompileOptions } from './compile-options';
import { PjrtLoadedExecutable } from './executable';
import { BUFFER_TYPE, HOST_BUFFER_SEMANTICS_IMMUTABLE_ONLY_DURING_CALL, T, structSize } from './ffi-types';
import { koffi } from './koffi';
import { NamedValueArray, type NamedValue } from './named-values';
import { NativeBlock, readPointerArray, readString } from './native-memory';
import type { PjrtApi } from './pjrt-api';

export interface PjrtDevice {
  /** PJRT_Device*. */
  readonly ptr: bigint;
  /** Global device id. */
  readonly id: number;
  /** Device kind, e.g. "cpu", "NVIDIA H100 80GB HBM3", "TPU v4". */
  readonly kind: string;
}

/** Host arrays we transfer, and their PJRT element type. */
export type HostArray = Float32Array | Int32Array;

function bufferTypeOf(data: HostArray): number {
  return data instanceof Float32Array ? BUFFER_TYPE.F32 : BUFFER_TYPE.S32;
}

export class PjrtClient {
  #ptr: bigint | null;
  readonly devices: readonly PjrtDevice[];
  readonly platformName: string;
  readonly platformVersion: string;
  /**
   * True when PJRT_LoadedExecutable_Execute runs the computation before returning (the
   * XLA CPU plugin with `asynchronous: false`): executions are then issued from a koffi
   * worker thread so the JS thread never waits on the device.
   */
  readonly executeBlocks: boolean;

  private constructor(
    readonly api: PjrtApi,
    ptr: bigint,
    executeBlocks: boolean,
  ) {
    this.executeBlocks = executeBlocks;
    this.#ptr = ptr;
    const name = api.call('PJRT_Client_PlatformName', { client: ptr, platform_name: null, platform_name_size: 0 });
    this.platformName = readString(name.platform_name as bigint | null, Number(name.platform_name_size));
    const ver = api.call('PJRT_Client_PlatformVersion', { client: ptr, platform_version: null, platform_version_size: 0 });
    this.platformVersion = readString(ver.platform_version as bigint | null, Number(ver.platform_version_size));
    const devs = api.call('PJRT_Client_AddressableDevices', { client: ptr, addressable_devices: null, num_addressable_devices: 0 });
    this.devices = readPointerArray(devs.addressable_devices as bigint, Number(devs.num_addressable_devices)).map((d) => {
      const desc = api.call('PJRT_Device_GetDescription', { device: d, device_description: null }).device_description as bigint;
      const id = Number(api.call('PJRT_DeviceDescription_Id', { device_description: desc, id: 0 }).id);
      const k = api.call('PJRT_DeviceDescription_Kind', { device_description: desc, device_kind: null, device_kind_size: 0 });
      return { ptr: d, id, kind: readString(k.device_kind as bigint | null, Number(k.device_kind_size)) };
    });
  }

  /**
   * PJRT_Client_Create with plugin-specific create options (named values), e.g.
   * `{ cpu_device_count: 4 }` for the XLA CPU plugin.
   */
  static create(api: PjrtApi, options: Readonly<Record<string, NamedValue>> = {}): PjrtClient {
    const named = new NamedValueArray(options);
    try {
      const out = api.call('PJRT_Client_Create', {
        create_options: named.count > 0 ? named.block.ptr : null,
        num_options: named.count,
        kv_get_callback: null,
        kv_get_user_arg: null,
        kv_put_callback: null,
        kv_put_user_arg: null,
        client: null,
        kv_try_get_callback: null,
        kv_try_get_user_arg: null,
      });
      return new PjrtClient(api, out.client as bigint, options.asynchronous === false);
    } finally {
      named.free();
    }
  }

  get ptr(): bigint {
    if (this.#ptr === null) throw new BackendError('pjrt', 'use of a destroyed PJRT client', { detailCode: 'FAILED_PRECONDITION' });
    return this.#ptr;
  }

  /** Compiles StableHLO (MLIR text) for `numReplicas` devices; see PjrtLoadedExecutable. */
  compile(mlir: string, options: CompileOptions): PjrtLoadedExecutable {
    const code = Buffer.from(mlir, 'utf8');
    const codeBlock = new NativeBlock(code.length);
    codeBlock.write(code);
    const format = Buffer.from('mlir', 'utf8');
    const formatBlock = new NativeBlock(format.length);
    formatBlock.write(format);
    const opts = encodeCompileOptions(options);
    const optsBlock = new NativeBlock(opts.length);
    optsBlock.write(opts);
    const program = new NativeBlock(koffi.sizeof(T.Program));
    try {
      koffi.encode(program.ptr, T.Program, {
        struct_size: structSize('Program'),
        extension_start: null,
        code: codeBlock.ptr,
        code_size: code.length,
        format: formatBlock.ptr,
        format_size: format.length,
      });
      const out = this.api.call('PJRT_Client_Compile', {
        client: this.ptr,
        program: program.ptr,
        compile_options: optsBlock.ptr,
        compile_options_size: opts.length,
        executable: null,
      });
      return new PjrtLoadedExecutable(this.api, out.executable as bigint, this.executeBlocks);
    } finally {
      for (const b of [codeBlock, formatBlock, optsBlock, program]) b.free();
    }
  }

  /**
   * Copies `data` (shape `dims`, row-major) to `device`. The plugin copies during the
   * call (kImmutableOnlyDuringCall), so `data` may be reused at once.
   */
  bufferFromHost(data: HostArray, dims: readonly number[], device: PjrtDevice): PjrtBuffer {
    const expected = dims.reduce((a, b) => a * b, 1);
    if (expected !== data.length) {
      throw new BackendError('pjrt', `host array has ${data.length} elements but dims [${dims.join(', ')}] need ${expected}`, {
        detailCode: 'INVALID_ARGUMENT',
      });
    }
    const dimsBlock = new NativeBlock(dims.length * 8);
    dimsBlock.write(BigInt64Array.from(dims, BigInt));
    try {
      const out = this.api.call('PJRT_Client_BufferFromHostBuffer', {
        client: this.ptr,
        data: koffi.address(data),
        type: bufferTypeOf(data),
        dims: dimsBlock.ptr,
        num_dims: dims.length,
        byte_strides: null,
        num_byte_strides: 0,
        host_buffer_semantics: HOST_BUFFER_SEMANTICS_IMMUTABLE_ONLY_DURING_CALL,
        device: device.ptr,
        memory: null,
        device_layout: null,
        done_with_host_buffer: null,
        buffer: null,
      });
      if (out.done_with_host_buffer) this.api.call('PJRT_Event_Destroy', { event: out.done_with_host_buffer });
      return new PjrtBuffer(this.api, out.buffer as bigint);
    } finally {
      dimsBlock.free();
    }
  }

  /** PJRT_Client_Destroy; safe to call twice. */
  destroy(): void {
    if (this.#ptr === null) return;
    const ptr = this.#ptr;
    this.#ptr = null;
    this.api.call('PJRT_Client_Destroy', { client: ptr });
  }
}
