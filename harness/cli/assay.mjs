#!/usr/bin/env node
// The `assay` command. It installs the loader first, so that Assay's own
// sources, problems and users' *.bench.ts files load with no build step, and
// `import ... from 'assay'` in them loads this Assay wherever they lie.
import { installLoader } from '../run/loader.mjs';

installLoader();
await import('./main.ts');
