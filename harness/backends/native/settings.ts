// A native variant's own setting axes, read from header lines of its source:
//
//   // @settings threads=1,2
//
// Each `name=v1,v2,...` on such a line is one axis (several may share a line, or
// take a line each). Every value is a uint32, because it reaches the kernel
// through `extern "C" void assay_set_<name>(uint32_t value)`, which the backend
// calls before each verification run and before timing (see native-backend.ts).

/** The line that declares setting axes. */
const SETTINGS_LINE = /^\s*\/\/\s*@settings\b(.*)$/;
const NAME = /^[a-z_][a-z0-9_]*$/;

/** The setting axes declared in a source text; throws with the line number on a malformed line. */
export function parseSettings(source: string): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  source.split('\n').forEach((line, i) => {
    const m = SETTINGS_LINE.exec(line);
    if (!m) return;
    const where = `line ${i + 1}`;
    const items = m[1]!.trim().split(/[\s;]+/).filter(Boolean);
    if (items.length === 0) throw new Error(`${where}: "// @settings" names no setting; write e.g. "// @settings threads=1,2"`);
    for (const item of items) {
      const [name, list] = item.split('=', 2);
      if (!name || list === undefined || !NAME.test(name)) {
        throw new Error(`${where}: "${item}" is not a setting; write name=value,value (lower-case name, e.g. threads=1,2)`);
      }
      if (name in out) throw new Error(`${where}: setting "${name}" is declared twice`);
      const values = list.split(',').map((v) => v.trim());
      const nums = values.map(Number);
      const bad = values.filter((v, j) => v === '' || !Number.isInteger(nums[j]) || nums[j]! < 0 || nums[j]! > 0xffffffff);
      if (bad.length || values.length === 0) {
        throw new Error(`${where}: setting "${name}" has values that are not uint32 integers (${bad.map((b) => `"${b}"`).join(', ')}); a native setting reaches the kernel as a uint32_t`);
      }
      out[name] = nums;
    }
  });
  return out;
}

/** The function a kernel exports to receive one setting's value before it runs. */
export function settingHook(name: string): string {
  return `assay_set_${name}`;
}
