// The runner process: a hello with the protocol version, planning, sampling a
// case on request at a given batch size, whole runs, failures as results and
// bad requests as errors, and the clock captured before user code loads.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunnerClient, RunnerError } from '../harness/runner/client.ts';
import { PROTOCOL_VERSION } from '../harness/runner/protocol.ts';

const fixtures = fileURLToPath(new URL('./fixtures/bench/', import.meta.url));

describe('runner process', () => {
  let r: RunnerClient;
  beforeAll(async () => {
    r = await RunnerClient.start({ cwd: fixtures, output: null });
  });
  afterAll(async () => {
    await r?.shutdown();
  });

  it('says hello with its protocol version, pid and working folder', () => {
    expect(r.hello).toMatchObject({ type: 'hello', protocol: PROTOCOL_VERSION });
    // the same measuring clock `assay run` uses here: the native monotonic clock when the addon is built
    expect(r.hello.clock).toMatch(/process\.hrtime\.bigint|CLOCK_MONOTONIC/);
    expect(r.hello.cwd).toBe(fixtures.replace(/\/$/, ''));
    expect(r.hello.pid).not.toBe(process.pid);
  });

  it('plans, then samples a case on request at the batch size asked for', async () => {
    const cases = await r.plan({ paths: ['ok', 'failing', 'tamper'], measure: { budgetS: 0.05, warmupS: 0.01 } });
    expect(cases.map((c) => c.id)).toContain('ok/strings.bench.ts/join');
    const p = await r.prepare('ok/strings.bench.ts/join');
    if (!('batch' in p)) throw new Error(`not prepared: ${JSON.stringify(p)}`);
    expect(p.batch).toBeGreaterThan(1);
    const s1 = await r.sample('ok/strings.bench.ts/join', 3, 10);
    const s2 = await r.sample('ok/strings.bench.ts/join', 2, 10);
    expect(Array.isArray(s1) && s1.length).toBe(3);
    expect(Array.isArray(s2) && s2.length).toBe(2);
    const res = await r.finish('ok/strings.bench.ts/join', 'budget');
    expect(res.state).toBe('measured');
    if (res.state !== 'measured') return;
    // the result holds exactly the samples handed out, in order, at the batch asked for
    expect(res.stats.samples).toEqual([...(s1 as number[]), ...(s2 as number[])]);
    expect(res.stats).toMatchObject({ batch: 10, n: 5, stop: 'budget', noisy: true });
  });

  it('answers prepare with a failed result for a case whose check fails', async () => {
    const p = await r.prepare('failing/check.bench.ts/wrong result');
    expect(p).toMatchObject({ state: 'failed', stage: 'verify', error: expect.stringMatching(/check failed/) });
  });

  it('runs a case whole, and measures real time although the bench file fakes the clocks', async () => {
    const res = await r.run('tamper/clock.bench.ts/spin 20k');
    expect(res.state).toBe('measured');
    if (res.state === 'measured') expect(res.stats.median).toBeGreaterThan(2_000);
  });

  it('answers a request for an unknown case with an error, and stays up', async () => {
    await expect(r.prepare('no/such/case')).rejects.toThrow(RunnerError);
    await expect(r.prepare('no/such/case')).rejects.toThrow(/no planned case "no\/such\/case"/);
    await expect(r.plan({ paths: ['broken'] })).rejects.toThrow(/syntax\.bench\.ts:4/);
    expect((await r.plan({ paths: ['ok'] })).length).toBe(3);
  });

  it('fails pending requests with the exit status when the process dies, and refuses new ones', async () => {
    const dying = await RunnerClient.start({ cwd: fileURLToPath(new URL('./fixtures/runner/', import.meta.url)), output: null, label: 'dying' });
    await dying.plan({ paths: ['exits.bench.ts'] });
    await expect(dying.prepare('exits.bench.ts/exits')).rejects.toThrow(/runner dying exited with code 3/);
    expect(dying.exitReason).toBe('exited with code 3');
    await expect(dying.plan({ paths: ['exits.bench.ts'] })).rejects.toThrow(RunnerError);
  });

  it("starts every runner with glibc's mmap threshold fixed, unless the environment sets its own", async () => {
    const planned = async (env?: NodeJS.ProcessEnv): Promise<string[]> => {
      const r = await RunnerClient.start({ cwd: fileURLToPath(new URL('./fixtures/runner/', import.meta.url)), output: null, ...(env ? { env } : {}) });
      try {
        return (await r.plan({ paths: ['malloc.bench.ts'] })).map((c) => c.id);
      } finally {
        await r.shutdown();
      }
    };
    expect(await planned()).toEqual(['malloc.bench.ts/mmap threshold 131072']);
    expect(await planned({ MALLOC_MMAP_THRESHOLD_: '65536' })).toEqual(['malloc.bench.ts/mmap threshold 65536']);
    expect(await planned({ GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=65536' })).toEqual(['malloc.bench.ts/mmap threshold glibc default']);
  });

  it('stops a case that hangs when its time limit passes', async () => {
    const hung = await RunnerClient.start({ cwd: fileURLToPath(new URL('./fixtures/runner/', import.meta.url)), output: null, label: 'hung' });
    await hung.plan({ paths: ['hangs.bench.ts'] });
    const t0 = Date.now();
    await expect(hung.run('hangs.bench.ts/hangs', undefined, 500)).rejects.toThrow(/runner hung was stopped: its run request took longer than 500 ms/);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(hung.exitReason).toMatch(/was stopped/);
  });
});
