// `assay worker --db URL [--tags T,...] [--price-per-hour P]`: serves the
// fleet's jobs on this machine until SIGTERM or Ctrl-C, which let the job in
// hand finish (harness/fleet/worker.ts). Logs go to stderr.
import { parseArgs } from 'node:util';
import { UsageError } from '../../model/errors.ts';
import { fleetUrl } from '../../fleet/connect.ts';
import { serveJobs } from '../../fleet/worker.ts';
import { listOption, parseOrUsage } from '../args.ts';
import { DONE, type Outcome } from '../exit.ts';

export async function workerCommand(args: string[]): Promise<Outcome> {
  const { values } = parseOrUsage(
    () => parseArgs({ args, options: { db: { type: 'string' }, tags: { type: 'string', multiple: true }, 'price-per-hour': { type: 'string' } } }),
    'worker',
  );
  const url = fleetUrl(values.db, 'worker');
  let price: number | undefined;
  if (values['price-per-hour'] !== undefined) {
    price = Number(values['price-per-hour']);
    if (!Number.isFinite(price) || price < 0) throw new UsageError(`--price-per-hour takes a price per hour of this machine, such as 2.5, not "${values['price-per-hour']}"`);
  }
  await serveJobs({
    url,
    tags: listOption(values.tags),
    ...(price !== undefined ? { pricePerHour: price } : {}),
    log: (line) => process.stderr.write(`worker: ${new Date().toISOString()} ${line}\n`),
  });
  return DONE;
}
