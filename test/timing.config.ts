// The timing-sensitive tests (test/timing/): each compares measurements taken at
// different moments, so they run alone, one file at a time, after the rest.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

export default defineConfig({ ...base, test: { ...base.test, include: ['test/timing/**/*.test.ts'], exclude: ['**/node_modules/**'], fileParallelism: false } });
