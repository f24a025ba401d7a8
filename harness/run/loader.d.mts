/** Registers the TypeScript loader and the resolution of `assay` to this Assay. */
export function installLoader(): void;
