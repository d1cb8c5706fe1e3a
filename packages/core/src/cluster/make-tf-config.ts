/**
 * Builds the TF_CONFIG of every process of a local launch (`syncline launch`): one
 * host, consecutive ports, one entry per rank.
 *
 * 1. Validate: workers is an integer >= 1; basePort and basePort + workers - 1 lie in
 *    1..65535; hostIp is a valid host (an IPv6 address is bracketed here).
 * 2. Rank r listens on basePort + r.
 * 3. With chief: rank 0 is the chief and rank r >= 1 is worker r - 1; without: rank r is
 *    worker r (worker 0 then acts as chief, as in TensorFlow).
 * 4. Every rank gets the same cluster and its own task; entry r is rank r's TF_CONFIG
 *    (pass JSON.stringify(entry) as the child's TF_CONFIG).
 */
import { configError, isRecord, kindOf, own, ROOT_FIELD } from './config-reading';
import { checkHostPort, isAddressProblem, MAX_PORT, MIN_PORT } from './host-port';
import type { TfConfig } from './tf-config-types';

/** Options of {@link makeTfConfig}. */
export interface MakeTfConfigOptions {
  /** How many processes (training tasks) to launch, chief included. */
  readonly workers: number;
  /** The host every task listens on: a hostname, IPv4 or IPv6 address (brackets optional). */
  readonly hostIp: string;
  /** The port of rank 0; rank r uses basePort + r. */
  readonly basePort: number;
  /** Make rank 0 a "chief" task (default false: all "worker" tasks). */
  readonly chief?: boolean;
  /** Written as rpc_layer when given. */
  readonly rpcLayer?: string;
}

/** The name errors about these options start with. */
export const MAKE_TF_CONFIG_SOURCE = 'makeTfConfig options';

/**
 * Returns one TF_CONFIG per rank (index = rank).
 * @throws InvalidConfigError naming the option, its value and the allowed range.
 */
export function makeTfConfig(options: MakeTfConfigOptions): TfConfig[] {
  const o: unknown = options;
  if (!isRecord(o)) throw configError(MAKE_TF_CONFIG_SOURCE, ROOT_FIELD, o, `an object {workers, hostIp, basePort}, not ${kindOf(o)}`);
  const workers = own(o, 'workers');
  if (typeof workers !== 'number' || !Number.isSafeInteger(workers) || workers < 1) {
    throw configError(MAKE_TF_CONFIG_SOURCE, 'workers', workers, 'an integer >= 1: the number of processes to launch');
  }
  const basePort = own(o, 'basePort');
  const lastPort = MAX_PORT - workers + 1;
  if (typeof basePort !== 'number' || !Number.isSafeInteger(basePort) || basePort < MIN_PORT || basePort > lastPort) {
    throw configError(
      MAKE_TF_CONFIG_SOURCE,
      'basePort',
      basePort,
      `an integer port from ${MIN_PORT} to ${lastPort}, so that ${workers} consecutive ports fit below ${MAX_PORT + 1}`,
    );
  }
  const host = hostForAddress(own(o, 'hostIp'));
  const chief = own(o, 'chief');
  if (chief !== undefined && typeof chief !== 'boolean') throw configError(MAKE_TF_CONFIG_SOURCE, 'chief', chief, 'true, false or nothing');
  const rpcLayer = own(o, 'rpcLayer');
  if (rpcLayer !== undefined && typeof rpcLayer !== 'string')
    throw configError(MAKE_TF_CONFIG_SOURCE, 'rpcLayer', rpcLayer, 'a string such as "grpc", or nothing');
  const addresses = Array.from({ length: workers }, (_, r) => `${host}:${basePort + r}`);
  const cluster = (): TfConfig['cluster'] => (chief === true ? { chief: addresses.slice(0, 1), worker: addresses.slice(1) } : { worker: [...addresses] });
  return addresses.map((_, rank) => ({
    cluster: cluster(),
    task: chief === true ? (rank === 0 ? { type: 'chief', index: 0 } : { type: 'worker', index: rank - 1 }) : { type: 'worker', index: rank },
    ...(rpcLayer === undefined ? {} : { rpc_layer: rpcLayer }),
  }));
}

function hostForAddress(hostIp: unknown): string {
  const expected = 'a hostname, IPv4 or IPv6 address for every task to listen on, such as "127.0.0.1", "localhost" or "::1"';
  if (typeof hostIp !== 'string') throw configError(MAKE_TF_CONFIG_SOURCE, 'hostIp', hostIp, expected);
  const host = hostIp.includes(':') && !hostIp.startsWith('[') ? `[${hostIp}]` : hostIp;
  const checked = checkHostPort(`${host}:${MIN_PORT}`);
  if (isAddressProblem(checked)) throw configError(MAKE_TF_CONFIG_SOURCE, 'hostIp', hostIp, `${expected}: ${checked.expected}`);
  return host;
}
