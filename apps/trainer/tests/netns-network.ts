/**
 * A throwaway multi-host network from Linux network namespaces, for tests run as root:
 *   1. a hub namespace holds a bridge; every host namespace gets a veth pair whose
 *      other end is created directly inside the hub and enslaved to the bridge, so
 *      nothing is ever added to the caller's own namespace;
 *   2. host i gets 10.213.<subnet>.<i + 1>/24 on its veth (subnet derived from the pid,
 *      names carry the pid, so concurrent runs do not collide);
 *   3. `cut(i)` sets host i's veth down (a network partition); `remove()` deletes every
 *      namespace it created (their veths and the bridge go with them).
 * `tryCreate` returns a printable reason instead of a network where that fails (not root).
 */
import { execFileSync } from 'node:child_process';

const HOST_SUBNET_BASE = '10.213';

function ip(args: readonly string[]): void {
  execFileSync('ip', args as string[], { stdio: ['ignore', 'ignore', 'pipe'] });
}

export class NetnsNetwork {
  readonly hub: string;
  readonly hosts: string[] = [];
  readonly addresses: string[] = [];
  #created: string[] = [];

  private constructor(readonly tag: string, readonly size: number) {
    this.hub = `sl${tag}h`;
  }

  /** Builds a network of `size` host namespaces, or says why it cannot (e.g. not root). */
  static tryCreate(size: number, tag: string): NetnsNetwork | string {
    const net = new NetnsNetwork(tag, size);
    try {
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
    const subnet = `${HOST_SUBNET_BASE}.${(Number.parseInt(this.tag, 10) || 0) % 250}`;
    this.#add(this.hub);
    ip(['-n', this.hub, 'link', 'add', 'br0', 'type', 'bridge']);
    ip(['-n', this.hub, 'link', 'set', 'br0', 'up']);
    for (let i = 0; i < this.size; i++) {
      const ns = `sl${this.tag}w${i}`;
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
    for (const ns of this.#created.splice(0).reverse()) {
      try {
        ip(['netns', 'del', ns]);
      } catch {
        /* already gone */
      }
    }
  }
}
