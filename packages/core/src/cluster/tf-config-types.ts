/**
 * The JSON shapes Syncline reads and writes: TensorFlow's TF_CONFIG and Vertex AI's
 * CLUSTER_SPEC. Readers accept more than these types say (sparse jobs, index strings,
 * extra keys); writers (makeTfConfig, toTfConfig) produce exactly these.
 */

/** A TF_CONFIG job name; "master" is the legacy name of "chief". */
export type TfConfigJobName = 'chief' | 'master' | 'worker' | 'ps' | 'evaluator';

/** TF_CONFIG as TensorFlow documents it. */
export interface TfConfig {
  /** Job name -> the "host:port" of each task, by task index. */
  readonly cluster?: { readonly [job in TfConfigJobName]?: readonly string[] };
  /** This process: its job and its index in that job. */
  readonly task?: { readonly type: TfConfigJobName; readonly index: number; readonly trial?: string };
  /** The protocol peers speak, e.g. "grpc" (informational for Syncline). */
  readonly rpc_layer?: string;
  /** "cloud" on Kubeflow and AI Platform (informational). */
  readonly environment?: string;
}

/** A Vertex AI worker pool name. */
export type VertexWorkerPool = 'workerpool0' | 'workerpool1' | 'workerpool2' | 'workerpool3';

/** Vertex AI's CLUSTER_SPEC environment variable, as Vertex AI documents it. */
export interface VertexClusterSpec {
  readonly cluster: { readonly [pool in VertexWorkerPool]?: readonly string[] };
  readonly task: { readonly type: VertexWorkerPool; readonly index: number; readonly trial?: string };
  readonly environment?: string;
  /** The CustomJob's spec as Vertex AI passes it (informational). */
  readonly job?: unknown;
}
