// Loading user code with no build step: registers the TypeScript loader, and
// makes the bare specifier `assay` in bench files, problems and candidates load
// this Assay, wherever the file lies and whatever the project beside it has
// installed, whether the file is loaded as an ES module (a resolve hook) or as
// CommonJS (the require resolver). The CLI and the runner process call it first.
import Module, { register } from 'node:module';
import { fileURLToPath } from 'node:url';
import { register as registerTsx } from 'tsx/esm/api';

const index = new URL('../index.ts', import.meta.url);

let installed = false;

export function installLoader() {
  if (installed) return;
  installed = true;
  registerTsx();
  register('./resolve-assay.mjs', import.meta.url, { data: { index: index.href } });
  const indexPath = fileURLToPath(index);
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    return request === 'assay' ? indexPath : resolveFilename.call(this, request, ...rest);
  };
}
