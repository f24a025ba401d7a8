// A throwaway PostgreSQL 15 for the tests that need one (PLATFORM.md's recipe):
// a fresh cluster in its own folder on its own port, fsync off, trust
// authentication, stopped and removed by `stop()`. initdb refuses to run as
// root, so as root the server runs as the `postgres` user; as anyone else, as
// that user. Each test file starts its own, so files never share a database.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import pg from 'pg';

export const PG_BIN = process.env.PG_BIN || '/usr/lib/postgresql/15/bin';

export interface PgServer {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  port: number;
  dir: string;
  /** The URL of database `name` on this server. */
  urlOf(name: string, host?: string): string;
  /** Creates database `name` and returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): void;
}

const isRoot = (): boolean => process.getuid?.() === 0;

/** Runs a server binary, as the postgres user when this process is root. */
function pgCmd(bin: string, args: string[]): void {
  const cmd = isRoot() ? ['runuser', ['-u', 'postgres', '--', path.join(PG_BIN, bin), ...args]] as const : [path.join(PG_BIN, bin), args] as const;
  const r = spawnSync(cmd[0], [...cmd[1]], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${bin} failed (${r.status}): ${r.stderr || r.stdout}`);
}

/** A TCP port nobody listens on now, from the kernel. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

export interface StartOptions {
  /** Further addresses to listen on (the host ends of veth links), trusted like loopback. */
  listen?: string[];
  /** A CIDR whose clients are trusted (such as 10.201.0.0/16). */
  trust?: string;
}

/** Starts a fresh PostgreSQL; about a second. */
export async function startPostgres(o: StartOptions = {}): Promise<PgServer> {
  if (!existsSync(path.join(PG_BIN, 'initdb'))) throw new Error(`no PostgreSQL server binaries in ${PG_BIN} (Debian: apt-get install postgresql)`);
  const dir = mkdtempSync('/tmp/assay-pg-');
  chmodSync(dir, 0o755);
  if (isRoot()) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  const data = path.join(dir, 'data');
  pgCmd('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  if (o.trust) appendFileSync(path.join(data, 'pg_hba.conf'), `host all all ${o.trust} trust\n`);
  const listen = ['127.0.0.1', ...(o.listen ?? [])].join(',');
  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      pgCmd('pg_ctl', ['-D', data, '-l', path.join(dir, 'log'), '-w', '-t', '30', '-o', `-p ${port} -k ${dir} -c listen_addresses=${listen} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`, 'start']);
      break;
    } catch (e) {
      // another process took the port between the probe and the start
      if (attempt >= 3) throw e;
    }
  }
  let stopped = false;
  const urlOf = (name: string, host = '127.0.0.1'): string => `postgres://postgres@${host}:${port}/${name}`;
  const server: PgServer = {
    url: urlOf('postgres'),
    port,
    dir,
    urlOf,
    async createDatabase(name) {
      const c = new pg.Client({ connectionString: server.url });
      await c.connect();
      try {
        await c.query(`create database "${name}"`);
      } finally {
        await c.end();
      }
      return urlOf(name);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        pgCmd('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  writeFileSync(path.join(dir, 'url'), `${server.url}\n`);
  return server;
}
