// What a worker says about its host when it registers: the machine
// fingerprint, which backends can run here (the GPU adapter included), the tags
// it gets without being asked (gpu:<vendor> for a hardware adapter,
// gpu:software for a software one such as lavapipe, cpu:<arch>), and the job
// kinds it can run (ab and nightly need git).
import { spawnSync } from 'node:child_process';
import { ALL_KINDS, availabilityOf } from '../backends/registry.ts';
import { captureMachine } from '../env/machine.ts';
import type { ArtifactKind, MachineInfo } from '../model/types.ts';
import { JOB_KINDS, familyOf, type JobKind } from './spec.ts';

export interface HostFacts {
  machine: MachineInfo;
  backends: Array<{ kind: ArtifactKind; ok: boolean; detail: string }>;
  /** The automatic tags. */
  tags: string[];
  kinds: JobKind[];
}

/** The tag of a tag-safe word: lower case, anything else a dash. */
const word = (s: string): string => s.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'unknown';

/** The automatic tags of a machine with these backends. */
export function automaticTags(arch: string, gpu: { ok: boolean; info?: Record<string, unknown> } | undefined): string[] {
  const tags = [`cpu:${word(arch)}`];
  if (gpu?.ok) {
    const info = gpu.info ?? {};
    const software = info.fallback === true || info.architecture === 'software' || /llvmpipe|lavapipe|swiftshader/i.test(String(info.description ?? ''));
    tags.push(software ? 'gpu:software' : `gpu:${word(String(info.vendor ?? 'unknown'))}`);
  }
  return tags;
}

/** Finds out what this host has (about a second: the WebGPU check starts a GPU process). */
export async function hostFacts(): Promise<HostFacts> {
  const all = await Promise.all(ALL_KINDS.map(async (kind) => ({ kind, ...(await availabilityOf(kind)) })));
  const machine = captureMachine();
  const hasGit = spawnSync('git', ['--version'], { stdio: 'ignore' }).status === 0;
  return {
    machine: JSON.parse(JSON.stringify(machine)) as MachineInfo,
    backends: all.map((b) => ({ kind: b.kind, ok: b.ok, detail: b.detail })),
    tags: automaticTags(process.arch, all.find((b) => b.kind === 'wgsl')),
    kinds: JOB_KINDS.filter((k) => familyOf(k) === 'plain' || hasGit),
  };
}
