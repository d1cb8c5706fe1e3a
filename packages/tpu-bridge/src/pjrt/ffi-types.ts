/**
 * Our own koffi declarations of the PJRT C API structs we use, pinned to pjrt_c_api.h at
 * PJRT_API_MINOR 81 (see api-version.ts). Every args struct starts with `struct_size`
 * and `extension_start`; `struct_size` is PJRT_STRUCT_SIZE(T, last_field), i.e. the
 * offset of the last field plus its size (no tail padding), exactly as the header's
 * PJRT_DEFINE_STRUCT_TRAITS computes it. Opaque handles are `void*` (BigInt in koffi 3).
 */
import { koffi } from './koffi';
import type { TypeObject } from './koffi';

const HEAD = { struct_size: 'size_t', extension_start: 'void*' } as const;

/**
 * Declares `struct name { size_t struct_size; void* extension_start; ...fields }`. The
 * koffi type is anonymous on purpose: koffi's named types are process-wide, and a
 * second copy of this module (jest gives each test file its own) must not collide.
 */
function args(name: string, fields: Record<string, string>): TypeObject {
  void name;
  return koffi.struct({ ...HEAD, ...fields });
}

export const T = {
  ErrorDestroy: args('PJRT_Error_Destroy_Args', { error: 'void*' }),
  ErrorMessage: args('PJRT_Error_Message_Args', { error: 'void*', message: 'void*', message_size: 'size_t' }),
  ErrorGetCode: args('PJRT_Error_GetCode_Args', { error: 'void*', code: 'int' }),
  /** The value union is 8 bytes; we store int64 values (and pointers as their address). */
  NamedValue: args('PJRT_NamedValue', {
    name: 'void*',
    name_size: 'size_t',
    type: 'int',
    value: 'int64_t',
    value_size: 'size_t',
  }),
  PluginInitialize: koffi.struct({ ...HEAD }),
  EventDestroy: args('PJRT_Event_Destroy_Args', { event: 'void*' }),
  EventAwait: args('PJRT_Event_Await_Args', { event: 'void*' }),
  EventIsReady: args('PJRT_Event_IsReady_Args', { event: 'void*', is_ready: 'bool' }),
  EventError: args('PJRT_Event_Error_Args', { event: 'void*' }),
  ClientCreate: args('PJRT_Client_Create_Args', {
    create_options: 'void*',
    num_options: 'size_t',
    kv_get_callback: 'void*',
    kv_get_user_arg: 'void*',
    kv_put_callback: 'void*',
    kv_put_user_arg: 'void*',
    client: 'void*',
    kv_try_get_callback: 'void*',
    kv_try_get_user_arg: 'void*',
  }),
  ClientDestroy: args('PJRT_Client_Destroy_Args', { client: 'void*' }),
  ClientPlatformName: args('PJRT_Client_PlatformName_Args', { client: 'void*', platform_name: 'void*', platform_name_size: 'size_t' }),
  ClientPlatformVersion: args('PJRT_Client_PlatformVersion_Args', {
    client: 'void*',
    platform_version: 'void*',
    platform_version_size: 'size_t',
  }),
  ClientAddressableDevices: args('PJRT_Client_AddressableDevices_Args', {
    client: 'void*',
    addressable_devices: 'void*',
    num_addressable_devices: 'size_t',
  }),
  Program: args('PJRT_Program', { code: 'void*', code_size: 'size_t', format: 'void*', format_size: 'size_t' }),
  ClientCompile: args('PJRT_Client_Compile_Args', {
    client: 'void*',
    program: 'void*',
    compile_options: 'void*',
    compile_options_size: 'size_t',
    executable: 'void*',
  }),
  ClientBufferFromHostBuffer: args('PJRT_Client_BufferFromHostBuffer_Args', {
    client: 'void*',
    data: 'void*',
    type: 'int',
    dims: 'void*',
    num_dims: 'size_t',
    byte_strides: 'void*',
    num_byte_strides: 'size_t',
    host_buffer_semantics: 'int',
    device: 'void*',
    memory: 'void*',
    device_layout: 'void*',
    done_with_host_buffer: 'void*',
    buffer: 'void*',
  }),
  DeviceGetDescription: args('PJRT_Device_GetDescription_Args', { device: 'void*', device_description: 'void*' }),
  DeviceDescriptionId: args('PJRT_DeviceDescription_Id_Args', { device_description: 'void*', id: 'int' }),
  DeviceDescriptionKind: args('PJRT_DeviceDescription_Kind_Args', {
    device_description: 'void*',
    device_kind: 'void*',
    device_kind_size: 'size_t',
  }),
  ExecutableDestroy: args('PJRT_Executable_Destroy_Args', { executable: 'void*' }),
  ExecutableNumReplicas: args('PJRT_Executable_NumReplicas_Args', { executable: 'void*', num_replicas: 'size_t' }),
  ExecutableNumOutputs: args('PJRT_Executable_NumOutputs_Args', { executable: 'void*', num_outputs: 'size_t' }),
  LoadedExecutableDestroy: args('PJRT_LoadedExecutable_Destroy_Args', { executable: 'void*' }),
  LoadedExecutableGetExecutable: args('PJRT_LoadedExecutable_GetExecutable_Args', { loaded_executable: 'void*', executable: 'void*' }),
  ExecuteOptions: args('PJRT_ExecuteOptions', {
    send_callbacks: 'void*',
    recv_callbacks: 'void*',
    num_send_ops: 'size_t',
    num_recv_ops: 'size_t',
    launch_id: 'int',
    non_donatable_input_indices: 'void*',
    num_non_donatable_input_indices: 'size_t',
    context: 'void*',
    call_location: 'void*',
    num_tasks: 'size_t',
    task_ids: 'void*',
    incarnation_ids: 'void*',
  }),
  LoadedExecutableExecute: args('PJRT_LoadedExecutable_Execute_Args', {
    executable: 'void*',
    options: 'void*',
    argument_lists: 'void*',
    num_devices: 'size_t',
    num_args: 'size_t',
    output_lists: 'void*',
    device_complete_events: 'void*',
    execute_device: 'void*',
  }),
  BufferDestroy: args('PJRT_Buffer_Destroy_Args', { buffer: 'void*' }),
  BufferDimensions: args('PJRT_Buffer_Dimensions_Args', { buffer: 'void*', dims: 'void*', num_dims: 'size_t' }),
  BufferToHostBuffer: args('PJRT_Buffer_ToHostBuffer_Args', {
    src: 'void*',
    host_layout: 'void*',
    dst: 'void*',
    dst_size: 'size_t',
    event: 'void*',
  }),
  BufferReadyEvent: args('PJRT_Buffer_ReadyEvent_Args', { buffer: 'void*', event: 'void*' }),
} as const;

export type StructName = keyof typeof T;

/** The header's last field of each struct, for PJRT_STRUCT_SIZE. */
const LAST_FIELD: Record<StructName, string> = {
  ErrorDestroy: 'error',
  ErrorMessage: 'message_size',
  ErrorGetCode: 'code',
  NamedValue: 'value_size',
  PluginInitialize: 'extension_start',
  EventDestroy: 'event',
  EventAwait: 'event',
  EventIsReady: 'is_ready',
  EventError: 'event',
  ClientCreate: 'kv_try_get_user_arg',
  ClientDestroy: 'client',
  ClientPlatformName: 'platform_name_size',
  ClientPlatformVersion: 'platform_version_size',
  ClientAddressableDevices: 'num_addressable_devices',
  Program: 'format_size',
  ClientCompile: 'executable',
  ClientBufferFromHostBuffer: 'buffer',
  DeviceGetDescription: 'device_description',
  DeviceDescriptionId: 'id',
  DeviceDescriptionKind: 'device_kind_size',
  ExecutableDestroy: 'executable',
  ExecutableNumReplicas: 'num_replicas',
  ExecutableNumOutputs: 'num_outputs',
  LoadedExecutableDestroy: 'executable',
  LoadedExecutableGetExecutable: 'executable',
  ExecuteOptions: 'incarnation_ids',
  LoadedExecutableExecute: 'execute_device',
  BufferDestroy: 'buffer',
  BufferDimensions: 'num_dims',
  BufferToHostBuffer: 'event',
  BufferReadyEvent: 'event',
};

/** PJRT_STRUCT_SIZE(T, last_field): offset of the last field plus its size. */
export function structSize(name: StructName): number {
  const type = T[name];
  const last = type.members?.[LAST_FIELD[name]];
  if (!last) throw new Error(`internal: ${name} has no field ${LAST_FIELD[name]}`);
  return last.offset + last.type.size;
}

/** PJRT_Buffer_Type values we use (enum order in pjrt_c_api.h). */
export const BUFFER_TYPE = { PRED: 1, S32: 4, S64: 5, U32: 8, F32: 11, F64: 12 } as const;
/** PJRT_HostBufferSemantics_kImmutableOnlyDuringCall: the plugin copies during the call. */
export const HOST_BUFFER_SEMANTICS_IMMUTABLE_ONLY_DURING_CALL = 0;
/** PJRT_NamedValue_Type. */
export const NAMED_VALUE_TYPE = { STRING: 0, INT64: 1, INT64_LIST: 2, FLOAT: 3, BOOL: 4 } as const;
/** Names of PJRT_Error_Code values (absl status codes). */
export const ERROR_CODE_NAMES: readonly string[] = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];
