import { measuringClock } from './harness/measure/clock.ts';
import { calibrate } from './harness/measure/calibrate.ts';
import { FUNCTIONS } from './bench/harness/functions.ts';
const [variant, name, warm] = process.argv.slice(2);
const fn = name === 'empty' ? () => {} : FUNCTIONS[name!]!.make(FUNCTIONS[name!]!.n);
const clock = measuringClock();
const med = (xs: number[]) => xs.slice().sort((a, b) => a - b)[xs.length >> 1]!;
let loop: (k: number) => unknown;
if (variant === 'mega') {
  const l = new Function('return function batch(fn, k) { let r; for (let i = 0; i < k; i++) r = fn(); return r; };')() as (f: () => unknown, k: number) => unknown;
  for (let j = 0; j < 8; j++) { const d = new Function(`return ${j};`) as () => unknown; for (let q = 0; q < 50; q++) l(d, 20); }
  loop = (k) => l(fn, k);
} else {
  loop = new Function('fn', 'return function batch(k) { let r; for (let i = 0; i < k; i++) r = fn(); return r; };')(fn);
}
const time = (k: number) => { const t0 = clock.now(); loop(k); return clock.now() - t0; };
const cal = await calibrate(time, clock, Number(warm ?? 0.05) * 1e9, 1e6);
const xs: number[] = [];
for (let r = 0; r < 300; r++) xs.push(time(cal.batch) / cal.batch);
console.log(variant.padEnd(5), name!.padEnd(18), 'batch', String(cal.batch).padStart(6), 'median', med(xs).toFixed(1).padStart(8), 'first', med(xs.slice(0, 30)).toFixed(0).padStart(7), 'last', med(xs.slice(-30)).toFixed(0).padStart(7));
