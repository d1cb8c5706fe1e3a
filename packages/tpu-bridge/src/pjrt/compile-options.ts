/**
 * CompileOptionsProto bytes (xla/pjrt/proto/compile_options.proto), built with
 * protobufjs from a hand-written subset of the schema: only the fields we set, with
 * their upstream field numbers. Unknown-to-us fields keep their defaults in XLA.
 */
import protobuf from 'protobufjs';

const SCHEMA = {
  nested: {
    xla: {
      nested: {
        DeviceAssignmentProto: {
          fields: {
            replica_count: { type: 'int32', id: 1 },
            computation_count: { type: 'int32', id: 2 },
            computation_devices: { rule: 'repeated', type: 'ComputationDevice', id: 3 },
          },
          nested: { ComputationDevice: { fields: { replica_device_ids: { rule: 'repeated', type: 'int64', id: 1 } } } },
        },
        ExecutableBuildOptionsProto: {
          fields: {
            device_ordinal: { type: 'int64', id: 1 },
            num_replicas: { type: 'int64', id: 4 },
            num_partitions: { type: 'int64', id: 5 },
            use_spmd_partitioning: { type: 'bool', id: 6 },
            device_assignment: { type: 'DeviceAssignmentProto', id: 9 },
          },
        },
        CompileOptionsProto: {
          fields: {
            executable_build_options: { type: 'ExecutableBuildOptionsProto', id: 3 },
            compile_portable_executable: { type: 'bool', id: 4 },
          },
        },
      },
    },
  },
};

let compileOptionsType: protobuf.Type | null = null;

export interface CompileOptions {
  /** Number of replicas (one per device), >= 1. */
  readonly numReplicas: number;
  /** Global device ids, one per replica, in replica order; omitted: the plugin's default assignment. */
  readonly deviceIds?: readonly number[];
}

/** Serialized CompileOptionsProto for a replicated (data-parallel) program with one partition. */
export function encodeCompileOptions(options: CompileOptions): Uint8Array {
  compileOptionsType ??= protobuf.Root.fromJSON(SCHEMA).lookupType('xla.CompileOptionsProto');
  const build: Record<string, unknown> = {
    device_ordinal: -1,
    num_replicas: options.numReplicas,
    num_partitions: 1,
  };
  if (options.deviceIds) {
    build.device_assignment = {
      replica_count: options.numReplicas,
      computation_count: 1,
      computation_devices: [{ replica_device_ids: options.deviceIds }],
    };
  }
  const message = compileOptionsType.fromObject({ executable_build_options: build });
  return compileOptionsType.encode(message).finish();
}
