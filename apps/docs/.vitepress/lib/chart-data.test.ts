import { describe, expect, it } from 'vitest';
import {
  familyOf,
  inFamily,
  lineLabel,
  pointTitle,
  speedPanels,
  subjectOrder,
} from './chart-data.js';
import { formatCount, sizeLabel } from './format.js';
import type { BenchReport, BenchResult } from './report-types.js';

function result(subject: string, rows: number, cols: number, median: number): BenchResult {
  return {
    subject,
    kind: subject.startsWith('peer:') ? 'peer' : 'backend',
    size: sizeLabel(rows, cols),
    rows,
    cols,
    dtype: 'float32',
    nsPerElement: { median, p10: median * 0.9, p90: median * 1.1 },
    usPerCall: (median * rows * cols) / 1000,
    samples: 5,
    ratioToFastest: 1,
    ratioToCopy: 1,
  };
}

function report(results: BenchResult[]): BenchReport {
  const subjects = [...new Set(results.map((item) => item.subject))].map((subject) => ({
    subject,
    kind: subject.startsWith('peer:') ? ('peer' as const) : ('backend' as const),
    coldStartMs: null,
    fixedCostUs: null,
    memory: { peakRssMb: null, heapGrowthMb: null },
  }));
  return {
    reportVersion: 1,
    startedAt: '',
    durationMs: 0,
    harness: '',
    quick: true,
    environment: {
      runtime: 'node',
      runtimeVersion: '',
      cpu: '',
      cores: 2,
      platform: '',
      versions: {},
    },
    subjects,
    results,
  };
}

describe('the speed chart panels', () => {
  it('put 32x1k and 1x32k in different panels, one per batch size, fewer rows first', () => {
    const panels = speedPanels(
      report([result('ts', 32, 1024, 3), result('ts', 1, 32768, 4), result('ts', 1, 10, 7)]),
    );
    expect(panels.map((panel) => panel.rows)).toEqual([1, 32]);
    expect(panels[0]!.cols).toEqual([10, 32768]);
    expect(panels[1]!.points.map((point) => point.size)).toEqual(['32x1k']);
  });

  it('leave out skipped results and results without a positive median', () => {
    const skipped = { ...result('tfjs-cpu', 1, 10, 5), skipped: 'unavailable' };
    const panels = speedPanels(report([skipped, result('ts', 1, 10, 0), result('ts', 1, 1024, 2)]));
    expect(panels[0]!.points.map((point) => point.size)).toEqual(['1x1k']);
  });

  it('order subjects with the backends first and the default first among them', () => {
    const order = subjectOrder(
      report([
        result('peer:naive-js', 1, 10, 9),
        result('tfjs-cpu', 1, 10, 5),
        result('ts', 1, 10, 1),
      ]),
    );
    expect(order).toEqual(['ts', 'tfjs-cpu', 'peer:naive-js']);
  });
});

describe('chart labels', () => {
  it('write sizes with k = 1024 and M = 1024^2, as the CLI parses them', () => {
    expect(formatCount(1024)).toBe('1k');
    expect(formatCount(32768)).toBe('32k');
    expect(formatCount(1048576)).toBe('1M');
    expect(formatCount(1000)).toBe('1000');
    expect(sizeLabel(32, 131072)).toBe('32x128k');
  });

  it('give tooltips one fact per line with no stray spaces', () => {
    const title = pointTitle('ts', '1x10', 'float32', { median: 7.6, p10: 7.1, p90: 8.25 }, 0.076);
    expect(title).toBe('ts\n1x10 float32: 7.6 ns/element (p10 7.1, p90 8.25)\n0.076 us/call');
    for (const line of title.split('\n')) expect(line).toBe(line.trim().replace(/ {2,}/g, ' '));
  });
});

describe('chart families', () => {
  it('puts backends, peers and samplers in separate charts, baselines in none', () => {
    expect(familyOf('ts', 'backend')).toBe('ours');
    expect(familyOf('wasm-zero-copy', 'backend')).toBe('ours');
    expect(familyOf('peer:onnxruntime-node', 'peer')).toBe('peers');
    expect(familyOf('sampling:ts:top-k-50', 'backend')).toBe('sampling');
    expect(familyOf('peer:transformers.js-top-k-50', 'peer')).toBe('sampling');
    expect(familyOf('peer:naive-sort-sampler', 'peer')).toBe('sampling');
    expect(familyOf('baseline:copy', 'baseline')).toBeNull();
    expect(familyOf('kernel:ts', 'backend')).toBeNull();
    expect(inFamily('peers', 'wasm', 'backend')).toBe(true);
    expect(lineLabel('peer:transformers.js-top-k-50')).toBe('transformers.js top-k 50');
    expect(lineLabel('sampling:ts:top-p-0.9')).toBe('ours top-p 0.9');
  });
});
