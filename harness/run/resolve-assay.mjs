// A module resolve hook for the CLI and the runner process: the bare specifier
// `assay` resolves to the Assay that runs the cases, whatever the measured
// project has installed, so one harness measures bench files and both sides of ab.
let index = null;

export function initialize(data) {
  index = data.index;
}

export async function resolve(specifier, context, next) {
  // handed on down the chain, so that the TypeScript loader resolves (and later loads) the entry as its own
  if (specifier === 'assay' && index) return next(index, context);
  return next(specifier, context);
}
