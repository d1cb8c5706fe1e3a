/**
 * A cluster as TensorFlow describes it: task type -> addresses ("host:port"). The
 * sparse form (Kubeflow's sparseCluster) is normalised to dense lists before use.
 */
export interface ClusterSpec {
  readonly chief?: readonly string[];
  readonly worker?: readonly string[];
  readonly ps?: readonly string[];
  readonly evaluator?: readonly string[];
}
