/**
 * The PJRT C API version our declarations are pinned to, and the check a plugin must pass.
 *
 * Source of the layouts: openxla/xla `xla/pjrt/c/pjrt_c_api.h`. The declarations in
 * ffi-types.ts follow that header at PJRT_API_MINOR 81 (the XLA CPU plugin in the PyPI
 * wheel `xla-cpu-pjrt` 0.0.1 reports 0.81); they were checked field by field against the
 * header at minor 75 and at minor 90, which agree on every struct we use once the
 * fields added in 0.76 (`call_location`) and 0.78 (task incarnations) of
 * PJRT_ExecuteOptions are included. Minor versions only append fields and functions, so
 * a plugin with a newer minor accepts our (smaller) struct sizes, and one with an older
 * minor is refused because it may lack a function we call.
 */
export const PJRT_API_MAJOR = 0;
/** The minor version our struct declarations were written against. */
export const PJRT_API_MINOR_PINNED = 81;
/**
 * Oldest minor we accept: the oldest header we checked our layouts against (0.75).
 * The function table was last rearranged in 0.57; a plugin older than 0.78 ignores
 * the ExecuteOptions tail it does not know (it only rejects structs that are smaller).
 */
export const PJRT_API_MINOR_MIN = 75;

/** Index of each PJRT_Api function pointer we call, after struct_size, extension_start and pjrt_api_version. */
export const API_SLOTS = {
  PJRT_Error_Destroy: 0,
  PJRT_Error_Message: 1,
  PJRT_Error_GetCode: 2,
  PJRT_Plugin_Initialize: 3,
  PJRT_Event_Destroy: 5,
  PJRT_Event_IsReady: 6,
  PJRT_Event_Error: 7,
  PJRT_Event_Await: 8,
  PJRT_Client_Create: 10,
  PJRT_Client_Destroy: 11,
  PJRT_Client_PlatformName: 12,
  PJRT_Client_PlatformVersion: 14,
  PJRT_Client_AddressableDevices: 16,
  PJRT_Client_Compile: 20,
  PJRT_Client_BufferFromHostBuffer: 22,
  PJRT_DeviceDescription_Id: 23,
  PJRT_DeviceDescription_Kind: 26,
  PJRT_Device_GetDescription: 29,
  PJRT_Executable_Destroy: 40,
  PJRT_Executable_NumReplicas: 42,
  PJRT_Executable_NumOutputs: 44,
  PJRT_LoadedExecutable_Destroy: 50,
  PJRT_LoadedExecutable_GetExecutable: 51,
  PJRT_LoadedExecutable_Execute: 55,
  PJRT_Buffer_Destroy: 58,
  PJRT_Buffer_Dimensions: 60,
  PJRT_Buffer_ToHostBuffer: 70,
  PJRT_Buffer_ReadyEvent: 72,
} as const;

export type ApiFunctionName = keyof typeof API_SLOTS;

/** Byte offset of the first function pointer in PJRT_Api: struct_size, extension_start, PJRT_Api_Version (24 bytes). */
export const API_FIRST_SLOT_OFFSET = 8 + 8 + 24;
