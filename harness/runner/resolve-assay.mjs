// A module resolve hook for the runner process: the bare specifier `assay` (and
// `assay/...` subpaths of the entry) resolves to the Assay that runs the cases,
// whatever the measured project has installed, so one harness measures both sides.
let index = null;

export function initialize(data) {
  index = data.index;
}

export async function resolve(specifier, context, next) {
  if (specifier === 'assay' && index) return { url: index, shortCircuit: true };
  return next(specifier, context);
}
