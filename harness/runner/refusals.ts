// What a JS candidate is refused inside its runner, on top of the sandbox: the
// network (Node 20's permission model lets it through), signals to other
// processes (process.kill of the parent), native addons, and the file writes,
// child processes and workers the permission model refuses too (recorded here,
// so that a candidate which catches the refusal is still seen trying). Each is
// replaced, before the candidate loads, by a function that records the attempt
// and throws; the parent reads the record and rejects the candidate, naming it.
import { syncBuiltinESMExports } from 'node:module';
import childProcess from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import workerThreads from 'node:worker_threads';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';

const WHERE: Record<string, string> = { network: 'the network', signal: 'other processes', files: 'the file system', processes: 'child processes', workers: 'workers', addon: 'native addons' };

/** Installs the refusals; returns the list that attempts are recorded in. */
export function installRefusals(): string[] {
  const refused: string[] = [];
  const refuse = (what: string, kind: string) =>
    function refusedCall(): never {
      const line = `${kind}: ${what}`;
      if (!refused.includes(line)) refused.push(line);
      throw new Error(`Assay refused ${what}: a candidate may not reach ${WHERE[kind] ?? 'outside its sandbox'}`);
    };
  const g = globalThis as Record<string, unknown>;
  for (const name of ['fetch', 'WebSocket', 'EventSource']) if (name in g) g[name] = refuse(name, 'network');
  const p = process as unknown as Record<string, unknown>;
  p.kill = refuse('process.kill', 'signal');
  p._kill = refuse('process._kill', 'signal');
  p.dlopen = refuse('process.dlopen', 'addon');
  const patch = (mod: object, label: string, names: string[]): void => {
    for (const n of names) if (n in mod) (mod as Record<string, unknown>)[n] = refuse(`${label}.${n}`, 'network');
  };
  patch(net, 'net', ['connect', 'createConnection', 'createServer']);
  patch(net.Socket.prototype, 'net.Socket', ['connect']);
  patch(tls, 'tls', ['connect', 'createServer']);
  patch(http, 'http', ['request', 'get', 'createServer']);
  patch(https, 'https', ['request', 'get', 'createServer']);
  patch(dgram, 'dgram', ['createSocket']);
  patch(dns, 'dns', ['lookup', 'resolve', 'resolve4', 'resolve6']);
  // writes only: Node's own module loader opens and reads files through these objects (on Node 24 too)
  const files = ['writeFile', 'appendFile', 'mkdir', 'mkdtemp', 'rm', 'rmdir', 'unlink', 'rename', 'copyFile', 'cp', 'symlink', 'link', 'truncate', 'chmod', 'chown', 'utimes', 'createWriteStream'];
  for (const n of files) {
    if (n in fs) (fs as unknown as Record<string, unknown>)[n] = refuse(`fs.${n}`, 'files');
    if (`${n}Sync` in fs) (fs as unknown as Record<string, unknown>)[`${n}Sync`] = refuse(`fs.${n}Sync`, 'files');
    if (n in fs.promises) (fs.promises as unknown as Record<string, unknown>)[n] = refuse(`fs.promises.${n}`, 'files');
  }
  for (const n of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) (childProcess as unknown as Record<string, unknown>)[n] = refuse(`child_process.${n}`, 'processes');
  (workerThreads as unknown as Record<string, unknown>).Worker = refuse('worker_threads.Worker', 'workers');
  // `import { connect } from 'node:net'` sees the replacements too
  syncBuiltinESMExports();
  return refused;
}
