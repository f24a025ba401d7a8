// Every WGSL variant of the built-in problems agrees with the JS reference within
// the problem's tolerance, at the problem's own points and at small, awkward
// sizes off every workgroup and block multiple (n = 1, odd, non-powers of two).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { webgpuBackend } from '../harness/backends/webgpu/webgpu-backend.ts';
import { axisPoints, formatParams, generateInputs, publicSeed } from '../harness/problem/define.ts';
import { builtinKernelsDir, loadProblem } from '../harness/run/suite.ts';
import type { Params } from '../harness/model/types.ts';
import { runOnce, verifyAll, type Expectation } from '../harness/verify/verify.ts';
import { expectAdapter, skipWebGpu } from './webgpu-adapter.ts';

const AWKWARD: Record<string, Params[]> = {
  saxpy: [{ n: 1 }, { n: 257 }],
  'reduce-sum': [{ n: 1 }, { n: 4097 }, { n: 300001 }],
  'prefix-sum': [{ n: 1 }, { n: 1025 }, { n: 70001 }],
  softmax: [{ rows: 1, cols: 1 }, { rows: 7, cols: 33 }],
  matmul: [{ n: 1 }, { n: 67 }],
  sort: [{ n: 1 }, { n: 2 }, { n: 129 }, { n: 1024 }],
};

const problems = readdirSync(builtinKernelsDir()).filter((p) => AWKWARD[p]);

describe.skipIf(skipWebGpu)('WGSL variants verify', () => {
  it('has a WebGPU adapter', expectAdapter);

  for (const name of problems) {
    it(`${name}: every .wgsl variant matches the reference`, { timeout: 120_000 }, async () => {
      const lp = await loadProblem(path.join(builtinKernelsDir(), name, 'problem.ts'));
      const wgsl = lp.variants.filter((v) => v.kind === 'wgsl');
      expect(wgsl.length).toBeGreaterThan(0);
      const ref = (await import(path.join(lp.problem.dir, lp.problem.reference))) as { default: (i: never, o: never, p: never) => void };
      const exps: Expectation[] = [];
      for (const params of [...axisPoints(lp.problem.axes), ...AWKWARD[name]!]) {
        const inputs = generateInputs(lp.problem, params, publicSeed(name, params));
        exps.push({ params, inputs, expected: await runOnce(lp.problem, ref.default as never, inputs, params) });
      }
      const failures: string[] = [];
      for (const v of wgsl) {
        const k = await webgpuBackend.prepare(v.file, { problem: lp.problem });
        const outcome = await verifyAll(lp.problem, k.run, exps);
        if (!outcome.report.passed) failures.push(`${v.name}: ${outcome.message}`);
        await k.dispose?.();
      }
      expect(failures, `points: ${exps.map((e) => formatParams(e.params)).join(' | ')}`).toEqual([]);
    });
  }
});
