#!/usr/bin/env node
// Checks the import layout of harness/ and kernels/ against DESIGN.md's "Layout"
// and "What never happens" (`npm run check:layout`). Each folder under harness/
// imports only its own folder or a lower one; model/, stats/ and report/ import
// only what they are allowed; measure/, verify/ and backends/ stay clear of what
// they must not know; kernels import only the package entry 'assay'; no two
// folders import each other. Every violation is one line,
//   layout: FROM_FILE imports TO_FILE: RULE
// (or `layout: FILE: RULE` for a file in the wrong place), and the exit code is 1;
// a clean tree prints `layout: ok (N files, M imports)` and exits 0.
//
// Usage: node scripts/check-layout.mjs [ROOT]   (ROOT defaults to the folder above scripts/)
// Plain Node ESM with node: builtins only, so it runs before `npm ci` and on Node 20+.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------
// The table and the rules. Change them here, and in DESIGN.md's layout, together.

/** The folders under harness/, lowest first; harness/index.ts is the top layer, "index". */
export const LAYERS = [
  'model', 'stats', 'addon', 'problem', 'measure', 'verify', 'env', 'backends',
  'run', 'store', 'report', 'runner', 'ab', 'score', 'fleet', 'mcp', 'cli', 'index',
];
/** The one file at harness/ top level, the public API; it is the "index" layer. */
export const INDEX_FILE = 'harness/index.ts';
/** The package's name: a kernel imports it, and inside harness/ it means INDEX_FILE. */
export const PACKAGE_NAME = 'assay';
/** Where the source lives that this script reads. */
export const SOURCE_ROOTS = ['harness', 'kernels'];
export const SOURCE_EXTENSIONS = ['.ts', '.mts', '.mjs', '.js'];
export const SKIP_DIRS = ['node_modules'];

/** Folders that may import only the folders listed (and themselves); checked before the order. */
export const ONLY = {
  model: { allow: [], rule: 'model/ imports nothing of Assay (only node: builtins and model/ itself)' },
  stats: { allow: ['model'], rule: 'stats/ imports only model/' },
  report: { allow: ['model', 'stats'], rule: 'report/ imports only model/, stats/ and report/ itself (it knows nothing of backends)' },
};
/** Folders that must not import the folders listed; the order covers these too, but they are named. */
export const NEVER = {
  measure: { deny: ['backends'], rule: 'measure/ knows no backend by name: a backend hands it a prepared case' },
  verify: { deny: ['backends'], rule: 'verify/ knows no backend by name: a backend hands it a prepared case' },
  backends: { deny: ['run', 'store', 'report', 'cli'], rule: 'backends/ know nothing of running, the store, reporting or the CLI' },
};

/**
 * References that are not imports: the loader (below run/) names the package
 * entry by URL only to hand it to user code that imports 'assay'; it never
 * loads the entry itself. Each is a [file, target] pair.
 */
export const ENTRY_REFERENCES = [['harness/run/loader.mjs', INDEX_FILE]];

const layerName = (l) => (l === 'index' ? INDEX_FILE : `${l}/`);
export const RULES = {
  order: (from, to) => `${layerName(from)} may not import ${layerName(to)} (${layerName(to)} is above ${layerName(from)} in the layout)`,
  named: (from, to, rule) => `${layerName(from)} may not import ${layerName(to)}: ${rule}`,
  kernel: `kernels import only '${PACKAGE_NAME}', the package entry`,
  packageSubpath: `'${PACKAGE_NAME}' exports only its entry; import a relative path inside harness/`,
  missing: 'no such file',
  unknownFolder: (folder) => `harness/${folder}/ is not in the layout table of scripts/check-layout.mjs; add it (and to DESIGN.md's layout)`,
  loose: `loose file at harness/ top level: put it in a layout folder (only ${INDEX_FILE} lives there)`,
  cycle: (folders, from, to, more) => `folder cycle: ${folders.map(layerName).join(', ')} import each other (no two folders import each other)`
    + (more > 0 ? `; ${more} more import${more === 1 ? '' : 's'} of ${layerName(to)} in ${layerName(from)}` : ''),
};

// ---------------------------------------------------------------------------
// Reading source: a small tokenizer that drops comments and keeps strings whole,
// so that specifiers in comments or inside other strings are not taken for imports.

const REGEX_AFTER_WORD = new Set([
  'return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw',
  'case', 'do', 'else', 'yield', 'await', 'export', 'default', 'extends',
]);

/** Tokens: { t: 'id' | 'str' | 'tpl' | 'punc' | 'regex', v }. A template without ${} is a 'str'. */
export function tokenize(src) {
  const toks = [];
  const tplDepth = []; // one brace counter per open template substitution
  const n = src.length;
  let i = src.startsWith('#!') ? src.indexOf('\n') : 0;
  if (i < 0) i = n;

  const readQuoted = (q) => {
    let v = '';
    i++;
    while (i < n && src[i] !== q && src[i] !== '\n') {
      if (src[i] === '\\') { v += src[i + 1] ?? ''; i += 2; } else v += src[i++];
    }
    i++;
    return v;
  };
  // reads template text from i up to the closing ` (returns true) or a ${ (returns false)
  const readTemplateText = () => {
    let v = '';
    while (i < n) {
      const c = src[i];
      if (c === '\\') { v += src[i + 1] ?? ''; i += 2; continue; }
      if (c === '`') { i++; return { v, closed: true }; }
      if (c === '$' && src[i + 1] === '{') { i += 2; tplDepth.push(0); return { v, closed: false }; }
      v += c;
      i++;
    }
    return { v, closed: true };
  };
  const regexAllowed = () => {
    const p = toks[toks.length - 1];
    if (!p) return true;
    if (p.t === 'punc') return p.v !== ')' && p.v !== ']';
    if (p.t === 'id') return REGEX_AFTER_WORD.has(p.v);
    return false;
  };

  while (i < n) {
    const c = src[i];
    if (c === '/' && src[i + 1] === '/') { const e = src.indexOf('\n', i); i = e < 0 ? n : e; continue; }
    if (c === '/' && src[i + 1] === '*') { const e = src.indexOf('*/', i + 2); i = e < 0 ? n : e + 2; continue; }
    if (/\s/.test(c)) { i++; continue; }
    if (c === '"' || c === "'") { toks.push({ t: 'str', v: readQuoted(c) }); continue; }
    if (c === '`') {
      i++;
      const { v, closed } = readTemplateText();
      toks.push(closed ? { t: 'str', v } : { t: 'tpl', v });
      continue;
    }
    if (c === '{') { if (tplDepth.length) tplDepth[tplDepth.length - 1]++; toks.push({ t: 'punc', v: c }); i++; continue; }
    if (c === '}') {
      if (tplDepth.length && tplDepth[tplDepth.length - 1] === 0) { tplDepth.pop(); i++; readTemplateText(); continue; }
      if (tplDepth.length) tplDepth[tplDepth.length - 1]--;
      toks.push({ t: 'punc', v: c });
      i++;
      continue;
    }
    if (/[A-Za-z_$\u0080-\uffff]/.test(c)) {
      let e = i + 1;
      while (e < n && /[\w$\u0080-\uffff]/.test(src[e])) e++;
      toks.push({ t: 'id', v: src.slice(i, e) });
      i = e;
      continue;
    }
    if (/[0-9]/.test(c)) {
      let e = i + 1;
      while (e < n && /[\w.]/.test(src[e])) e++;
      toks.push({ t: 'id', v: src.slice(i, e) });
      i = e;
      continue;
    }
    if (c === '/' && regexAllowed()) {
      let e = i + 1;
      let inClass = false;
      let ok = false;
      while (e < n && src[e] !== '\n') {
        const d = src[e];
        if (d === '\\') { e += 2; continue; }
        if (d === '[') inClass = true;
        else if (d === ']') inClass = false;
        else if (d === '/' && !inClass) { ok = true; break; }
        e++;
      }
      if (ok) {
        e++;
        while (e < n && /[a-z]/.test(src[e])) e++;
        toks.push({ t: 'regex', v: src.slice(i, e) });
        i = e;
        continue;
      }
    }
    toks.push({ t: 'punc', v: c });
    i++;
  }
  return toks;
}

const isId = (tok, v) => tok !== undefined && tok.t === 'id' && (v === undefined || tok.v === v);
const isPunc = (tok, v) => tok !== undefined && tok.t === 'punc' && tok.v === v;
const isStr = (tok) => tok !== undefined && tok.t === 'str';

// from tokens[j] on, an import/export clause ({ a, b as c }, * as ns, x, type): returns the
// specifier after its `from`, or undefined
function specifierAfterClause(toks, j) {
  let depth = 0;
  for (let end = Math.min(toks.length, j + 2000); j < end; j++) {
    const tok = toks[j];
    if (isPunc(tok, '{')) depth++;
    else if (isPunc(tok, '}')) depth--;
    else if (depth === 0 && isId(tok, 'from') && isStr(toks[j + 1])) return toks[j + 1].v;
    else if (tok.t === 'id' || isPunc(tok, ',') || isPunc(tok, '*') || (depth > 0 && isStr(tok))) continue;
    else return undefined;
    if (depth < 0) return undefined;
  }
  return undefined;
}

/** The module specifiers that a source file references, in order. */
export function extractSpecifiers(src) {
  const toks = tokenize(src);
  const out = [];
  for (let k = 0; k < toks.length; k++) {
    const tok = toks[k];
    const prev = toks[k - 1];
    if (isPunc(prev, '.')) continue; // x.import, x.export, x.new
    if (isId(tok, 'import')) {
      const a = toks[k + 1];
      if (isPunc(a, '(')) {
        // import('x'), import('x', { with: ... }), typeof import('x')
        if (isStr(toks[k + 2]) && (isPunc(toks[k + 3], ')') || isPunc(toks[k + 3], ','))) out.push(toks[k + 2].v);
      } else if (isPunc(a, '.')) {
        // import.meta.resolve('x')
        if (isId(toks[k + 2], 'meta') && isPunc(toks[k + 3], '.') && isId(toks[k + 4], 'resolve')
          && isPunc(toks[k + 5], '(') && isStr(toks[k + 6])) out.push(toks[k + 6].v);
      } else if (isStr(a)) {
        out.push(a.v); // import 'x'
      } else if (isId(a) || isPunc(a, '{') || isPunc(a, '*')) {
        // import x = require('y') (TypeScript)
        if (isId(a) && isPunc(toks[k + 2], '=') && isId(toks[k + 3], 'require') && isPunc(toks[k + 4], '(') && isStr(toks[k + 5])) {
          out.push(toks[k + 5].v);
          continue;
        }
        const s = specifierAfterClause(toks, k + 1);
        if (s !== undefined) out.push(s);
      }
    } else if (isId(tok, 'export')) {
      const a = toks[k + 1];
      const b = isId(a, 'type') ? toks[k + 2] : a;
      if (isPunc(b, '{') || isPunc(b, '*')) {
        const s = specifierAfterClause(toks, k + 1);
        if (s !== undefined) out.push(s);
      }
    } else if (isId(tok, 'new') && isId(toks[k + 1], 'URL') && isPunc(toks[k + 2], '(') && isStr(toks[k + 3])
      && isPunc(toks[k + 4], ',') && isId(toks[k + 5], 'import') && isPunc(toks[k + 6], '.') && isId(toks[k + 7], 'meta')
      && isPunc(toks[k + 8], '.') && isId(toks[k + 9], 'url')) {
      // new URL('./x.ts', import.meta.url): a module reference when it names a source file
      const spec = toks[k + 3].v;
      if (SOURCE_EXTENSIONS.includes(path.posix.extname(spec.replace(/[?#].*$/, '')))) out.push(spec);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// The tree

const FOLDERS = new Set(LAYERS.filter((l) => l !== 'index'));
const BUILTINS = new Set(builtinModules);
const isBuiltin = (spec) => spec.startsWith('node:') || BUILTINS.has(spec) || BUILTINS.has(spec.split('/')[0]);
const isRelative = (spec) => spec.startsWith('./') || spec.startsWith('../') || spec === '.' || spec === '..' || spec.startsWith('/') || spec.startsWith('file:');

function listSources(root, dir, out) {
  let entries;
  try { entries = readdirSync(path.join(root, dir), { withFileTypes: true }); } catch { return out; }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) { if (!SKIP_DIRS.includes(e.name)) listSources(root, rel, out); }
    else if (e.isFile() && SOURCE_EXTENSIONS.includes(path.extname(e.name))) out.push(rel);
  }
  return out;
}

const isFile = (abs) => { try { return statSync(abs).isFile(); } catch { return false; } };

// the file a relative specifier lands on (repo-relative, posix), and whether it exists;
// a .js/.mjs specifier may name a .ts/.mts file, as TypeScript allows
function resolveRelative(root, fromRel, spec) {
  const clean = spec.startsWith('file:') ? fileURLToPath(spec) : spec.replace(/[?#].*$/, '');
  const abs = path.resolve(root, path.dirname(fromRel), clean);
  const candidates = [abs];
  if (abs.endsWith('.js')) candidates.push(`${abs.slice(0, -3)}.ts`);
  if (abs.endsWith('.mjs')) candidates.push(`${abs.slice(0, -4)}.mts`);
  const hit = candidates.find(isFile);
  const rel = path.relative(root, hit ?? abs).split(path.sep).join('/');
  return { rel, exists: hit !== undefined };
}

// where a repo-relative path lies: { zone: 'harness', layer } | { zone: 'harness', unknown } |
// { zone: 'harness', loose: true } | { zone: 'kernels' } | { zone: 'outside' }
function place(rel) {
  const parts = rel.split('/');
  if (parts[0] === 'kernels' && parts.length > 1) return { zone: 'kernels' };
  if (parts[0] !== 'harness' || parts.length < 2) return { zone: 'outside' };
  if (parts.length === 2) return rel === INDEX_FILE ? { zone: 'harness', layer: 'index' } : { zone: 'harness', loose: true };
  return FOLDERS.has(parts[1]) ? { zone: 'harness', layer: parts[1] } : { zone: 'harness', unknown: parts[1] };
}

// the rule that an import from folder `from` of folder `to` breaks, or undefined
function layerRule(from, to) {
  if (from === to) return undefined;
  const only = ONLY[from];
  if (only && !only.allow.includes(to)) return RULES.named(from, to, only.rule);
  const never = NEVER[from];
  if (never && never.deny.includes(to)) return RULES.named(from, to, never.rule);
  if (LAYERS.indexOf(to) > LAYERS.indexOf(from)) return RULES.order(from, to);
  return undefined;
}

/**
 * Strongly connected components of the folder graph with more than one folder.
 * edges: Map<from, Set<to>>. Returns arrays of folders, each in layer order.
 */
export function folderCycles(edges) {
  const nodes = [...new Set([...edges.keys(), ...[...edges.values()].flatMap((s) => [...s])])];
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const out = [];
  let next = 0;
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (w === v) continue;
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) === index.get(v)) {
      const comp = [];
      let w;
      do { w = stack.pop(); onStack.delete(w); comp.push(w); } while (w !== v);
      if (comp.length > 1) out.push(comp.sort((a, b) => LAYERS.indexOf(a) - LAYERS.indexOf(b)));
    }
  };
  for (const v of nodes) if (!index.has(v)) visit(v);
  return out;
}

/** Checks the tree at `root`: { files, imports, violations: string[] } (each without the "layout: " prefix). */
export function checkLayout(root) {
  const files = SOURCE_ROOTS.flatMap((dir) => listSources(root, dir, []));
  const violations = [];
  const unknown = new Map(); // folder -> file count
  const edges = new Map(); // folder -> Set<folder>
  const edgeFiles = new Map(); // "from>to" -> ["FROM imports TO", ...]
  let imports = 0;

  for (const from of files) {
    const src = readFileSync(path.join(root, from), 'utf8').replace(/^\uFEFF/, '');
    const fromPlace = place(from);
    if (fromPlace.unknown) unknown.set(fromPlace.unknown, (unknown.get(fromPlace.unknown) ?? 0) + 1);
    if (fromPlace.loose) violations.push(`${from}: ${RULES.loose}`);
    const seen = new Set();

    for (const spec of extractSpecifiers(src)) {
      imports++;
      if (seen.has(spec)) continue; // one verdict per specifier per file
      seen.add(spec);
      if (isBuiltin(spec)) continue;
      const report = (to, rule) => violations.push(`${from} imports ${to}: ${rule}`);

      if (!isRelative(spec)) {
        if (fromPlace.zone === 'kernels') { if (spec !== PACKAGE_NAME) report(`'${spec}'`, RULES.kernel); continue; }
        if (spec.startsWith(`${PACKAGE_NAME}/`)) { report(`'${spec}'`, RULES.packageSubpath); continue; }
        if (spec !== PACKAGE_NAME) continue; // a package of its own: not Assay
      }
      const to = isRelative(spec) ? resolveRelative(root, from, spec) : { rel: INDEX_FILE, exists: true };
      const toPlace = place(to.rel);

      if (fromPlace.zone === 'kernels') {
        if (toPlace.zone !== 'kernels') report(to.rel, RULES.kernel);
        else if (!to.exists) report(to.rel, RULES.missing);
        continue;
      }
      if (!to.exists) { report(to.rel, RULES.missing); continue; }
      if (ENTRY_REFERENCES.some(([f, t]) => f === from && t === to.rel)) continue;
      if (fromPlace.layer === undefined || toPlace.layer === undefined) continue; // misplaced files are reported as such
      const rule = layerRule(fromPlace.layer, toPlace.layer);
      if (rule) report(to.rel, rule);
      if (fromPlace.layer !== toPlace.layer) {
        if (!edges.has(fromPlace.layer)) edges.set(fromPlace.layer, new Set());
        edges.get(fromPlace.layer).add(toPlace.layer);
        const key = `${fromPlace.layer}>${toPlace.layer}`;
        if (!edgeFiles.has(key)) edgeFiles.set(key, []);
        edgeFiles.get(key).push(`${from} imports ${to.rel}`);
      }
    }
  }

  for (const [folder, count] of unknown) violations.push(`harness/${folder}/ (${count} file${count === 1 ? '' : 's'}): ${RULES.unknownFolder(folder)}`);
  for (const comp of folderCycles(edges)) {
    // every folder edge inside a component lies on a cycle: one line per edge, naming its first import
    for (const a of comp) for (const b of comp) {
      const lines = edgeFiles.get(`${a}>${b}`);
      if (lines) violations.push(`${lines[0]}: ${RULES.cycle(comp, a, b, lines.length - 1)}`);
    }
  }
  return { files: files.length, imports, violations };
}

// ---------------------------------------------------------------------------

function main(argv) {
  if (argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write('usage: node scripts/check-layout.mjs [ROOT]\nChecks the import layout of ROOT/harness and ROOT/kernels (ROOT: the repository root).\n');
    return 0;
  }
  if (argv.length > 1) { process.stderr.write('layout: usage: node scripts/check-layout.mjs [ROOT]\n'); return 2; }
  const root = path.resolve(argv[0] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
  let ok = false;
  try { ok = statSync(path.join(root, 'harness')).isDirectory(); } catch { /* reported below */ }
  if (!ok) { process.stderr.write(`layout: ${root} has no harness/ folder; give the repository root\n`); return 2; }

  const { files, imports, violations } = checkLayout(root);
  if (violations.length === 0) {
    process.stdout.write(`layout: ok (${files} files, ${imports} imports)\n`);
    return 0;
  }
  process.stdout.write(violations.map((v) => `layout: ${v}\n`).join(''));
  process.stdout.write(`layout: ${violations.length} violation${violations.length === 1 ? '' : 's'} (${files} files, ${imports} imports)\n`);
  return 1;
}

const invoked = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invoked) process.exitCode = main(process.argv.slice(2));
