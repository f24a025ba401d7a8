// The functions bench:harness measures: eleven kinds of JS work, each at a size
// N and 2N, so that the ratio of their times should read 2. Each factory builds
// its data once and returns the function to time. `size`, n unless given, is
// the size of the data that the work runs over (a table to look up in): the
// planted slowdown of bench:validity scales n alone, so that the scaled copy
// does more of the same work, not work on a different table.

export type Factory = (n: number, size?: number) => () => unknown;

const seeded = (len: number): Float64Array => Float64Array.from({ length: len }, (_, i) => ((i * 7919) % 1000) / 7);

export const FUNCTIONS: Record<string, { n: number; make: Factory }> = {
  'arith loop': {
    n: 4000,
    make: (n) => () => {
      let x = 0x9e3779b9 | 0;
      for (let i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
      }
      return x;
    },
  },
  'Math.sqrt': {
    n: 2000,
    make: (n) => () => {
      let s = 0;
      for (let i = 1; i <= n; i++) s += Math.sqrt(i);
      return s;
    },
  },
  'typed array': {
    n: 4096,
    make: (n) => {
      const a = seeded(n);
      return () => {
        let s = 0;
        for (let i = 0; i < a.length; i++) s += a[i]! * 0.5;
        return s;
      };
    },
  },
  'Map lookups': {
    n: 1000,
    make: (n, size = n) => {
      const m = new Map<number, number>();
      for (let i = 0; i < size; i++) m.set(i, i * 2);
      return () => {
        let s = 0;
        // k walks the table and wraps at its end, in every copy (at n = size, on the last lookup)
        for (let i = 0, k = 0; i < n; i++) {
          s += m.get(k)!;
          if (++k === size) k = 0;
        }
        return s;
      };
    },
  },
  'Set has': {
    n: 1000,
    make: (n, size = n) => {
      const set = new Set<string>(Array.from({ length: size }, (_, i) => `k${i}`));
      // hits and misses alternate, so that every stretch of the keys (the plant's extra tenth
      // too) has the same mix of the two: (i * 7) % (2 * size) made every key past i = size a miss
      const keys = Array.from({ length: n }, (_, i) => `k${(((i >> 1) * 7) % size) + (i & 1) * size}`);
      return () => {
        let c = 0;
        for (const k of keys) if (set.has(k)) c++;
        return c;
      };
    },
  },
  'string building': {
    n: 200,
    make: (n) => () => {
      let s = '';
      for (let i = 0; i < n; i++) s += String.fromCharCode(97 + (i % 26));
      return s.length;
    },
  },
  regex: {
    n: 50,
    make: (n) => {
      const text = Array.from({ length: n }, (_, i) => `id-${i}: ${i * 37} units`).join('; ');
      const re = /(\d+) units/g;
      return () => {
        let c = 0;
        re.lastIndex = 0;
        while (re.exec(text)) c++;
        return c;
      };
    },
  },
  JSON: {
    n: 40,
    make: (n) => {
      const text = JSON.stringify(Array.from({ length: n }, (_, i) => ({ id: i, name: `item ${i}`, tags: ['a', 'b'], score: i / 3 })));
      return () => JSON.stringify(JSON.parse(text)).length;
    },
  },
  'small allocations': {
    n: 500,
    make: (n) => () => {
      let last: { i: number; next: unknown } | null = null;
      for (let i = 0; i < n; i++) last = { i, next: last };
      return last;
    },
  },
  'large allocation': {
    n: 100_000,
    make: (n) => () => new Float64Array(n).fill(1).length,
  },
  closures: {
    // filter's result grows its store 212 -> 334 -> 517: at n = 1000 its 334 elements fill the
    // store to the last slot, so any more work (a plant of bench:validity) paid a growth and a
    // copy. At 900 (300 elements), 1.02, 1.05 and 1.1 times the work stay within the same store.
    n: 900,
    make: (n) => {
      const xs = Array.from({ length: n }, (_, i) => i);
      return () => xs.map((x) => x * 2).filter((x) => x % 3 === 0).reduce((a, b) => a + b, 0);
    },
  },
  'polymorphic call': {
    n: 1000,
    make: (n) => {
      class A { v = 1; get() { return this.v; } }
      class B { w = 2; v = 2; get() { return this.v + 1; } }
      class C { x = 0; y = 0; v = 3; get() { return this.v * 2; } }
      class D { v = 4; z = 'd'; get() { return this.v - 1; } }
      const objs = Array.from({ length: n }, (_, i) => [new A(), new B(), new C(), new D()][i % 4]!);
      return () => {
        let s = 0;
        for (const o of objs) s += o.get();
        return s;
      };
    },
  },
};
