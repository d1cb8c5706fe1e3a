/**
 * The PJRT_Api function table of one loaded plugin, callable from TypeScript. Every
 * call fills the args struct's `struct_size`, passes the struct in and out, and turns a
 * returned PJRT_Error into a BackendError carrying the PJRT code name and message (the
 * PJRT_Error is always destroyed).
 */
import { koffi } from './koffi';
import type { TypeObject } from './koffi';
import { BackendError } from '@syncline/core';
import { API_FIRST_SLOT_OFFSET, API_SLOTS, type ApiFunctionName } from './api-version';
import { ERROR_CODE_NAMES, T, structSize, type StructName } from './ffi-types';
import { readString } from './native-memory';

export interface PluginInfo {
  readonly path: string;
  readonly major: number;
  readonly minor: number;
  /** PJRT_Api.struct_size as the plugin reports it. */
  readonly tableBytes: number;
}

/** Which args struct each function takes. */
const ARGS_OF: Record<ApiFunctionName, StructName> = {
  PJRT_Error_Destroy: 'ErrorDestroy',
  PJRT_Error_Message: 'ErrorMessage',
  PJRT_Error_GetCode: 'ErrorGetCode',
  PJRT_Plugin_Initialize: 'PluginInitialize',
  PJRT_Event_Destroy: 'EventDestroy',
  PJRT_Event_IsReady: 'EventIsReady',
  PJRT_Event_Error: 'EventError',
  PJRT_Event_Await: 'EventAwait',
  PJRT_Client_Create: 'ClientCreate',
  PJRT_Client_Destroy: 'ClientDestroy',
  PJRT_Client_PlatformName: 'ClientPlatformName',
  PJRT_Client_PlatformVersion: 'ClientPlatformVersion',
  PJRT_Client_AddressableDevices: 'ClientAddressableDevices',
  PJRT_Client_Compile: 'ClientCompile',
  PJRT_Client_BufferFromHostBuffer: 'ClientBufferFromHostBuffer',
  PJRT_DeviceDescription_Id: 'DeviceDescriptionId',
  PJRT_DeviceDescription_Kind: 'DeviceDescriptionKind',
  PJRT_Device_GetDescription: 'DeviceGetDescription',
  PJRT_Executable_Destroy: 'ExecutableDestroy',
  PJRT_Executable_NumReplicas: 'ExecutableNumReplicas',
  PJRT_Executable_NumOutputs: 'ExecutableNumOutputs',
  PJRT_LoadedExecutable_Destroy: 'LoadedExecutableDestroy',
  PJRT_LoadedExecutable_GetExecutable: 'LoadedExecutableGetExecutable',
  PJRT_LoadedExecutable_Execute: 'LoadedExecutableExecute',
  PJRT_Buffer_Destroy: 'BufferDestroy',
  PJRT_Buffer_Dimensions: 'BufferDimensions',
  PJRT_Buffer_ToHostBuffer: 'BufferToHostBuffer',
  PJRT_Buffer_ReadyEvent: 'BufferReadyEvent',
};

type NativeFn = ((args: Record<string, unknown>) => bigint | null) & {
  async: (args: Record<string, unknown>, done: (err: unknown, result: bigint | null) => void) => void;
};
type Fields = Record<string, unknown>;

export class PjrtApi {
  readonly #fns = new Map<ApiFunctionName, NativeFn>();
  readonly #protos = new Map<StructName, TypeObject>();

  constructor(
    readonly ptr: bigint,
    readonly info: PluginInfo,
  ) {}

  /** Function pointer in slot `name` of the table; throws when the plugin's table is too short. */
  #fn(name: ApiFunctionName): NativeFn {
    const cached = this.#fns.get(name);
    if (cached) return cached;
    const offset = API_FIRST_SLOT_OFFSET + API_SLOTS[name] * 8;
    if (offset + 8 > this.info.tableBytes) {
      throw new BackendError('pjrt', `plugin "${this.info.path}" (API ${this.info.major}.${this.info.minor}) has no ${name}`, {
        detailCode: 'UNIMPLEMENTED',
      });
    }
    const fnPtr = new BigUint64Array(koffi.view(this.ptr + BigInt(offset), 8))[0]!;
    if (fnPtr === 0n) {
      throw new BackendError('pjrt', `plugin "${this.info.path}" leaves ${name} unset`, { detailCode: 'UNIMPLEMENTED' });
    }
    const structName = ARGS_OF[name];
    let proto = this.#protos.get(structName);
    if (!proto) {
      proto = koffi.proto('void*', [koffi.inout(koffi.pointer(T[structName]))]);
      this.#protos.set(structName, proto);
    }
    const fn = koffi.decode(fnPtr, proto) as NativeFn;
    this.#fns.set(name, fn);
    return fn;
  }

  /**
   * Calls `name` with `fields` (struct_size and extension_start are filled in) and
   * returns the struct as the plugin left it (outputs included).
   * @throws BackendError with detailCode = the PJRT error code name.
   */
  call(name: ApiFunctionName, fields: Fields = {}): Fields {
    const structName = ARGS_OF[name];
    const args: Fields = { struct_size: structSize(structName), extension_start: null, ...fields };
    const error = this.#fn(name)(args);
    if (error) throw this.toError(error, name);
    return args;
  }

  /**
   * Calls `name` on one of koffi's worker threads (for blocking calls such as
   * PJRT_Event_Await), so the JS thread keeps running. Same error mapping as call().
   */
  callAsync(name: ApiFunctionName, fields: Fields = {}): Promise<Fields> {
    const structName = ARGS_OF[name];
    const args: Fields = { struct_size: structSize(structName), extension_start: null, ...fields };
    const fn = this.#fn(name);
    return new Promise((resolve, reject) => {
      fn.async(args, (err, error) => {
        if (err) reject(err instanceof Error ? err : new BackendError('pjrt', `${name}: ${String(err)}`));
        else if (error) reject(this.toError(error, name));
        else resolve(args);
      });
    });
  }

  /** Converts (and destroys) a PJRT_Error* into a BackendError. */
  toError(error: bigint, context: string): BackendError {
    const msg = { struct_size: structSize('ErrorMessage'), extension_start: null, error, message: null, message_size: 0 };
    this.#fn('PJRT_Error_Message')(msg);
    const message = readString(msg.message as bigint | null, Number(msg.message_size));
    const code = { struct_size: structSize('ErrorGetCode'), extension_start: null, error, code: 0 };
    this.#fn('PJRT_Error_GetCode')(code);
    this.destroyError(error);
    const codeName = ERROR_CODE_NAMES[Number(code.code)] ?? `CODE_${String(code.code)}`;
    return new BackendError('pjrt', `${context} failed (${codeName}): ${message.trim()}`, {
      detailCode: codeName,
      retryable: codeName === 'UNAVAILABLE' || codeName === 'ABORTED',
    });
  }

  destroyError(error: bigint): void {
    this.#fn('PJRT_Error_Destroy')({ struct_size: structSize('ErrorDestroy'), extension_start: null, error });
  }

  /** PJRT_Plugin_Initialize; called once by loadPjrtPlugin. */
  initializePlugin(): void {
    this.call('PJRT_Plugin_Initialize');
  }
}
