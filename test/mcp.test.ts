// `assay mcp`, driven by the MCP SDK's own client over stdio: its four tools,
// bad input as an error result with the reason, and a candidate scored from
// its source text.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Score } from '../harness/model/types.ts';
import { ROOT } from './helpers.ts';

type Text = { content: Array<{ type: string; text: string }>; isError?: boolean };
const text = (r: unknown): string => (r as Text).content[0]!.text;

describe('assay mcp', () => {
  let client: Client;
  beforeAll(async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [`${ROOT}harness/cli/assay.mjs`, 'mcp'], cwd: ROOT, stderr: 'pipe', env: { ...(process.env as Record<string, string>) } });
    client = new Client({ name: 'assay-test', version: '1.0.0' });
    await client.connect(transport);
  });
  afterAll(async () => {
    await client?.close();
  });

  it('lists its tools', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['list_problems', 'run_benchmarks', 'score_candidate', 'show_problem']);
  });

  it('lists problems, and shows one with what a candidate must be', async () => {
    const problems = JSON.parse(text(await client.callTool({ name: 'list_problems', arguments: {} }))) as Array<{ name: string }>;
    expect(problems.map((p) => p.name)).toEqual(expect.arrayContaining(['matmul', 'saxpy']));
    const shown = JSON.parse(text(await client.callTool({ name: 'show_problem', arguments: { name: 'matmul' } })));
    expect(shown.candidate.native).toBe('extern "C" void kernel(const float* a, const float* b, float* c, uint32_t n)');
    expect(shown.candidate.wgsl.declarations).toMatch(/@group\(0\) @binding\(3\) var<uniform> params: Params;/);
    expect(shown.tolerance).toMatchObject({ atol: '3e-7 * n' });
    expect(shown.example.source).toMatch(/export default function reference/);
  });

  it('answers bad input with an error result that says why', async () => {
    const r = (await client.callTool({ name: 'show_problem', arguments: { name: 'no-such-problem' } })) as Text;
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/unknown problem "no-such-problem"; the problems are .*matmul/);
    const k = (await client.callTool({ name: 'score_candidate', arguments: { problem: 'saxpy', kind: 'fortran', source: 'x' } })) as Text;
    expect(k.isError).toBe(true);
  });

  it('scores a candidate from its source text and returns the Score JSON', async () => {
    const source = 'export default function (i: any, o: any, p: any) { const a = i.a[0], x = i.x, y = i.y, out = o.out; for (let k = 0; k < p.n; k++) out[k] = a * x[k] + y[k]; }';
    const r = await client.callTool({ name: 'score_candidate', arguments: { problem: 'saxpy', kind: 'ts', source, name: 'mine.ts', budget_s: 0.05 } });
    const s = JSON.parse(text(r)) as Score;
    expect(s.verdict, s.reason).toBe('accepted');
    expect(s.candidate).toMatch(/mine\.ts$/);
    expect(s.speedup!.vs).toBe('saxpy/reference.ts');
    const bad = JSON.parse(text(await client.callTool({ name: 'score_candidate', arguments: { problem: 'saxpy', kind: 'ts', source: 'export default function () {}' } }))) as Score;
    expect(bad).toMatchObject({ verdict: 'rejected', stage: 'verify' });
    expect(bad.reason).toMatch(/^outputs written: /);
  });

  it("runs benchmarks in the agent's workspace and returns the summary", async () => {
    const r = JSON.parse(text(await client.callTool({ name: 'run_benchmarks', arguments: { paths: ['test/fixtures/bench/ok'], budget_s: 0.05 } })));
    expect(r.counts.measured).toBeGreaterThan(0);
    expect(r.cases[0]).toMatchObject({ id: expect.stringMatching(/strings\.bench\.ts/), state: 'measured', median_ns: expect.any(Number) });
  });
});
