import { describe, expect, it } from 'vitest';
import type { LoadedConformance } from './load-reports.js';
import { buildMatrix } from './matrix.js';
import type { CaseResult, ConformanceReport } from './report-types.js';

function result(id: string, group: CaseResult['group'], status: CaseResult['status']): CaseResult {
  return { id, group, title: id, status, error: null, bound: null, durationMs: 1 };
}

function column(id: string, cases: CaseResult[]): LoadedConformance {
  const report = {
    reportVersion: 1,
    backend: id,
    status: 'pass',
    capabilities: null,
    environment: { runtime: 'node', runtimeVersion: 'v20', platform: 'linux', versions: {} },
    seed: 1,
    sizes: [],
    startedAt: '',
    durationMs: 0,
    summary: { pass: 0, fail: 0, skip: 0 },
    cases,
  } satisfies ConformanceReport;
  return { id, report };
}

describe('the conformance matrix', () => {
  it('groups checks in SPEC order with one cell per report, empty where a report lacks the check', () => {
    const groups = buildMatrix([
      column('a', [result('order.x', 'order', 'pass'), result('accuracy.y', 'accuracy', 'fail')]),
      column('b', [result('accuracy.y', 'accuracy', 'skip')]),
    ]);
    expect(groups.map((group) => group.group)).toEqual(['accuracy', 'order']);
    const order = groups[1]!;
    expect(order.rows[0]!.cells.map((cell) => cell?.status)).toEqual(['pass', undefined]);
    expect(order.summary[1]).toEqual({ pass: 0, fail: 0, skip: 0, missing: 1 });
    expect(groups[0]!.summary.map((counts) => counts.fail)).toEqual([1, 0]);
  });
});
