// `assay baseline list|show|delete`: the stored baselines of this machine (and,
// for list, of every machine under baselines/).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../../model/errors.ts';
import { captureMachine } from '../../env/machine.ts';
import { renderConsole } from '../../report/console.ts';
import { baselinesRoot, deleteBaseline, listBaselines, loadBaseline, rel } from '../../store/baselines.ts';
import { parseOrUsage } from '../args.ts';
import { DONE, type Outcome } from '../exit.ts';

export async function baselineCommand(args: string[]): Promise<Outcome> {
  const { values, positionals } = parseOrUsage(
    () => parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' }, machine: { type: 'string' }, 'allow-machine-mismatch': { type: 'boolean' } } }),
    'baseline',
  );
  const [sub, name, ...extra] = positionals;
  const root = baselinesRoot();
  const machine = captureMachine();
  const machineId = values.machine ?? machine.id;
  if (extra.length) throw new UsageError(`baseline ${sub}: unexpected ${extra.join(' ')}`);
  switch (sub) {
    case 'list': {
      const all = listBaselines(root).filter((b) => values.machine === undefined || b.machine === values.machine);
      if (values.json) {
        process.stdout.write(`${JSON.stringify(all.map((b) => ({ ...b, file: rel(b.file), this_machine: b.machine === machine.id })), null, 2)}\n`);
        return DONE;
      }
      if (all.length === 0) {
        process.stdout.write(`no baselines under ${rel(root)}; \`assay run --save-baseline NAME\` saves one\n`);
        return DONE;
      }
      for (const b of all) {
        const where = b.machine === machine.id ? 'this machine' : `machine ${b.machine}`;
        const what = b.error ? `UNREADABLE: ${b.error}` : `${b.cases} cases, saved ${b.saved_at}${b.git ? `, git ${b.git.slice(0, 10)}` : ''}`;
        process.stdout.write(`${b.name.padEnd(20)} ${where.padEnd(34)} ${what}\n`);
      }
      return DONE;
    }
    case 'show': {
      if (!name) throw new UsageError('baseline show NAME');
      const machineFor = values.machine ? { ...machine, id: values.machine } : machine;
      const { run, file } = loadBaseline(name, { root, machine: machineFor, allowMismatch: Boolean(values['allow-machine-mismatch'] || values.machine) });
      if (values.json) process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
      else process.stdout.write(`baseline "${name}" (${path.relative(process.cwd(), file)}), saved ${run.baseline?.saved_at ?? run.finished_at}\n${renderConsole(run)}`);
      return DONE;
    }
    case 'delete': {
      if (!name) throw new UsageError('baseline delete NAME');
      const file = deleteBaseline(name, root, machineId);
      process.stderr.write(`deleted ${rel(file)}\n`);
      return DONE;
    }
    default:
      throw new UsageError(`baseline: expected list, show NAME or delete NAME${sub ? `, not "${sub}"` : ''}`);
  }
}
