// Test configuration: the suite lives in test/, one behaviour per file.
// `assay` resolves to this checkout's entry, as it does for bench files and
// problems under `assay run`.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: { assay: fileURLToPath(new URL('../harness/index.ts', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
