// Test configuration: the suite lives in test/, one behaviour per file. Tests
// whose verdicts depend on the machine being otherwise quiet (test/timing/) run
// after the rest, one file at a time (timing.config.ts), so the other test
// files' load does not land on one side of their comparisons; the fleet test runs
// last, alone (fleet.config.ts), so that its load lands on no one's.
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
    // the fleet test runs alone, last (fleet.config.ts)
    exclude: ['test/timing/**', 'test/fleet.test.ts', '**/node_modules/**'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
