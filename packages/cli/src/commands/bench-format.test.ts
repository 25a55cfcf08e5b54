import { describe, expect, it } from 'vitest';
import type { BenchReport, BenchResult } from '../bench-report.js';
import { formatBenchReport } from './bench.js';

function result(
  subject: string,
  kind: BenchResult['kind'],
  p10: number,
  median: number,
  p90: number,
): BenchResult {
  return {
    subject,
    kind,
    size: '32x1k',
    rows: 32,
    cols: 1024,
    dtype: 'float32',
    nsPerElement: { median, p10, p90 },
    usPerCall: (median * 32 * 1024) / 1000,
    samples: 20,
    ratioToFastest: 1,
    ratioToCopy: 1,
  };
}

describe('formatBenchReport', () => {
  it("shows each subject's spread (p10-p90 and p90/p10) next to the medians, in the table compare leaves out", () => {
    const report: BenchReport = {
      reportVersion: 1,
      startedAt: '2026-01-01T00:00:00.000Z',
      durationMs: 1000,
      harness: 'tinybench 6.2.3',
      quick: true,
      environment: {
        runtime: 'node',
        runtimeVersion: 'v20.20.0',
        cpu: 'a cpu',
        cores: 2,
        platform: 'linux',
        versions: {},
      },
      subjects: ['wasm', 'peer:onnxruntime-node'].map((subject) => ({
        subject,
        kind: subject.startsWith('peer:') ? 'peer' : 'backend',
        coldStartMs: 1,
        fixedCostUs: 1,
        memory: { peakRssMb: 1, heapGrowthMb: 0 },
      })),
      // A bimodal peer: 0.6 ns/element when its pool has both cores, 2.4 when it has one.
      results: [
        result('wasm', 'backend', 1.8, 1.9, 2),
        result('peer:onnxruntime-node', 'peer', 0.6, 1.5, 2.4),
      ],
    };
    const text = formatBenchReport(report);
    const first = text.split('\n\n')[0] ?? '';
    expect(first).toMatch(/spread: p10-p90/);
    expect(first).toMatch(/peer:onnxruntime-node\s+\|?\s*0\.6\d*-2\.4\d* \(4(\.0+)?x\)/);
    expect(first).toMatch(/wasm\s+\|?\s*1\.8\d*-2(\.0+)? \(1\.11\d*x\)/);
  });
});
