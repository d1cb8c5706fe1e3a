// Creates two Linux network namespaces joined by a veth pair (unique names, random
// 10.x.y.0/24 subnet) for the cross-host ring test, and removes them again.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface NetnsPair {
  readonly names: [string, string];
  readonly ips: [string, string];
  remove(): void;
}

const ip = (...args: string[]): void => {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
};

/** Returns the pair, or a string saying why namespaces cannot be made here. */
export function createNetnsPair(): NetnsPair | string {
  const tag = randomBytes(3).toString('hex');
  const names: [string, string] = [`slA${tag}`, `slB${tag}`];
  const veth = [`slva${tag}`, `slvb${tag}`];
  const subnet = `10.${100 + (parseInt(tag.slice(0, 2), 16) % 100)}.${parseInt(tag.slice(2, 4), 16)}`;
  const ips: [string, string] = [`${subnet}.1`, `${subnet}.2`];
  const remove = (): void => {
    for (const n of names)
      try {
        ip('netns', 'del', n);
      } catch {
        /* already gone */
      }
    try {
      ip('link', 'del', veth[0]!);
    } catch {
      /* went with its namespace */
    }
  };
  try {
    for (const n of names) ip('netns', 'add', n);
    ip('link', 'add', veth[0]!, 'type', 'veth', 'peer', 'name', veth[1]!);
    for (let i = 0; i < 2; i++) {
      ip('link', 'set', veth[i]!, 'netns', names[i]!);
      ip('-n', names[i]!, 'addr', 'add', `${ips[i]}/24`, 'dev', veth[i]!);
      ip('-n', names[i]!, 'link', 'set', veth[i]!, 'up');
      ip('-n', names[i]!, 'link', 'set', 'lo', 'up');
    }
    return { names, ips, remove };
  } catch (e) {
    remove();
    const err = e as { stderr?: Buffer; message: string };
    return `cannot create network namespaces here (${(err.stderr?.toString() || err.message).trim()}); run as root with iproute2`;
  }
}
