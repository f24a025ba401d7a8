// What a compiled kernel library imports and defines, read with nm, for the
// audit of an untrusted native candidate: functions that reach outside a
// sandbox (files, the network, processes, signals, code patching), a fallback
// to another library (dlopen, or a symbol no system library versions, such as
// one of Node's own), and definitions of the clock functions the measuring loop
// reads. The sandbox stops such calls anyway; the audit names them.
import { execFileSync } from 'node:child_process';

/** Functions a kernel has no business calling: each reaches outside its sandbox. */
const ESCAPES: Record<string, string> = {
  files: 'open open64 openat openat64 creat creat64 fopen fopen64 freopen fdopen unlink unlinkat rename renameat mkdir mkdirat rmdir truncate ftruncate chmod chown symlink link',
  network: 'socket socketpair connect bind listen accept accept4 sendto sendmsg recvfrom getaddrinfo gethostbyname',
  processes: 'fork vfork clone clone3 execve execv execvp execvpe execl execlp execle fexecve system popen posix_spawn posix_spawnp daemon',
  signals: 'kill tgkill tkill killpg sigqueue ptrace',
  'code patching': 'mprotect pkey_mprotect process_vm_writev prctl syscall setrlimit prlimit prlimit64',
};
/** Loading other code: a fallback to a library. */
const LOADERS = ['dlopen', 'dlmopen', 'dlsym', 'dlvsym'];
/** Clock functions: a library that defines one may hope to shadow the measuring clock. */
const CLOCKS = ['clock_gettime', 'clock_gettime64', 'gettimeofday', 'time', 'clock', '__vdso_clock_gettime', 'timespec_get'];

export interface LibraryAudit {
  /** Forbidden imports, by what they reach: `network: socket, connect`. */
  escapes: string[];
  /** dlopen and friends, and strong imports no system library versions. */
  fallback: string[];
  /** Clock functions the library defines. */
  clocks: string[];
}

function nm(library: string, flag: string): Array<{ type: string; name: string; version: string | null }> {
  const out = execFileSync('nm', ['-D', flag, library], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 2)
    .map((f) => {
      const [type, sym] = f.length === 2 ? [f[0]!, f[1]!] : [f[1]!, f[2]!];
      const at = sym.indexOf('@');
      return { type, name: at < 0 ? sym : sym.slice(0, at), version: at < 0 ? null : sym.slice(at).replace(/^@+/, '') };
    });
}

/** Audits a compiled library; throws when nm cannot read it. */
export function auditLibrary(library: string): LibraryAudit {
  const undefinedSyms = nm(library, '--undefined-only');
  const defined = nm(library, '--defined-only');
  const imported = new Set(undefinedSyms.map((s) => s.name));
  const escapes: string[] = [];
  for (const [what, names] of Object.entries(ESCAPES)) {
    const hit = names.split(' ').filter((n) => imported.has(n));
    if (hit.length) escapes.push(`${what}: ${hit.join(', ')}`);
  }
  const fallback = LOADERS.filter((n) => imported.has(n));
  // glibc, libstdc++ and libgcc version every symbol they export; a strong unversioned import resolves in whatever else the process holds
  const unversioned = undefinedSyms.filter((s) => s.type === 'U' && s.version === null).map((s) => s.name);
  if (unversioned.length) fallback.push(...unversioned.slice(0, 8).map((n) => `${n} (from no system library)`));
  const clocks = defined.filter((s) => CLOCKS.includes(s.name)).map((s) => s.name);
  return { escapes, fallback, clocks };
}
