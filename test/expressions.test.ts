// The expression language of work models, tolerances and dispatch headers.
import { describe, expect, it } from 'vitest';
import { compileExpr, evalQuantity, ExprError } from '../harness/problem/expr.ts';

describe('expressions', () => {
  it('evaluates arithmetic with precedence, parentheses, functions and exponents', () => {
    expect(evalQuantity('2*n*n*n', { n: 3 })).toBe(54);
    expect(evalQuantity('1 + 2 * 3 - 4 / 2', {})).toBe(5);
    expect(evalQuantity('-(rows + 1) * cols', { rows: 2, cols: 5 })).toBe(-15);
    expect(evalQuantity('ceil(n / 16)', { n: 33 })).toBe(3);
    expect(evalQuantity('n * log2(n)', { n: 8 })).toBe(24);
    expect(evalQuantity('4e-8 * n', { n: 1e6 })).toBeCloseTo(0.04, 12);
    expect(evalQuantity('max(1, min(a, 7))', { a: 9 })).toBe(7);
    expect(evalQuantity(42, {})).toBe(42);
  });
  it('lists the names it reads', () => {
    expect(compileExpr('ceil(n / 16) * rows').names.sort()).toEqual(['n', 'rows']);
  });
  it('reports the column of a syntax error or an unknown name', () => {
    expect(() => compileExpr('2 * (n + 1')).toThrow(/expected "\)" but found "end" at column 11/);
    expect(() => compileExpr('2 ** n')).toThrow(ExprError);
    expect(() => compileExpr('pow(n, 2)')).toThrow(/unknown function "pow"/);
    expect(() => evalQuantity('n * m', { n: 1 })).toThrow(/unknown name "m" .* at column 5/);
  });
});
