// `assay list`: the problems, their variants and cases, bench files under the
// given paths, and which backends can run on this machine (and why not).
import { parseArgs } from 'node:util';
import { listSuite } from '../../run/listing.ts';
import { paramsText } from '../../report/format.ts';
import { parseOrUsage } from '../args.ts';
import { DONE, type Outcome } from '../exit.ts';

export async function listCommand(args: string[]): Promise<Outcome> {
  const { values, positionals } = parseOrUsage(
    () => parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } }),
    'list',
  );
  const listing = await listSuite({ paths: positionals });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(listing, null, 2)}\n`);
    return DONE;
  }
  const out: string[] = ['Backends on this machine:'];
  for (const b of listing.backends) {
    out.push(`  ${b.ok ? '✓' : '✗'} ${b.kind.padEnd(7)} ${b.detail}`);
    if (b.info) out.push(...infoLines(b.info).map((l) => `            ${l}`));
  }
  out.push('', 'Problems (each variant runs at every point):');
  for (const p of listing.problems) {
    out.push(`  ${p.name}: ${p.description}`);
    out.push(`    points: ${p.points.map(paramsText).join(' | ')}`);
    for (const v of p.variants) out.push(`    ${v.name.padEnd(18)} ${v.kind.padEnd(6)} ${v.reference ? 'reference' : ''}`.trimEnd());
  }
  if (positionals.length) {
    out.push('', 'Bench cases:');
    for (const b of listing.bench) out.push(`  ${b.id}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return DONE;
}

/** A backend's facts, one `key: value` line each; objects (limits) as `name=value` lists. */
function infoLines(info: Record<string, unknown>): string[] {
  return Object.entries(info).map(([k, v]) => {
    if (Array.isArray(v)) return `${k}: ${v.join(', ') || 'none'}`;
    if (v && typeof v === 'object') return `${k}: ${Object.entries(v).map(([a, b]) => `${a}=${String(b)}`).join(', ')}`;
    return `${k}: ${String(v)}`;
  });
}
