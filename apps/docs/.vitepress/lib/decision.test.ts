import { MIN_MARGIN } from '@softmax-kit/cli/verdict';
import { describe, expect, it } from 'vitest';
import { backendRows, type DecisionInputs, firstSentence, verdicts } from './decision.js';
import type { ConformanceSummary } from './report-files.js';
import type { BenchReport, BenchResult, CaseStatus } from './report-types.js';

function conformance(
  backend: string,
  status: CaseStatus,
  runtime: 'node' | 'browser' = 'node',
  computePrecision: Record<string, string> = { float32: 'float32', float64: 'float64' },
): { id: string; report: ConformanceSummary } {
  return {
    id: backend,
    report: {
      reportVersion: 1,
      backend,
      status,
      capabilities: {
        dtypes: ['float32', 'float64'],
        computePrecision,
        sync: backend === 'ts',
        device: 'js',
      },
      environment: { runtime, runtimeVersion: '', platform: '', versions: {} },
      seed: 1,
      sizes: [],
      startedAt: '',
      durationMs: 0,
      summary: { pass: 1, fail: status === 'fail' ? 1 : 0, skip: 0 },
    },
  };
}

function bench(medians: Record<string, Record<string, number>>, quick = false): BenchReport {
  const sizes: Record<string, [number, number]> = {
    '1x10': [1, 10],
    '32x1k': [32, 1024],
    '1x32k': [1, 32768],
  };
  const results: BenchResult[] = [];
  for (const [subject, bySize] of Object.entries(medians)) {
    for (const [size, median] of Object.entries(bySize)) {
      const [rows, cols] = sizes[size]!;
      results.push({
        subject,
        kind: subject.startsWith('peer:') ? 'peer' : 'backend',
        size,
        rows,
        cols,
        dtype: 'float32',
        nsPerElement: { median, p10: median, p90: median },
        usPerCall: 1,
        samples: 5,
        ratioToFastest: 1,
        ratioToCopy: 1,
      });
    }
  }
  return {
    reportVersion: 1,
    startedAt: '',
    durationMs: 0,
    harness: '',
    quick,
    environment: {
      runtime: 'node',
      runtimeVersion: '',
      cpu: '',
      cores: 2,
      platform: '',
      versions: {},
    },
    subjects: Object.keys(medians).map((subject) => ({
      subject,
      kind: subject.startsWith('peer:') ? 'peer' : 'backend',
      coldStartMs: null,
      fixedCostUs: null,
      memory: { peakRssMb: null, heapGrowthMb: null },
    })),
    results,
  };
}

function decide(inputs: Partial<DecisionInputs>) {
  const full: DecisionInputs = {
    conformance: [],
    bench: null,
    benchBrowser: null,
    bundles: null,
    ...inputs,
  };
  const rows = backendRows(full);
  return { rows, answers: verdicts(full, rows) };
}

describe('the backend choice', () => {
  it('keeps the default unless another conforming backend is faster by more than the margin', () => {
    const { answers } = decide({
      conformance: [
        conformance('ts', 'pass'),
        conformance('tfjs-wasm', 'pass', 'node', { float32: 'float32', float64: 'float32' }),
      ],
      bench: bench({
        ts: { '1x10': 8, '32x1k': 4, '1x32k': 4.5 },
        'tfjs-wasm': { '1x10': 300, '32x1k': 4 / (MIN_MARGIN * 0.9), '1x32k': 1.5 },
      }),
    });
    const node = answers.find((answer) => answer.runtime === 'node')!;
    // Equal element counts: fewer rows first.
    expect(node.sizes.map((size) => size.size)).toEqual(['1x10', '1x32k', '32x1k']);
    // tfjs-wasm is 3x faster at 1x32k but within the margin at the larger 32x1k: one size is not
    // a range, so ts stays (the rule asks for a win at most sizes from there up).
    expect(node.sizes.map((size) => size.pick)).toEqual(['ts', 'ts', 'ts']);
    expect(node.sizes[1]!.why).toMatch(
      /tfjs-wasm is 3\.0x faster .*but not by more than the spread at most sizes from here up/,
    );
    expect(node.headline).toBe('Node: `tsBackend()` at every size measured.');
  });

  it('switches from the size where another conforming backend wins at it and above', () => {
    const { answers } = decide({
      conformance: [conformance('ts', 'pass'), conformance('wasm', 'pass')],
      bench: bench({
        ts: { '1x10': 8, '32x1k': 4, '1x32k': 4.5 },
        wasm: { '1x10': 9, '32x1k': 2, '1x32k': 2 },
      }),
    });
    const node = answers.find((answer) => answer.runtime === 'node')!;
    expect(node.sizes.map((size) => size.pick)).toEqual(['ts', 'wasm', 'wasm']);
    expect(node.sizes[1]!.why).toMatch(/2\.3x faster than ts/);
    expect(node.headline).toBe(
      'Node: `wasmBackend()`; `tsBackend()` below 32k elements per call, or where you cannot ship WebAssembly.',
    );
  });

  it('never recommends a backend that fails conformance on that runtime, and says it was faster', () => {
    const { answers } = decide({
      conformance: [conformance('ts', 'pass'), conformance('tfjs-cpu', 'fail')],
      bench: bench({ ts: { '1x32k': 10 }, 'tfjs-cpu': { '1x32k': 1 } }),
    });
    const size = answers[0]!.sizes[0]!;
    expect(size.pick).toBe('ts');
    expect(size.excluded).toEqual(['tfjs-cpu']);
    expect(size.excludedNote).toBe('tfjs-cpu (fails conformance)');
  });

  it('lists every known backend in a fixed order, default first, and marks what has no report', () => {
    const { rows } = decide({
      conformance: [conformance('tfjs-cpu', 'pass'), conformance('zz-custom', 'pass')],
      // A sampling subject runs on a backend but is not one.
      bench: bench({ 'sampling:ts:top-p-0.9': { '1x32k': 3 } }),
    });
    expect(rows[0]!.backend).toBe('ts');
    expect(rows.map((row) => row.backend)).toEqual([
      'ts',
      'wasm',
      'wasm-threads',
      'tfjs-cpu',
      'tfjs-wasm',
      'tfjs-node',
      'tfjs-webgl',
      'tfjs-webgpu',
      'zz-custom',
    ]);
    const wasm = rows.find((row) => row.backend === 'wasm')!;
    expect(wasm.status).toEqual({ node: 'not measured', browser: 'not measured' });
    expect(wasm.cons).toContain('not measured yet');
    expect(rows.find((row) => row.backend === 'tfjs-webgl')!.status.node).toBe(
      'does not run there',
    );
  });

  it('picks up a browser run by its -browser report and says the default when a runtime has no bench', () => {
    const { rows, answers } = decide({
      conformance: [conformance('ts', 'pass'), conformance('ts-browser', 'pass', 'browser')],
      bench: bench({ ts: { '1x10': 8 } }, true),
    });
    expect(rows[0]!.status).toEqual({ node: 'pass', browser: 'pass' });
    const browser = answers.find((answer) => answer.runtime === 'browser')!;
    expect(browser.measured).toBe(false);
    expect(browser.headline).toMatch(/use `tsBackend\(\)`, the default/);
    expect(answers[0]!.quick).toBe(true);
  });
});

describe('long reasons', () => {
  it('are cut to their first sentence, at most 110 characters', () => {
    expect(firstSentence("Backend 'x' is unavailable: no binding. Fix: install it.")).toBe(
      "Backend 'x' is unavailable: no binding",
    );
    expect(firstSentence('a'.repeat(200))).toHaveLength(110);
  });
});
