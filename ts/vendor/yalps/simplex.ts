// @ts-nocheck -- vendored verbatim (plain JavaScript); only the exported types and `solve` are typed.
/**
 * The linear-programming part of YALPS 0.6.4 (npm `yalps`, "Yet another linear
 * programming solver", https://github.com/IanManske/YALPS), vendored from its
 * dist/index.js: the sections src/tableau.ts, src/util.ts, src/simplex.ts and
 * src/YALPS.ts, unchanged except that
 *   - src/branchAndCut.ts is left out (it is the only user of the CommonJS
 *     package `heap`, and only integer programs need it: `solve` throws for a
 *     model with integer or binary variables instead of branching);
 *   - `solve` is exported with the types below (a subset of yalps' index.d.ts),
 *     and the unused exports (lessEq, greaterEq, equalTo, inRange,
 *     defaultOptions) are dropped.
 * Vendored so that the package has no bare import and no top-level await
 * (issue 10): see ts/vendor/README.md. Used by ts/analysis/geometry/extreme.ts.
 *
 * MIT License
 *
 * Copyright (c) 2022-2023 Ian Manske
 *
 * Permission is hereby granted, free of charge, to any person obtaining a copy
 * of this software and associated documentation files (the "Software"), to deal
 * in the Software without restriction, including without limitation the rights
 * to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
 * copies of the Software, and to permit persons to whom the Software is
 * furnished to do so, subject to the following conditions:
 *
 * The above copyright notice and this permission notice shall be included in all
 * copies or substantial portions of the Software.
 *
 * THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
 * IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
 * FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
 * AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
 * LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
 * OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
 * SOFTWARE.
 */

/** Bounds of one constraint row (yalps `Constraint`). */
export type Constraint = { readonly equal?: number; readonly min?: number; readonly max?: number };

/** A linear program (yalps `Model`, without integer or binary variables). */
export type Model<VariableKey = string, ConstraintKey = string> = {
  readonly direction?: 'maximize' | 'minimize';
  readonly objective?: ConstraintKey;
  readonly constraints: Iterable<readonly [ConstraintKey, Constraint]>;
  readonly variables: Iterable<readonly [VariableKey, Iterable<readonly [ConstraintKey, number]>]>;
};

/** Solver options (yalps `Options`; branch-and-cut options have no effect here). */
export type Options = {
  readonly precision: number;
  readonly checkCycles: boolean;
  readonly maxPivots: number;
  readonly includeZeroVariables: boolean;
};

/** The result (yalps `Solution`). */
export type Solution<VariableKey = string> = {
  status: 'optimal' | 'infeasible' | 'unbounded' | 'timedout' | 'cycled';
  result: number;
  variables: [VariableKey, number][];
};

// src/tableau.ts
var index = (tableau, row, col) => tableau.matrix[Math.imul(row, tableau.width) + col];
var update = (tableau, row, col, value) => {
  tableau.matrix[Math.imul(row, tableau.width) + col] = value;
};
var convertToIterable = (seq) => Symbol.iterator in seq && typeof seq[Symbol.iterator] === "function" ? seq : (
  // eslint-disable-next-line @typescript-eslint/no-unsafe-type-assertion
  Object.entries(seq)
);
var convertToSet = (set) => set === true ? true : set === false ? /* @__PURE__ */ new Set() : set instanceof Set ? set : new Set(set);
var tableauModel = (model) => {
  const { direction, objective, integers, binaries } = model;
  const sign = direction === "minimize" ? -1 : 1;
  const constraintsIter = convertToIterable(model.constraints);
  const variablesIter = convertToIterable(model.variables);
  const variables = Array.isArray(variablesIter) ? variablesIter : Array.from(variablesIter);
  const binaryConstraintCol = [];
  const ints = [];
  if (integers != null || binaries != null) {
    const binaryVariables = convertToSet(binaries);
    const integerVariables = binaryVariables === true ? true : convertToSet(integers);
    for (let i = 1; i <= variables.length; i++) {
      const [key] = variables[i - 1];
      if (binaryVariables === true || binaryVariables.has(key)) {
        binaryConstraintCol.push(i);
        ints.push(i);
      } else if (integerVariables === true || integerVariables.has(key)) {
        ints.push(i);
      }
    }
  }
  const constraints = /* @__PURE__ */ new Map();
  for (const [key, constraint] of constraintsIter) {
    const bounds = constraints.get(key) ?? { row: NaN, lower: -Infinity, upper: Infinity };
    bounds.lower = Math.max(bounds.lower, constraint.equal ?? constraint.min ?? -Infinity);
    bounds.upper = Math.min(bounds.upper, constraint.equal ?? constraint.max ?? Infinity);
    if (!constraints.has(key)) constraints.set(key, bounds);
  }
  let numConstraints = 1;
  for (const constraint of constraints.values()) {
    constraint.row = numConstraints;
    numConstraints += (Number.isFinite(constraint.lower) ? 1 : 0) + (Number.isFinite(constraint.upper) ? 1 : 0);
  }
  const width = variables.length + 1;
  const height = numConstraints + binaryConstraintCol.length;
  const numVars = width + height;
  const matrix = new Float64Array(width * height);
  const positionOfVariable = new Int32Array(numVars);
  const variableAtPosition = new Int32Array(numVars);
  const tableau = { matrix, width, height, positionOfVariable, variableAtPosition };
  for (let i = 0; i < numVars; i++) {
    positionOfVariable[i] = i;
    variableAtPosition[i] = i;
  }
  for (let c = 1; c < width; c++) {
    for (const [constraint, coef] of convertToIterable(variables[c - 1][1])) {
      if (constraint === objective) {
        update(tableau, 0, c, sign * coef);
      }
      const bounds = constraints.get(constraint);
      if (bounds != null) {
        if (Number.isFinite(bounds.upper)) {
          update(tableau, bounds.row, c, coef);
          if (Number.isFinite(bounds.lower)) {
            update(tableau, bounds.row + 1, c, -coef);
          }
        } else if (Number.isFinite(bounds.lower)) {
          update(tableau, bounds.row, c, -coef);
        }
      }
    }
  }
  for (const bounds of constraints.values()) {
    if (Number.isFinite(bounds.upper)) {
      update(tableau, bounds.row, 0, bounds.upper);
      if (Number.isFinite(bounds.lower)) {
        update(tableau, bounds.row + 1, 0, -bounds.lower);
      }
    } else if (Number.isFinite(bounds.lower)) {
      update(tableau, bounds.row, 0, -bounds.lower);
    }
  }
  for (let b = 0; b < binaryConstraintCol.length; b++) {
    const row = numConstraints + b;
    update(tableau, row, 0, 1);
    update(tableau, row, binaryConstraintCol[b], 1);
  }
  return { tableau, sign, variables, integers: ints };
};

// src/util.ts
var roundToPrecision = (num, precision) => {
  const rounding = Math.round(1 / precision);
  return Math.round((num + Number.EPSILON) * rounding) / rounding;
};

// src/simplex.ts
var pivot = (tableau, row, col) => {
  const quotient = index(tableau, row, col);
  const leaving = tableau.variableAtPosition[tableau.width + row];
  const entering = tableau.variableAtPosition[col];
  tableau.variableAtPosition[tableau.width + row] = entering;
  tableau.variableAtPosition[col] = leaving;
  tableau.positionOfVariable[leaving] = col;
  tableau.positionOfVariable[entering] = tableau.width + row;
  const nonZeroColumns = [];
  for (let c = 0; c < tableau.width; c++) {
    const value = index(tableau, row, c);
    if (Math.abs(value) > 1e-16) {
      update(tableau, row, c, value / quotient);
      nonZeroColumns.push(c);
    } else {
      update(tableau, row, c, 0);
    }
  }
  update(tableau, row, col, 1 / quotient);
  for (let r = 0; r < tableau.height; r++) {
    if (r === row) continue;
    const coef = index(tableau, r, col);
    if (Math.abs(coef) > 1e-16) {
      for (let i = 0; i < nonZeroColumns.length; i++) {
        const c = nonZeroColumns[i];
        update(tableau, r, c, index(tableau, r, c) - coef * index(tableau, row, c));
      }
      update(tableau, r, col, -coef / quotient);
    }
  }
};
var hasCycle = (history, tableau, row, col) => {
  history.push([tableau.variableAtPosition[tableau.width + row], tableau.variableAtPosition[col]]);
  for (let length = 6; length <= Math.trunc(history.length / 2); length++) {
    let cycle = true;
    for (let i = 0; i < length; i++) {
      const item = history.length - 1 - i;
      const [row1, col1] = history[item];
      const [row2, col2] = history[item - length];
      if (row1 !== row2 || col1 !== col2) {
        cycle = false;
        break;
      }
    }
    if (cycle) return true;
  }
  return false;
};
var phase2 = (tableau, options) => {
  const pivotHistory = [];
  const { precision, maxPivots, checkCycles } = options;
  for (let iter = 0; iter < maxPivots; iter++) {
    let col = 0;
    let value = precision;
    for (let c = 1; c < tableau.width; c++) {
      const reducedCost = index(tableau, 0, c);
      if (reducedCost > value) {
        value = reducedCost;
        col = c;
      }
    }
    if (col === 0) return ["optimal", roundToPrecision(index(tableau, 0, 0), precision)];
    let row = 0;
    let minRatio = Infinity;
    for (let r = 1; r < tableau.height; r++) {
      const value2 = index(tableau, r, col);
      if (value2 <= precision) continue;
      const rhs = index(tableau, r, 0);
      const ratio = rhs / value2;
      if (ratio < minRatio) {
        row = r;
        minRatio = ratio;
        if (ratio <= precision) break;
      }
    }
    if (row === 0) return ["unbounded", col];
    if (checkCycles && hasCycle(pivotHistory, tableau, row, col)) return ["cycled", NaN];
    pivot(tableau, row, col);
  }
  return ["cycled", NaN];
};
var phase1 = (tableau, options) => {
  const pivotHistory = [];
  const { precision, maxPivots, checkCycles } = options;
  for (let iter = 0; iter < maxPivots; iter++) {
    let row = 0;
    let rhs = -precision;
    for (let r = 1; r < tableau.height; r++) {
      const value = index(tableau, r, 0);
      if (value < rhs) {
        rhs = value;
        row = r;
      }
    }
    if (row === 0) return phase2(tableau, options);
    let col = 0;
    let maxRatio = -Infinity;
    for (let c = 1; c < tableau.width; c++) {
      const coefficient = index(tableau, row, c);
      if (coefficient < -precision) {
        const ratio = -index(tableau, 0, c) / coefficient;
        if (ratio > maxRatio) {
          maxRatio = ratio;
          col = c;
        }
      }
    }
    if (col === 0) return ["infeasible", NaN];
    if (checkCycles && hasCycle(pivotHistory, tableau, row, col)) return ["cycled", NaN];
    pivot(tableau, row, col);
  }
  return ["cycled", NaN];
};

// src/YALPS.ts
var solution = ({ tableau, sign, variables: vars }, status, result, { precision, includeZeroVariables }) => {
  if (status === "optimal" || status === "timedout" && !Number.isNaN(result)) {
    const variables = [];
    for (let i = 0; i < vars.length; i++) {
      const [variable] = vars[i];
      const row = tableau.positionOfVariable[i + 1] - tableau.width;
      const value = row >= 0 ? index(tableau, row, 0) : 0;
      if (value > precision) {
        variables.push([variable, roundToPrecision(value, precision)]);
      } else if (includeZeroVariables) {
        variables.push([variable, 0]);
      }
    }
    return {
      status,
      result: -sign * result,
      variables
    };
  } else if (status === "unbounded") {
    const variable = tableau.variableAtPosition[result] - 1;
    return {
      status: "unbounded",
      result: sign * Infinity,
      // prettier-ignore
      variables: 0 <= variable && variable < vars.length ? [[vars[variable][0], Infinity]] : []
    };
  } else {
    return {
      status,
      result: NaN,
      variables: []
    };
  }
};
const defaultOptionValues = {
  precision: 1e-8,
  checkCycles: false,
  maxPivots: 8192,
  tolerance: 0,
  timeout: Infinity,
  maxIterations: 32768,
  includeZeroVariables: false
};
export const solve: <V, C>(model: Model<V, C>, options?: Partial<Options>) => Solution<V> = (model, options) => {
  const tabmod = tableauModel(model);
  const opt = { ...defaultOptionValues, ...options };
  if (tabmod.integers.length !== 0) throw new Error("vendored YALPS: integer variables are not supported (branch-and-cut was left out)");
  const [status, result] = phase1(tabmod.tableau, opt);
  return solution(tabmod, status, result, opt);
};
