// Globals an untrusted JS kernel could replace to fool a measurement or a
// check: the clocks and timers, the scheduling primitives, the IPC channel and
// the array and math methods that comparisons and statistics use. Watched from
// inside the process the kernel runs in: their identities are taken before the
// kernel loads and compared afterwards. Replacing any of them is a rejection.

type Getter = () => unknown;

const WATCHED: Record<string, Getter> = {
  'performance.now': () => performance.now,
  'performance.timeOrigin': () => performance.timeOrigin,
  'process.hrtime': () => process.hrtime,
  'process.hrtime.bigint': () => process.hrtime.bigint,
  'process.cpuUsage': () => process.cpuUsage,
  'process.send': () => process.send,
  'process.emit': () => process.emit,
  'process.on': () => process.on,
  'process.nextTick': () => process.nextTick,
  'process.exit': () => process.exit,
  Date: () => Date,
  'Date.now': () => Date.now,
  setTimeout: () => globalThis.setTimeout,
  setInterval: () => globalThis.setInterval,
  setImmediate: () => globalThis.setImmediate,
  queueMicrotask: () => globalThis.queueMicrotask,
  Promise: () => Promise,
  'Promise.prototype.then': () => Promise.prototype.then,
  Math: () => Math,
  'Math.min': () => Math.min,
  'Math.max': () => Math.max,
  'Math.abs': () => Math.abs,
  'Math.floor': () => Math.floor,
  'Number.isFinite': () => Number.isFinite,
  'Number.isNaN': () => Number.isNaN,
  'Array.prototype.push': () => Array.prototype.push,
  'Array.prototype.sort': () => Array.prototype.sort,
  'TypedArray.prototype.set': () => Object.getPrototypeOf(Float32Array.prototype).set,
  'TypedArray.prototype.slice': () => Object.getPrototypeOf(Float32Array.prototype).slice,
  'TypedArray.prototype.fill': () => Object.getPrototypeOf(Float32Array.prototype).fill,
  'JSON.stringify': () => JSON.stringify,
  structuredClone: () => globalThis.structuredClone,
};

/** Takes the identities now; `changed()` lists those replaced since. */
export function watchGlobals(): { changed(): string[] } {
  // plain indexed loops over arrays taken now: the methods a kernel might patch are not used to check for patches
  const names = Object.keys(WATCHED);
  const getters = names.map((k) => WATCHED[k]!);
  const before = getters.map((get) => get());
  return {
    changed(): string[] {
      const out: string[] = [];
      for (let i = 0; i < names.length; i++) if (getters[i]!() !== before[i]) out[out.length] = names[i]!;
      return out;
    },
  };
}
