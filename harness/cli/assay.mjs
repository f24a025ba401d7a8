#!/usr/bin/env node
// The `assay` command. It registers the TypeScript loader, so that Assay's own
// sources, problems and users' *.bench.ts files load with no build step.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
