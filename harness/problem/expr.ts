// A tiny arithmetic expression language over axis values. Problems use it for
// work models and tolerances, and WGSL `@dispatch` headers use it for grid sizes:
// numbers, axis names, + - * /, parentheses, and a few functions.

/** Thrown when an expression cannot be parsed or names an unknown axis. */
export class ExprError extends Error {
  constructor(
    message: string,
    readonly expr: string,
    readonly column: number,
  ) {
    super(`${message} at column ${column} of "${expr}"`);
    this.name = 'ExprError';
  }
}

type Node =
  | { t: 'num'; v: number }
  | { t: 'var'; name: string; col: number }
  | { t: 'neg'; a: Node }
  | { t: 'bin'; op: '+' | '-' | '*' | '/'; a: Node; b: Node }
  | { t: 'call'; fn: string; args: Node[]; col: number };

const FUNCTIONS: Record<string, (...xs: number[]) => number> = {
  ceil: Math.ceil,
  floor: Math.floor,
  log2: Math.log2,
  sqrt: Math.sqrt,
  min: Math.min,
  max: Math.max,
};

const TOKEN = /\s*(?:(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z_0-9]*)|(\S))/y;

interface Token {
  kind: 'num' | 'id' | 'op' | 'end';
  text: string;
  col: number;
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while (TOKEN.lastIndex < src.length && (m = TOKEN.exec(src)) !== null) {
    const text = m[1] ?? m[2] ?? m[3];
    if (text === undefined) break;
    const col = m.index + m[0].length - text.length + 1;
    out.push({ kind: m[1] !== undefined ? 'num' : m[2] !== undefined ? 'id' : 'op', text, col });
  }
  out.push({ kind: 'end', text: '', col: src.length + 1 });
  return out;
}

/** A parsed expression that can be evaluated many times. */
export interface CompiledExpr {
  source: string;
  /** The axis names the expression reads. */
  names: string[];
  evaluate(vars: Record<string, number>): number;
}

/** Parses `src` once; throws ExprError with the column of the first problem. */
export function compileExpr(src: string): CompiledExpr {
  const toks = tokenize(src);
  let i = 0;
  const peek = (): Token => toks[i] ?? toks[toks.length - 1]!;
  const take = (): Token => {
    const t = peek();
    i++;
    return t;
  };
  const expect = (text: string): void => {
    const t = take();
    if (t.text !== text) throw new ExprError(`expected "${text}" but found "${t.text || 'end'}"`, src, t.col);
  };
  const parseSum = (): Node => {
    let a = parseProduct();
    while (peek().text === '+' || peek().text === '-') {
      const op = take().text as '+' | '-';
      a = { t: 'bin', op, a, b: parseProduct() };
    }
    return a;
  };
  const parseProduct = (): Node => {
    let a = parseUnary();
    while (peek().text === '*' || peek().text === '/') {
      const op = take().text as '*' | '/';
      a = { t: 'bin', op, a, b: parseUnary() };
    }
    return a;
  };
  const parseUnary = (): Node => {
    if (peek().text === '-') {
      take();
      return { t: 'neg', a: parseUnary() };
    }
    return parseAtom();
  };
  const parseAtom = (): Node => {
    const t = take();
    if (t.kind === 'num') return { t: 'num', v: Number(t.text) };
    if (t.kind === 'id') {
      if (peek().text === '(') {
        if (!(t.text in FUNCTIONS)) {
          throw new ExprError(`unknown function "${t.text}" (known: ${Object.keys(FUNCTIONS).join(', ')})`, src, t.col);
        }
        take();
        const args: Node[] = [parseSum()];
        while (peek().text === ',') {
          take();
          args.push(parseSum());
        }
        expect(')');
        return { t: 'call', fn: t.text, args, col: t.col };
      }
      return { t: 'var', name: t.text, col: t.col };
    }
    if (t.text === '(') {
      const inner = parseSum();
      expect(')');
      return inner;
    }
    throw new ExprError(t.kind === 'end' ? 'unexpected end of expression' : `unexpected "${t.text}"`, src, t.col);
  };
  const root = parseSum();
  const end = peek();
  if (end.kind !== 'end') throw new ExprError(`unexpected "${end.text}"`, src, end.col);

  const names = new Set<string>();
  const collect = (n: Node): void => {
    if (n.t === 'var') names.add(n.name);
    else if (n.t === 'neg') collect(n.a);
    else if (n.t === 'bin') {
      collect(n.a);
      collect(n.b);
    } else if (n.t === 'call') n.args.forEach(collect);
  };
  collect(root);

  const evalNode = (n: Node, vars: Record<string, number>): number => {
    switch (n.t) {
      case 'num':
        return n.v;
      case 'var': {
        const v = vars[n.name];
        if (v === undefined) {
          throw new ExprError(`unknown name "${n.name}" (known: ${Object.keys(vars).join(', ') || 'none'})`, src, n.col);
        }
        return v;
      }
      case 'neg':
        return -evalNode(n.a, vars);
      case 'bin': {
        const a = evalNode(n.a, vars);
        const b = evalNode(n.b, vars);
        return n.op === '+' ? a + b : n.op === '-' ? a - b : n.op === '*' ? a * b : a / b;
      }
      case 'call':
        return FUNCTIONS[n.fn]!(...n.args.map((x) => evalNode(x, vars)));
    }
  };
  return { source: src, names: [...names], evaluate: (vars) => evalNode(root, vars) };
}

/** Evaluates a number or an expression over `vars`. */
export function evalQuantity(q: number | string, vars: Record<string, number>): number {
  return typeof q === 'number' ? q : compileExpr(q).evaluate(vars);
}
