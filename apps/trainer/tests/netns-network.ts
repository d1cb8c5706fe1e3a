/**
 * A throwaway multi-host network from Linux network namespaces, for tests run as root:
 *   1. a hub namespace holds a bridge; every host namespace gets a veth pair whose
 *      other end is created directly inside the hub and enslaved to the bridge, so
 *      nothing is ever added to the caller's own namespace;
 *   2. host i gets 10.213.<subnet>.<i + 1>/24 on its veth (subnet derived from the pid and
 *      the network's id; names are sl<pid>n<id>h / sl<pid>n<id>w<i>, so concurrent runs do
 *      not collide);
 *   3. `cut(i)` sets host i's veth down (a network partition); `remove()` deletes every
 *      namespace it created (their veths and the bridge go with them), and so does the
 *      process's exit; namespaces of this naming left by a test process that no longer
 *      exists (killed outright) are removed before a new network is built.
 * `tryCreate` returns a printable reason instead of a network where that fails (not root).
 */
import { execFileSync } from 'node:child_process';

const HOST_SUBNET_BASE = '10.213';
const SUBNETS = 250;
const OUR_NAMES = /^sl(\d+)n\d+(h|w\d+)$/;

function ip(args: readonly string[]): string {
  return execFileSync('ip', args as string[], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Deletes namespaces named by this helper whose test process is gone. */
function removeStale(): void {
  for (const line of ip(['netns', 'list']).split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const m = OUR_NAMES.exec(name);
    if (m && !alive(Number(m[1]))) {
      try {
        ip(['netns', 'del', name]);
      } catch {
        /* raced with another cleanup */
      }
    }
  }
}

const openNetworks = new Set<NetnsNetwork>();
process.on('exit', () => {
  for (const n of [...openNetworks]) n.remove();
});

export class NetnsNetwork {
  readonly hub: string;
  readonly hosts: string[] = [];
  readonly addresses: string[] = [];
  #created: string[] = [];

  private constructor(
    readonly id: number,
    readonly size: number,
  ) {
    this.hub = `${this.#prefix()}h`;
  }

  #prefix(): string {
    return `sl${process.pid}n${this.id}`;
  }

  /** Builds network `id` (0, 1, ...) of `size` host namespaces, or says why it cannot (e.g. not root). */
  static tryCreate(size: number, id: number): NetnsNetwork | string {
    const net = new NetnsNetwork(id, size);
    try {
      removeStale();
      openNetworks.add(net);
      net.#build();
      return net;
    } catch (e) {
      const why = (e as { stderr?: Buffer }).stderr?.toString().trim() || (e as Error).message;
      net.remove();
      return `cannot create network namespaces (${why}); these tests need root and iproute2`;
    }
  }

  #add(ns: string): void {
    ip(['netns', 'add', ns]);
    this.#created.push(ns);
    ip(['-n', ns, 'link', 'set', 'lo', 'up']);
  }

  #build(): void {
    const subnet = `${HOST_SUBNET_BASE}.${(process.pid * 8 + this.id) % SUBNETS}`;
    this.#add(this.hub);
    ip(['-n', this.hub, 'link', 'add', 'br0', 'type', 'bridge']);
    ip(['-n', this.hub, 'link', 'set', 'br0', 'up']);
    for (let i = 0; i < this.size; i++) {
      const ns = `${this.#prefix()}w${i}`;
      this.#add(ns);
      ip(['-n', this.hub, 'link', 'add', `h${i}`, 'type', 'veth', 'peer', 'name', `v${i}`, 'netns', ns]);
      ip(['-n', this.hub, 'link', 'set', `h${i}`, 'master', 'br0']);
      ip(['-n', this.hub, 'link', 'set', `h${i}`, 'up']);
      const addr = `${subnet}.${i + 1}`;
      ip(['-n', ns, 'addr', 'add', `${addr}/24`, 'dev', `v${i}`]);
      ip(['-n', ns, 'link', 'set', `v${i}`, 'up']);
      this.hosts.push(ns);
      this.addresses.push(addr);
    }
  }

  /** Host i's veth goes down: it can no longer reach (or be reached by) any other host. */
  cut(i: number): void {
    ip(['-n', this.hosts[i]!, 'link', 'set', `v${i}`, 'down']);
  }

  /** Deletes every namespace this network created; safe to call twice. */
  remove(): void {
    openNetworks.delete(this);
    for (const ns of this.#created.splice(0).reverse()) {
      try {
        ip(['netns', 'del', ns]);
      } catch {
        /* already gone */
      }
    }
  }
}
