// Entry of the runner process: installs the loader (TypeScript, and `assay` as
// this Assay), then starts the runner, whose first import is the clock.
import { installLoader } from '../run/loader.mjs';

installLoader();
await import('./child.ts');
