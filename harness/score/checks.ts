// The checks of a score, in one list that every stage adds to, and the catalogue
// of every check a stage runs, so that a score that stops early still names the
// checks it did not reach (`skipped`), and a reader sees the whole list always.
import type { ArtifactKind, ScoreCheck } from '../model/types.ts';

export type Stage = 'build' | 'verify' | 'measure';

/** Every check each stage runs, in order; isolation layers are added as the sandbox reports them. */
export function catalogue(kind: ArtifactKind | null): Record<Stage, string[]> {
  return {
    build: ['format', ...(kind === 'js' || kind === 'native' ? ['self-contained', 'stays in its sandbox'] : []), ...(kind === 'native' ? ['clocks untouched'] : []), 'builds and loads'],
    verify: [
      'public axes',
      'fresh seeds',
      'held-out shapes',
      'fresh values in reused buffers',
      'no work after return',
      'inputs unchanged',
      'outputs written',
      'finite outputs',
      'no crash or hang',
      ...(kind === 'js' ? ['globals untouched'] : []),
    ],
    measure: ['measure lock', 'measuring clock', 'timed outputs', 'inputs unchanged after timing', 'cache probe', ...(kind === 'js' ? ['globals untouched after timing'] : [])],
  };
}

export class CheckList {
  readonly list: ScoreCheck[] = [];

  constructor(private readonly kind: ArtifactKind | null) {}

  /** Records a check; a later record of the same name replaces a passed one (a failure is never overwritten). */
  add(c: ScoreCheck): void {
    const i = this.list.findIndex((x) => x.name === c.name);
    if (i < 0) this.list.push(c);
    else if (this.list[i]!.passed || this.list[i]!.skipped) this.list[i] = c;
  }

  pass(name: string, detail: string): void {
    this.add({ name, passed: true, detail });
  }

  fail(name: string, detail: string): void {
    this.add({ name, passed: false, detail });
  }

  /** Marks a check passed unless it was recorded already (as failed, or passed with its own detail). */
  passIfUnset(name: string, detail: string): void {
    if (!this.list.some((x) => x.name === name)) this.pass(name, detail);
  }

  /** The first check that failed and counts against the candidate, if any. */
  firstFailure(): ScoreCheck | null {
    return this.list.find((c) => !c.passed && !c.unavailable && !c.skipped) ?? null;
  }

  /** Adds every catalogued check not yet recorded as not run, because scoring stopped at `stage`. */
  skipRest(stage: Stage, why: string): void {
    const cat = catalogue(this.kind);
    const stages: Stage[] = ['build', 'verify', 'measure'];
    for (const s of stages.slice(stages.indexOf(stage))) {
      for (const name of cat[s]) if (!this.list.some((x) => x.name === name)) this.list.push({ name, passed: false, skipped: true, detail: `not run: ${why}` });
    }
  }
}
