// Entry of the runner process: installs the loader (TypeScript, and `assay` as
// this Assay), then starts the runner, whose first import is the clock. With
// ASSAY_RUNNER_MODE=candidate it is a runner in candidate mode, which loads one
// artifact and runs it on request (candidate-host.ts).
import { installLoader } from '../run/loader.mjs';

installLoader();
if (process.env.ASSAY_RUNNER_MODE === 'candidate') await import('./candidate-entry.ts');
else await import('./child.ts');
