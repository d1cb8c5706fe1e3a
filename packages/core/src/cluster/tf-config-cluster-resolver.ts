/**
 * TFConfigClusterResolver: where this process sits in a multi-worker cluster, read
 * from TF_CONFIG exactly as TensorFlow reads it (with Kubeflow TFJob's and AI
 * Platform's extra keys), from Vertex AI's CLUSTER_SPEC, or from the same objects
 * given in code.
 */
import { parseClusterConfig } from './parse-cluster-config';
import { BaseClusterResolver, type ClusterSource } from './base-cluster-resolver';
import { CLUSTER_SPEC_ENV, TF_CONFIG_DIALECT, TF_CONFIG_ENV, VERTEX_CLUSTER_SPEC_DIALECT } from './dialects';
import type { ParsedClusterConfig } from './parse-cluster-config';

/** An environment: variable name -> value (process.env has this shape). */
export type EnvironmentVariables = Readonly<Record<string, string | undefined>>;

const SINGLE_MACHINE: ParsedClusterConfig = {
  source: 'local',
  placement: undefined,
  rpcLayer: undefined,
  environment: undefined,
  trial: undefined,
  job: undefined,
};

export class TFConfigClusterResolver extends BaseClusterResolver {
  readonly name = 'tf-config';

  private constructor(parsed: ParsedClusterConfig, source: ClusterSource) {
    super(parsed, source);
  }

  /**
   * Reads the environment, first match wins:
   * 1. TF_CONFIG, when set to something other than blanks: parsed as {@link fromObject}.
   * 2. Else CLUSTER_SPEC (Vertex AI), when set to something other than blanks: parsed as
   *    {@link fromVertexClusterSpec}. (Vertex AI's TensorFlow containers set both, with
   *    the same cluster; TF_CONFIG then wins.)
   * 3. Else a single machine: {@link local}.
   * A blank value counts as unset, because manifests often template an empty string.
   * @throws InvalidConfigError when the chosen variable is malformed (the message names
   *   the variable, the field path, the bad value and what is expected).
   */
  static fromEnv(env: EnvironmentVariables = defaultEnv()): TFConfigClusterResolver {
    const tfConfig = env[TF_CONFIG_ENV];
    if (tfConfig !== undefined && tfConfig.trim() !== '') return TFConfigClusterResolver.fromObject(tfConfig);
    const clusterSpec = env[CLUSTER_SPEC_ENV];
    if (clusterSpec !== undefined && clusterSpec.trim() !== '') return TFConfigClusterResolver.fromVertexClusterSpec(clusterSpec);
    return TFConfigClusterResolver.local();
  }

  /**
   * Parses a TF_CONFIG value: an object (the same object given in code) or its JSON
   * text. `cluster` maps chief (or the legacy master, read as chief), worker, ps and
   * evaluator to lists of "host:port" (or, as in TensorFlow's ClusterSpec and
   * Kubeflow's sparseCluster, to objects from index to address that list every index);
   * `task` holds `type` and `index` (a number or a decimal string). `{}` means a single
   * machine, as in TensorFlow.
   * @throws InvalidConfigError for any malformed value, naming the field path.
   */
  static fromObject(config: unknown): TFConfigClusterResolver {
    return new TFConfigClusterResolver(parseClusterConfig(config, TF_CONFIG_DIALECT), 'TF_CONFIG');
  }

  /** Parses TF_CONFIG's JSON text; same rules as {@link fromObject}. */
  static fromJson(text: string): TFConfigClusterResolver {
    return TFConfigClusterResolver.fromObject(typeof text === 'string' ? text : String(text));
  }

  /**
   * Parses Vertex AI's CLUSTER_SPEC (object or JSON text): workerpool0 is the chief
   * (Vertex AI's primary replica, at most one), workerpool1 the workers, workerpool2 the
   * `ps` role (parameter servers or Reduction Server replicas: either way no training
   * rank), workerpool3 the evaluator. clusterSpec() and toTfConfig() use TensorFlow's
   * names.
   * @throws InvalidConfigError naming the CLUSTER_SPEC field path.
   */
  static fromVertexClusterSpec(spec: unknown): TFConfigClusterResolver {
    return new TFConfigClusterResolver(parseClusterConfig(spec, VERTEX_CLUSTER_SPEC_DIALECT), 'CLUSTER_SPEC');
  }

  /**
   * A single machine, as TensorFlow runs without TF_CONFIG: taskType "worker",
   * taskIndex 0, rank 0, worldSize 1, isChief true, isEvaluator false, isLocal true,
   * clusterSpec() `{}`, rankAddresses `[]` (nothing to connect to), taskAddress
   * undefined, source "local".
   */
  static local(): TFConfigClusterResolver {
    return new TFConfigClusterResolver(SINGLE_MACHINE, 'local');
  }
}

function defaultEnv(): EnvironmentVariables {
  return typeof process === 'undefined' ? {} : process.env;
}
