import { CHECK_GROUPS } from '@softmax-kit/conformance';
import type { LoadedConformance } from './load-reports.js';
import type { CaseResult, CheckGroup } from './report-types.js';

/** The check groups in the conformance package's order (worked examples first, then SPEC's table). */
export const groupOrder: readonly CheckGroup[] = CHECK_GROUPS;

export interface MatrixRow {
  id: string;
  title: string;
  /** One cell per column, in column order; undefined when that report lacks the case. */
  cells: (CaseResult | undefined)[];
}

export interface MatrixGroup {
  group: CheckGroup;
  rows: MatrixRow[];
  /** Per column: counts of this group's cases. */
  summary: { pass: number; fail: number; skip: number; missing: number }[];
}

/** Builds the checks x backends matrix: rows grouped as in SPEC, one column per report. */
export function buildMatrix(columns: LoadedConformance[]): MatrixGroup[] {
  const groups = new Map<CheckGroup, Map<string, MatrixRow>>();
  columns.forEach((column, index) => {
    for (const result of column.report.cases) {
      let rows = groups.get(result.group);
      if (!rows) {
        rows = new Map();
        groups.set(result.group, rows);
      }
      let row = rows.get(result.id);
      if (!row) {
        row = { id: result.id, title: result.title, cells: columns.map(() => undefined) };
        rows.set(result.id, row);
      }
      row.cells[index] = result;
    }
  });
  const known = groupOrder.filter((group) => groups.has(group));
  const unknown = [...groups.keys()].filter((group) => !groupOrder.includes(group)).sort();
  return [...known, ...unknown].map((group) => {
    const rows = [...groups.get(group)!.values()];
    const summary = columns.map((_, index) => {
      const counts = { pass: 0, fail: 0, skip: 0, missing: 0 };
      for (const row of rows) {
        const cell = row.cells[index];
        if (cell) counts[cell.status] += 1;
        else counts.missing += 1;
      }
      return counts;
    });
    return { group, rows, summary };
  });
}
