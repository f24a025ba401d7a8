// The backends Assay knows, and which of them can run on this machine.
import type { ArtifactKind } from '../model/types.ts';
import type { Availability, Backend } from './backend.ts';
import { jsBackend } from './js/js-backend.ts';
import { nativeBackend } from './native/native-backend.ts';
import { onnxBackend } from './onnx/onnx-backend.ts';
import { webgpuBackend } from './webgpu/webgpu-backend.ts';

export const ALL_KINDS: ArtifactKind[] = ['js', 'native', 'wgsl', 'onnx'];

const backends = new Map<ArtifactKind, Backend>([
  ['js', jsBackend],
  ['native', nativeBackend],
  ['wgsl', webgpuBackend],
  ['onnx', onnxBackend],
]);

/** Registers a backend (replacing any of the same kind). */
export function registerBackend(b: Backend): void {
  backends.set(b.kind, b);
}

export function backendFor(kind: ArtifactKind): Backend | undefined {
  return backends.get(kind);
}

/** The artifact kind of a variant file, from its extension; null for files that are not variants. */
export function kindOfFile(file: string): ArtifactKind | null {
  const ext = file.slice(file.lastIndexOf('.'));
  for (const b of backends.values()) if (b.extensions.includes(ext)) return b.kind;
  return null;
}

/** Every file extension that names a variant, for messages. */
export function variantExtensions(): string[] {
  const exts = new Set<string>();
  for (const b of backends.values()) for (const e of b.extensions) exts.add(e);
  return [...exts];
}

/** Whether each kind can run here, and why not. */
export async function availabilityOf(kind: ArtifactKind): Promise<Availability> {
  const b = backends.get(kind);
  if (!b) return { ok: false, detail: `the ${kind} backend is not part of this version of Assay` };
  try {
    return await b.availability();
  } catch (e) {
    return { ok: false, detail: e instanceof Error ? e.message : String(e) };
  }
}

/** A variant file's own setting axes, as its backend reads them; none when the backend is absent or has none. */
export async function settingsOf(kind: ArtifactKind, file: string): Promise<Record<string, Array<string | number>>> {
  const b = backends.get(kind);
  return b?.settings ? await b.settings(file) : {};
}

/** Parses a `--backend js,wgsl` list, rejecting unknown names. */
export function parseKinds(list: string): ArtifactKind[] {
  const kinds = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = kinds.filter((k) => !ALL_KINDS.includes(k as ArtifactKind));
  if (bad.length) throw new RangeError(`unknown backend ${bad.map((b) => `"${b}"`).join(', ')}; known: ${ALL_KINDS.join(', ')}`);
  return kinds as ArtifactKind[];
}
