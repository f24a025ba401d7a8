// `assay env`: the machine fingerprint and environment, as JSON on stdout.
import { parseArgs } from 'node:util';
import { captureEnvironment } from '../../env/environment.ts';
import { parseOrUsage } from '../args.ts';
import { DONE, type Outcome } from '../exit.ts';

export async function envCommand(args: string[]): Promise<Outcome> {
  parseOrUsage(() => parseArgs({ args, options: {}, allowPositionals: false }), 'env');
  process.stdout.write(`${JSON.stringify(captureEnvironment(), null, 2)}\n`);
  return DONE;
}
