// The fleet test (test/fleet.test.ts), alone and last: its workers and their
// jobs load every core for half a minute, which would disturb the timing of any
// test file beside it or after it.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

export default defineConfig({ ...base, test: { ...base.test, include: ['test/fleet.test.ts'], exclude: ['**/node_modules/**'], fileParallelism: false } });
