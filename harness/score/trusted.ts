// The trusted runner of a scoring session: one runner in candidate mode, not
// sandboxed, that holds the problem's own artifacts, each in a slot: the
// reference (the oracle, whose outputs on every drawn input set are what a
// candidate is held to) and the built-in variants it is measured against.
import { formatParams, generateInputs } from '../problem/define.ts';
import { firstNonFinite } from '../verify/finite.ts';
import { firstUnwritten } from '../verify/poison.ts';
import type { Expectation } from '../verify/verify.ts';
import { InternalError } from '../model/errors.ts';
import type { Params, Settings } from '../model/types.ts';
import type { LoadedProblem, VariantFile } from '../run/suite.ts';
import { CandidateClient } from '../runner/candidate-client.ts';
import type { ProblemSignature } from '../runner/protocol.ts';

/** The name of a variant's slot: its file name and settings, as in a case id. */
export function slotName(v: VariantFile, settings: Settings = {}): string {
  const s = formatParams(settings);
  return s ? `${v.name}[${s}]` : v.name;
}

export function signatureOf(lp: LoadedProblem): ProblemSignature {
  return { name: lp.problem.name, axes: lp.problem.axes, tensors: lp.problem.tensors };
}

const expectationKey = (params: Params, seed: number): string => `${formatParams(params)}|${seed}`;

export class TrustedRunner {
  private loaded = new Map<string, Promise<void>>();
  private expectations = new Map<string, Promise<Expectation & { ns: number }>>();
  /** Expectations being computed now (the reference running in the trusted runner). */
  private computing = new Set<Promise<unknown>>();
  /** The reference's time of one call at each point, from the expectations it computed. */
  readonly referenceNs = new Map<string, number>();
  /** The calls per sample chosen for each slot at each point, so later candidates of the session skip the trusted sides' warm-up. */
  readonly batches = new Map<string, number>();

  private constructor(
    readonly client: CandidateClient,
    readonly lp: LoadedProblem,
  ) {}

  static async start(lp: LoadedProblem, cwd: string): Promise<TrustedRunner> {
    const client = await CandidateClient.start({ cwd, label: `trusted runner of "${lp.problem.name}"`, output: null });
    return new TrustedRunner(client, lp);
  }

  get reference(): VariantFile {
    return this.lp.variants.find((v) => v.isReference)!;
  }

  /** Loads a built-in variant into its slot once; a failure is Assay's own (built-ins are verified by the test suite). */
  ensure(v: VariantFile, settings: Settings = {}): Promise<void> {
    const slot = slotName(v, settings);
    let p = this.loaded.get(slot);
    if (!p) {
      p = (async () => {
        const r = await this.client.load({ kind: v.kind, file: v.file, ...(Object.keys(settings).length ? { settings } : {}) }, signatureOf(this.lp), slot);
        if (r.type === 'failed') throw new InternalError(`the built-in variant ${this.lp.problem.name}/${slot} did not load: ${r.message}`);
      })();
      this.loaded.set(slot, p);
    }
    return p;
  }

  /**
   * The inputs of `seed` at `params` and the reference's outputs on them. The
   * plan's points are computed once and kept (every candidate of a session is
   * verified on them); `once` is for draws that no later call asks for again (the
   * measure stage's sets), which are not kept, so a long session does not hold
   * every set it ever measured.
   */
  expect(params: Params, seed: number, o: { once?: boolean } = {}): Promise<Expectation & { ns: number }> {
    const key = expectationKey(params, seed);
    const kept = this.expectations.get(key);
    if (kept) return kept;
    const p = this.compute(params, seed);
    // tracked until it settles, kept or not, and whether or not a redraw drops it meanwhile
    this.computing.add(p);
    const done = (): void => void this.computing.delete(p);
    p.then(done, done);
    if (!o.once) this.expectations.set(key, p);
    return p;
  }

  /** Starts computing the expectations of these points now, so that they are ready when a stage asks; failures surface there. */
  prefetch(points: Array<{ params: Params; seed: number }>): void {
    for (const x of points) this.expect(x.params, x.seed).catch(() => {});
  }

  /** Drops the kept expectations other than these (a new plan's points), so that a session that redraws does not grow. */
  keepOnly(points: Array<{ params: Params; seed: number }>): void {
    const keep = new Set(points.map((x) => expectationKey(x.params, x.seed)));
    for (const key of [...this.expectations.keys()]) if (!keep.has(key)) this.expectations.delete(key);
  }

  /** How many expectations are kept. */
  get kept(): number {
    return this.expectations.size;
  }

  /** Resolves once no expectation is being computed: the trusted runner is idle before anything of it is timed. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.computing]);
  }

  private async compute(params: Params, seed: number): Promise<Expectation & { ns: number }> {
    const ref = this.reference;
    await this.ensure(ref);
    const inputs = generateInputs(this.lp.problem, params, seed);
    const r = await this.client.call(inputs, params, { slot: slotName(ref) });
    const where = `the reference ${this.lp.problem.name}/${ref.name} at ${formatParams(params)}`;
    if (r.type === 'failed') throw new InternalError(`${where} failed: ${r.message}`);
    const unwritten = firstUnwritten(r.outputs);
    if (unwritten) throw new InternalError(`${where} left ${unwritten.tensor}[${unwritten.index}] unwritten`);
    const bad = firstNonFinite(r.outputs);
    if (bad) throw new InternalError(`${where} wrote ${bad.value} to ${bad.tensor}[${bad.index}]`);
    const prev = this.referenceNs.get(formatParams(params));
    this.referenceNs.set(formatParams(params), prev === undefined ? r.ns : Math.min(prev, r.ns));
    return { params, inputs, expected: r.outputs, ns: r.ns };
  }

  shutdown(): Promise<void> {
    return this.client.shutdown();
  }
}
