// Entry of the runner process. It registers the TypeScript loader, and makes
// `assay` in the measured project's bench files load this Assay, whether the file
// is loaded as an ES module (a resolve hook) or as CommonJS (the require
// resolver), then starts the runner, whose first import is the clock.
import Module, { register } from 'node:module';
import { fileURLToPath } from 'node:url';
import { register as registerTsx } from 'tsx/esm/api';

const index = new URL('../index.ts', import.meta.url);
registerTsx();
register('./resolve-assay.mjs', import.meta.url, { data: { index: index.href } });
const indexPath = fileURLToPath(index);
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'assay' ? indexPath : resolveFilename.call(this, request, ...rest);
};
await import('./child.ts');
