// Prints one JSON line: whether Dawn finds a Vulkan adapter in this process's
// environment. Run as a child by lavapipe-paths.mjs; plain JavaScript, no loader.
let out;
try {
  const { create } = await import('webgpu');
  const gpu = create(['backend=vulkan']);
  globalThis.assayProbeGpu = gpu; // keep Dawn's instance alive while it works
  const adapter = await gpu.requestAdapter();
  if (!adapter) out = { ok: false, detail: 'Dawn found no Vulkan adapter' };
  else {
    const i = adapter.info;
    out = { ok: true, description: `${i.vendor} ${i.architecture} ${i.description}`.trim(), fallback: Boolean(i.isFallbackAdapter) };
  }
} catch (e) {
  out = { ok: false, detail: e instanceof Error ? e.message : String(e) };
}
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0);
