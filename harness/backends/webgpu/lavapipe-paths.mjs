// Where the project-local lavapipe lives, how to read what the set-up left there,
// and how to ask Dawn (in a separate process) whether a Vulkan adapter is usable.
// Shared by the set-up script (plain Node at install time) and the WebGPU backend.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PROBE = fileURLToPath(new URL('./probe-adapter.mjs', import.meta.url));
/** Folders where a system Vulkan driver installs its ICD json. */
const SYSTEM_ICD_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];

/** The package root: three levels above harness/backends/webgpu/. */
export function projectRoot() {
  return fileURLToPath(new URL('../../../', import.meta.url));
}

/** The project-local cache of the software adapter, under the gitignored scratch folder. */
export function lavapipeDir() {
  return process.env.ASSAY_LAVAPIPE_DIR || path.join(projectRoot(), '.assay', 'lavapipe');
}

/** What the set-up recorded, or null when there is no complete set-up. */
export function readManifest(dir = lavapipeDir()) {
  try {
    const m = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    return existsSync(m.icd) && existsSync(m.lib_dir) ? m : null;
  } catch {
    return null;
  }
}

/** True when the system has a Vulkan driver's ICD json of its own. */
export function hasSystemIcd() {
  return SYSTEM_ICD_DIRS.some((d) => {
    try {
      return readdirSync(d).some((f) => f.endsWith('.json'));
    } catch {
      return false;
    }
  });
}

/**
 * The environment the process that creates Dawn must start with: the local ICD
 * when the set-up made one and the user chose no driver, and the local library
 * folder on LD_LIBRARY_PATH, where the unpacked libvulkan.so.1 is when the system
 * has none (Dawn dlopens it by name, and the dynamic linker reads LD_LIBRARY_PATH
 * only when a process starts: hence the separate GPU process).
 */
export function adapterEnvironment(base = process.env) {
  if (base.VK_ICD_FILENAMES || base.VK_DRIVER_FILES) return { env: {}, source: 'VK_ICD_FILENAMES/VK_DRIVER_FILES as set' };
  const m = readManifest();
  if (!m) return { env: {}, source: hasSystemIcd() ? 'the system Vulkan drivers' : 'no Vulkan driver (no system ICD, no local lavapipe)' };
  // the folder goes on the search path even when the system has the loader: it also
  // holds the newer libdrm that this Mesa was built against
  const env = { VK_ICD_FILENAMES: m.icd, LD_LIBRARY_PATH: [m.lib_dir, base.LD_LIBRARY_PATH].filter(Boolean).join(':') };
  return { env, source: `local lavapipe (Mesa ${m.mesa}) from ${path.relative(process.cwd(), m.icd) || m.icd}`, manifest: m };
}

/**
 * Asks Dawn in a child process for a Vulkan adapter with these extra environment
 * variables: `{ok, description}` or `{ok: false, detail}`. A child, because the
 * loader's search path is fixed when a process starts.
 */
export function probeAdapter(extraEnv) {
  const r = spawnSync(process.execPath, [PROBE], { encoding: 'utf8', env: { ...process.env, ...extraEnv }, timeout: 60_000 });
  const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line);
  } catch {
    return { ok: false, detail: `the probe failed (${r.error?.message ?? `exit ${r.status}`}): ${(r.stderr ?? '').trim().split('\n').slice(-2).join(' ')}` };
  }
}
