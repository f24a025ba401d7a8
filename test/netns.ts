// Separate "hosts" on one machine for the fleet tests: as root, each host is a
// network namespace of its own, reaching the test's PostgreSQL over its own
// veth link (10.X.i.2 inside, 10.X.i.1 on the machine's side), and a UTS
// namespace with its own hostname, as a remote machine would be. Elsewhere
// (not root, or no `ip`), hosts share the machine's network and name.
import { spawnSync } from 'node:child_process';

export interface TestHost {
  name: string;
  /** The network namespace, or null where hosts share the machine's network. */
  ns: string | null;
  /** The address PostgreSQL is reached at from this host. */
  dbHost: string;
  /** The command prefix that runs a command on this host. */
  wrap(argv: string[]): string[];
}

const ip = (args: string[]): { ok: boolean; err: string } => {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  return { ok: r.status === 0, err: r.stderr };
};

/** True where network namespaces can be made here. */
export function canMakeNetns(): boolean {
  return process.getuid?.() === 0 && spawnSync('ip', ['netns', 'list'], { stdio: 'ignore' }).status === 0 && spawnSync('unshare', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Makes `names.length` hosts; `cleanup()` removes their namespaces and links. */
export function makeHosts(names: string[]): { hosts: TestHost[]; hostAddresses: string[]; trust: string | undefined; cleanup: () => void } {
  if (!canMakeNetns()) {
    return { hosts: names.map((name) => ({ name, ns: null, dbHost: '127.0.0.1', wrap: (argv) => argv })), hostAddresses: [], trust: undefined, cleanup: () => {} };
  }
  // a second octet of this process's own, so that two test runs at once use different links
  const net = `10.${100 + (process.pid % 100)}`;
  const tag = `${process.pid % 100000}`;
  const made: Array<{ ns: string; veth: string }> = [];
  const hosts: TestHost[] = [];
  const cleanup = (): void => {
    for (const m of made) {
      ip(['netns', 'del', m.ns]);
      ip(['link', 'del', m.veth]);
    }
  };
  try {
    names.forEach((name, i) => {
      const ns = `assay-${tag}-${i}`;
      const vh = `av${tag}h${i}`;
      const vn = `av${tag}n${i}`;
      made.push({ ns, veth: vh });
      for (const args of [
        ['netns', 'add', ns],
        ['link', 'add', vh, 'type', 'veth', 'peer', 'name', vn],
        ['link', 'set', vn, 'netns', ns],
        ['addr', 'add', `${net}.${i}.1/24`, 'dev', vh],
        ['link', 'set', vh, 'up'],
        ['-n', ns, 'addr', 'add', `${net}.${i}.2/24`, 'dev', vn],
        ['-n', ns, 'link', 'set', vn, 'up'],
        ['-n', ns, 'link', 'set', 'lo', 'up'],
      ]) {
        const r = ip(args);
        if (!r.ok) throw new Error(`ip ${args.join(' ')}: ${r.err}`);
      }
      hosts.push({ name, ns, dbHost: `${net}.${i}.1`, wrap: (argv) => ['ip', 'netns', 'exec', ns, 'unshare', '--uts', 'sh', '-c', `hostname ${name} && exec "$@"`, 'sh', ...argv] });
    });
  } catch (e) {
    cleanup();
    throw e;
  }
  return { hosts, hostAddresses: hosts.map((h) => h.dbHost), trust: `${net}.0.0/16`, cleanup };
}
