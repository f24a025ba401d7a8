// The timing-sensitive tests (test/timing/): each compares measurements taken at
// different moments, so they run alone, one file at a time, after the rest. The
// fleet test runs here too: its workers and their jobs load every core for half
// a minute, which would disturb the timing of whatever other test file ran beside it.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

export default defineConfig({ ...base, test: { ...base.test, include: ['test/timing/**/*.test.ts', 'test/fleet.test.ts'], exclude: ['**/node_modules/**'], fileParallelism: false } });
