// Entry of the runner process. It registers the TypeScript loader and a resolve
// hook that makes `import ... from 'assay'` in the measured project's bench files
// load this Assay, then starts the runner (whose first import is the clock).
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
register('./resolve-assay.mjs', import.meta.url, { data: { index: new URL('../index.ts', import.meta.url).href } });
await import('./child.ts');
