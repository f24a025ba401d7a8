#!/usr/bin/env node
// Sets up a software WebGPU adapter on Linux machines that have no usable Vulkan
// adapter: Mesa 25's lavapipe, fetched with apt-get into private apt folders and
// unpacked into a project-local cache (.assay/lavapipe/). It never changes the
// system (no apt sources, no installed packages) and never fails `npm install`:
// where it cannot work it says why and how to fix it, and exits 0.
//
// Run by the package's "postinstall" script and by `npm run setup:webgpu`.
// ASSAY_WEBGPU_SETUP=skip skips it; ASSAY_WEBGPU_SETUP=force redoes it even when
// a cache exists or a system adapter works. Plain JavaScript, so it needs no loader.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lavapipeDir, probeAdapter, readManifest } from '../harness/backends/webgpu/lavapipe-paths.mjs';

const MODE = (process.env.ASSAY_WEBGPU_SETUP ?? '').toLowerCase();
const SYSTEM_SOURCES = '/etc/apt/sources.list.d/debian.sources';
const SYSTEM_LISTS = '/var/lib/apt/lists';
const FIX = 'WGSL cases will be skipped; `npm run setup:webgpu` retries, and docs/setup.md says what it needs';

const say = (msg) => process.stderr.write(`assay webgpu setup: ${msg}\n`);

function main() {
  if (MODE === 'skip') return say('skipped (ASSAY_WEBGPU_SETUP=skip)');
  if (process.platform !== 'linux') return say(`nothing to do on ${process.platform}: Dawn uses the system's GPU driver there`);
  const root = lavapipeDir();
  const existing = readManifest(root);
  if (existing && MODE !== 'force') return say(`already set up: ${existing.mesa} in ${path.relative(process.cwd(), root) || root}`);

  const system = probeAdapter({});
  if (system.ok && MODE !== 'force') return say(`nothing to do: a Vulkan adapter is usable (${system.description})`);

  const why = whyNotDebian();
  if (why) return say(`cannot set up lavapipe: ${why}. ${FIX}`);

  const apt = path.join(root, 'apt');
  rmSync(root, { recursive: true, force: true });
  mkdirSync(path.join(apt, 'sources.list.d'), { recursive: true });
  mkdirSync(path.join(apt, 'lists', 'partial'), { recursive: true });
  mkdirSync(path.join(apt, 'cache', 'archives', 'partial'), { recursive: true });
  const codename = osRelease().VERSION_CODENAME;
  writeFileSync(path.join(apt, 'sources.list.d', 'assay.sources'), privateSources(readFileSync(SYSTEM_SOURCES, 'utf8'), codename));
  seedLists(path.join(apt, 'lists'));

  const aptOpts = [
    '-o', 'Dir::Etc::SourceList=/dev/null',
    '-o', `Dir::Etc::SourceParts=${path.join(apt, 'sources.list.d')}`,
    '-o', `Dir::State::Lists=${path.join(apt, 'lists')}`,
    '-o', `Dir::Cache=${path.join(apt, 'cache')}`,
    // the folders are private to this cache, so there is nobody to lock out
    '-o', 'Debug::NoLocking=1',
    '-o', 'APT::Sandbox::User=root',
  ];
  say(`fetching mesa-vulkan-drivers from ${codename}-backports into ${path.relative(process.cwd(), root) || root} (no system change)`);
  aptGet([...aptOpts, 'update']);
  // the loader (libvulkan1) comes too where the system lacks it; apt picks only what
  // the system's installed packages do not already satisfy
  const wanted = [`mesa-vulkan-drivers/${codename}-backports`, ...(hasSystemLoader() ? [] : ['libvulkan1'])];
  aptGet([...aptOpts, 'install', '-y', '--download-only', '--no-install-recommends', ...wanted]);

  const archives = path.join(apt, 'cache', 'archives');
  const debs = readdirSync(archives).filter((f) => f.endsWith('.deb'));
  const unpacked = path.join(root, 'root');
  for (const deb of debs) execFileSync('dpkg-deb', ['-x', path.join(archives, deb), unpacked]);
  const lvp = findFile(unpacked, 'libvulkan_lvp.so');
  if (!lvp) throw new Error('the downloaded mesa-vulkan-drivers holds no libvulkan_lvp.so');
  const libDir = path.dirname(lvp);
  pruneOtherDrivers(unpacked, libDir);
  const mesa = debs.find((d) => d.startsWith('mesa-vulkan-drivers_'))?.split('_')[1] ?? 'unknown';
  const icd = path.join(root, 'lvp_icd.json');
  writeFileSync(icd, `${JSON.stringify({ file_format_version: '1.0.1', ICD: { library_path: lvp, api_version: '1.4.305' } }, null, 2)}\n`);
  // the .debs and indexes are not needed once unpacked
  rmSync(apt, { recursive: true, force: true });

  const probe = probeAdapter({ VK_ICD_FILENAMES: icd, LD_LIBRARY_PATH: joinPath(libDir, process.env.LD_LIBRARY_PATH) });
  if (!probe.ok) throw new Error(`lavapipe was unpacked, but Dawn finds no adapter with it: ${probe.detail}`);
  const manifest = { schema: 1, mesa, icd, lib_dir: libDir, local_loader: existsSync(path.join(libDir, 'libvulkan.so.1')), adapter: probe.description };
  writeFileSync(path.join(root, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  say(`ready: ${probe.description} (Mesa ${mesa})${manifest.local_loader ? '; the Vulkan loader is the unpacked libvulkan1' : ''}`);
}

/**
 * Removes what lavapipe does not need: the hardware drivers and layers that come in
 * the same package (about 50 MB), and the docs. Their ICD jsons go too, so nothing
 * points at a file that is not there.
 */
function pruneOtherDrivers(unpacked, libDir) {
  for (const f of readdirSync(libDir)) {
    if ((/^libvulkan_.*\.so$/.test(f) && f !== 'libvulkan_lvp.so') || f.startsWith('libVkLayer_')) rmSync(path.join(libDir, f), { force: true });
  }
  rmSync(path.join(unpacked, 'usr', 'share', 'vulkan'), { recursive: true, force: true });
  rmSync(path.join(unpacked, 'usr', 'share', 'doc'), { recursive: true, force: true });
}

/** Why apt-get cannot be used here, or null when it can. */
function whyNotDebian() {
  const rel = osRelease();
  if (rel.ID !== 'debian' && !(rel.ID_LIKE ?? '').split(' ').includes('debian')) return `this is ${rel.PRETTY_NAME ?? 'not Debian'}, and the lavapipe set-up needs Debian's apt`;
  if (!rel.VERSION_CODENAME) return 'the Debian release has no codename in /etc/os-release';
  for (const tool of ['apt-get', 'dpkg-deb']) if (!onPath(tool)) return `${tool} is not installed`;
  if (!existsSync(SYSTEM_SOURCES)) return `${SYSTEM_SOURCES} does not exist, so there is no Debian mirror to fetch from`;
  return null;
}

/**
 * The private apt sources: the system's own stanzas (so dependencies resolve
 * against the release the machine runs), plus a backports stanza derived from
 * the one that carries the release itself. No mirror host is written anywhere
 * but the private cache folder.
 */
export function privateSources(text, codename) {
  const stanzas = text.split(/\n\s*\n/).map((s) => s.trim()).filter(Boolean);
  const suitesOf = (s) => (s.match(/^Suites:\s*(.*)$/m)?.[1] ?? '').split(/\s+/);
  const base = stanzas.find((s) => suitesOf(s).includes(codename));
  if (!base) throw new Error(`no stanza in ${SYSTEM_SOURCES} carries the suite "${codename}"`);
  const out = [...stanzas];
  if (!stanzas.some((s) => suitesOf(s).includes(`${codename}-backports`))) out.push(base.replace(/^Suites:.*$/m, `Suites: ${codename}-backports`));
  return `${out.join('\n\n')}\n`;
}

/** Copies the system's package indexes into the private lists, so `apt-get update` only fetches backports. */
function seedLists(lists) {
  try {
    for (const f of readdirSync(SYSTEM_LISTS)) {
      if (f.endsWith('Release') || f.includes('_Packages')) copyFileSync(path.join(SYSTEM_LISTS, f), path.join(lists, f));
    }
  } catch {
    /* unreadable: apt-get update fetches them */
  }
}

function aptGet(args) {
  const r = spawnSync('apt-get', ['-q', ...args], { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0) {
    const tail = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n').slice(-4).join(' | ');
    throw new Error(`apt-get ${args.filter((a) => !a.startsWith('-') && !a.includes('::')).join(' ')} failed: ${tail || r.error?.message || `exit ${r.status}`}`);
  }
}

function hasSystemLoader() {
  try {
    return execFileSync('ldconfig', ['-p'], { encoding: 'utf8' }).includes('libvulkan.so.1 ');
  } catch {
    return false;
  }
}

function osRelease() {
  const out = {};
  try {
    for (const line of readFileSync('/etc/os-release', 'utf8').split('\n')) {
      const m = line.match(/^([A-Z_]+)=("?)(.*)\2$/);
      if (m) out[m[1]] = m[3];
    }
  } catch {
    /* no os-release: not a Debian we know */
  }
  return out;
}

function onPath(tool) {
  return (process.env.PATH ?? '').split(':').some((d) => d && existsSync(path.join(d, tool)));
}

function findFile(dir, name) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isFile() && e.name === name) return p;
    if (e.isDirectory()) {
      const found = findFile(p, name);
      if (found) return found;
    }
  }
  return null;
}

function joinPath(...parts) {
  return parts.filter(Boolean).join(':');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (e) {
    say(`could not set up lavapipe: ${e instanceof Error ? e.message : String(e)}. ${FIX}`);
  }
}
