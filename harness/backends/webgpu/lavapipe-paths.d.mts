// Types of lavapipe-paths.mjs, for the TypeScript side of the WebGPU backend.
export interface LavapipeManifest {
  schema: 1;
  mesa: string;
  icd: string;
  lib_dir: string;
  local_loader: boolean;
  adapter: string;
}
export function projectRoot(): string;
export function lavapipeDir(): string;
export function readManifest(dir?: string): LavapipeManifest | null;
export function hasSystemIcd(): boolean;
export function adapterEnvironment(base?: NodeJS.ProcessEnv): { env: Record<string, string>; source: string; manifest?: LavapipeManifest };
export function probeAdapter(extraEnv: Record<string, string | undefined>): { ok: true; description: string; fallback: boolean } | { ok: false; detail: string };
