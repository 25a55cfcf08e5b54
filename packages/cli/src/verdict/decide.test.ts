import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BenchReport, BenchResult } from '../bench-report.js';
import {
  DECISION_RULE,
  decideRuntime,
  describeDevice,
  factoryCall,
  formatElements,
  MIN_MARGIN,
  takeoverIndex,
} from './decide.js';
import { formatVerdict } from './format-verdict.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/verdict');
/** Three `bench --backend all --peers --quick` runs of one machine, recorded one after another. */
const recorded = [1, 2, 3].map(
  (run) => JSON.parse(readFileSync(join(fixtures, `node-run-${run}.json`), 'utf8')) as BenchReport,
);

const SIZES: [string, number, number][] = [
  ['1x10', 1, 10],
  ['1x1k', 1, 1024],
  ['32x1k', 32, 1024],
  ['1x128k', 1, 131072],
  ['32x128k', 32, 131072],
];

/** A report with `ns[subject][i]` ns/element at SIZES[i], p10/p90 at median / and * `spread`. */
function report(ns: Record<string, readonly number[]>, spread = 1.1): BenchReport {
  const results: BenchResult[] = [];
  for (const [subject, values] of Object.entries(ns)) {
    SIZES.forEach(([size, rows, cols], index) => {
      const median = values[index] as number;
      results.push({
        subject,
        kind: subject.startsWith('peer:') ? 'peer' : 'backend',
        size,
        rows,
        cols,
        dtype: 'float32',
        nsPerElement: { median, p10: median / Math.sqrt(spread), p90: median * Math.sqrt(spread) },
        usPerCall: (median * rows * cols) / 1000,
        samples: 50,
        ratioToFastest: 1,
        ratioToCopy: 1,
      });
    });
  }
  return {
    reportVersion: 1,
    startedAt: '2026-12-07T00:00:00.000Z',
    durationMs: 1,
    harness: 'test',
    quick: true,
    environment: {
      runtime: 'node',
      runtimeVersion: 'node v20',
      cpu: 'test',
      cores: 2,
      platform: 'test',
      versions: {},
    },
    subjects: Object.keys(ns).map((subject) => ({
      subject,
      kind: subject.startsWith('peer:') ? 'peer' : 'backend',
      coldStartMs: 1,
      fixedCostUs: 1,
      memory: { peakRssMb: null, heapGrowthMb: null },
    })),
    results,
  };
}

describe('decideRuntime on three recorded runs of one machine', () => {
  const verdicts = recorded.map((run) => decideRuntime({ runtime: 'node', reports: [run] }));

  it('gives the same sentence for each run, although the medians moved by up to 1.5x', () => {
    // The noise is real: ts at 1x1M was 3.36, 4.99 and 3.63 ns/element in the three runs.
    const ts1M = recorded.map(
      (run) =>
        run.results.find((r) => r.subject === 'ts' && r.size === '1x1M')?.nsPerElement.median,
    );
    expect(Math.max(...(ts1M as number[])) / Math.min(...(ts1M as number[]))).toBeGreaterThan(1.3);
    const sentences = new Set(verdicts.map((verdict) => verdict.sentence));
    expect([...sentences]).toEqual([
      'Node: `wasmBackend()`; `tsBackend()` below 1k elements per call, or where you cannot ship WebAssembly.',
    ]);
  });

  it('names the same faster peers and gives the same sampling sentence for each run', () => {
    expect(new Set(verdicts.map((verdict) => verdict.peerSentence)).size).toBe(1);
    expect(verdicts[0]?.peerSentence).toContain('onnxruntime-node (native)');
    expect(new Set(verdicts.map((verdict) => verdict.samplingSentence)).size).toBe(1);
    expect(verdicts[0]?.samplingSentence).toContain("transformers.js's top-k is faster");
  });

  it('falls back to the default on an overloaded run whose spreads are 5-33x, not to a noisy pick', () => {
    const overloaded = JSON.parse(
      readFileSync(join(fixtures, 'node-overloaded.json'), 'utf8'),
    ) as BenchReport;
    const spreads = overloaded.results
      .filter((r) => r.subject === 'ts' && r.nsPerElement.p10 > 0)
      .map((r) => r.nsPerElement.p90 / r.nsPerElement.p10);
    expect(Math.max(...spreads)).toBeGreaterThan(8);
    expect(decideRuntime({ runtime: 'node', reports: [overloaded] }).sentence).toBe(
      'Node: `tsBackend()` at every size measured.',
    );
  });

  it('never picks a backend that failed conformance, whatever its speed', () => {
    for (const run of recorded) {
      const verdict = decideRuntime({
        runtime: 'node',
        reports: [run],
        excluded: { wasm: 'fails conformance', 'wasm-threads': 'fails conformance' },
      });
      expect(verdict.sizes.map((choice) => choice.pick)).not.toContain('wasm');
      expect(verdict.sizes.map((choice) => choice.pick)).not.toContain('wasm-threads');
    }
  });

  it('prints the sentence first, then the evidence with numbers', () => {
    const lines = formatVerdict(verdicts[0] as ReturnType<typeof decideRuntime>, { rule: true });
    expect(lines[0]).toBe(verdicts[0]?.sentence);
    expect(lines.join('\n')).toMatch(/ {2}wasm at 1x1k, [^\n]*:\n {4}1x1k: [\d.]+ ns\/element/);
    expect(lines.join('\n')).toContain(DECISION_RULE);
  });
});

describe('the decision rule', () => {
  it('keeps the default when another backend is faster by less than the margin', () => {
    const ratio = MIN_MARGIN * 0.95;
    const verdict = decideRuntime({
      runtime: 'node',
      reports: [
        report({ ts: [20, 4, 4, 4, 4], wasm: [20, 4 / ratio, 4 / ratio, 4 / ratio, 4 / ratio] }),
      ],
    });
    expect(verdict.sizes.map((choice) => choice.pick)).toEqual(['ts', 'ts', 'ts', 'ts', 'ts']);
    expect(verdict.sentence).toBe('Node: `tsBackend()` at every size measured.');
  });

  it('switches from the size where a backend is faster by more than the margin', () => {
    const verdict = decideRuntime({
      runtime: 'browser',
      reports: [report({ ts: [20, 4, 4, 4, 4], wasm: [25, 2, 2, 2, 2] })],
    });
    expect(verdict.sizes.map((choice) => choice.pick)).toEqual([
      'ts',
      'wasm',
      'wasm',
      'wasm',
      'wasm',
    ]);
    expect(verdict.sentence).toBe(
      'Browser: `wasmBackend()`; `tsBackend()` below 1k elements per call, or where you cannot ship WebAssembly.',
    );
  });

  it('needs a larger speed-up when the samples spread more than the floor', () => {
    // 2x faster, but each run's p90/p10 is 2.5x: not resolved.
    const wide = decideRuntime({
      runtime: 'node',
      reports: [report({ ts: [4, 4, 4, 4, 4], wasm: [2, 2, 2, 2, 2] }, 2.5)],
    });
    expect(wide.sizes.every((choice) => choice.pick === 'ts')).toBe(true);
  });

  it('uses the spread of the medians over several runs', () => {
    // Each run alone: wasm 2x faster with a tight spread. Over the runs, ts moved 2.2x.
    const runs = [
      report({ ts: [4, 4, 4, 4, 4], wasm: [2, 2, 2, 2, 2] }),
      report({ ts: [8.8, 8.8, 8.8, 8.8, 8.8], wasm: [2, 2, 2, 2, 2] }),
      report({ ts: [4, 4, 4, 4, 4], wasm: [2, 2, 2, 2, 2] }),
    ];
    expect(
      decideRuntime({ runtime: 'node', reports: [runs[0] as BenchReport] }).sentence,
    ).toContain('`wasmBackend()`');
    const pooled = decideRuntime({ runtime: 'node', reports: runs });
    expect(pooled.sizes.every((choice) => choice.pick === 'ts')).toBe(true);
    expect(pooled.runs).toBe(3);
  });

  it('does not let one fast size in the middle split a range', () => {
    const verdict = decideRuntime({
      runtime: 'node',
      reports: [report({ ts: [20, 4, 4, 4, 4], wasm: [25, 4, 1, 4, 4] })],
    });
    expect(verdict.sizes.map((choice) => choice.pick)).toEqual(['ts', 'ts', 'ts', 'ts', 'ts']);
  });

  it('prefers the cheaper of two backends that are within the spread of each other', () => {
    // Threads beat ts by 2x, wasm only by 1.45x; threads and wasm are within the spread:
    // wasm, not threads, and not ts (threads shows ts is clearly beaten).
    const verdict = decideRuntime({
      runtime: 'node',
      reports: [
        report({
          ts: [20, 4, 4, 4, 4],
          wasm: [25, 2.75, 2.75, 2.75, 2.75],
          'wasm-threads': [25, 2, 2, 2, 2],
        }),
      ],
    });
    expect(verdict.sizes.map((choice) => choice.pick)).toEqual([
      'ts',
      'wasm',
      'wasm',
      'wasm',
      'wasm',
    ]);
  });

  it('recommends threads from the size where they beat single-threaded wasm', () => {
    const verdict = decideRuntime({
      runtime: 'node',
      reports: [
        report({
          ts: [20, 4, 4, 4, 4],
          wasm: [25, 2, 2, 2, 2],
          'wasm-threads': [30, 2, 2, 1, 0.9],
        }),
      ],
    });
    expect(verdict.sentence).toBe(
      'Node: `wasmBackend()`; `tsBackend()` below 1k elements per call, or where you cannot ship WebAssembly; `wasmBackend({ threads: 2 })` from 128k elements per call.',
    );
  });

  it('names a peer only where its median beats the pick by more than the spread', () => {
    const verdict = decideRuntime({
      runtime: 'node',
      reports: [
        report({
          ts: [20, 4, 4, 4, 4],
          'peer:onnxruntime-node': [900, 12, 1.5, 1.5, 15],
          'peer:transformers.js': [40, 40, 40, 40, 40],
        }),
      ],
    });
    expect(verdict.sizes.map((choice) => choice.fasterPeers.map((p) => p.peer))).toEqual([
      [],
      [],
      ['peer:onnxruntime-node'],
      ['peer:onnxruntime-node'],
      [],
    ]);
    expect(verdict.sizes[2]?.fasterPeers[0]?.ratio).toBeCloseTo(4 / 1.5, 12);
    expect(verdict.peerSentence).toBe(
      'Faster than that at some sizes (median, by more than the spread): onnxruntime-node (native).',
    );
  });

  it('gives the same sentence under run-to-run noise smaller than the margin', () => {
    const base = {
      ts: [20, 4.5, 4.2, 4.1, 5.7],
      wasm: [25, 2.2, 1.9, 2, 3.2],
      'wasm-threads': [26, 2.2, 2.1, 2.1, 3.2],
    };
    const expected = decideRuntime({ runtime: 'node', reports: [report(base)] }).sentence;
    // Each median moves by up to 1.15x either way, independently, so a ratio moves by up to
    // 1.32x: wasm's ~2x gap over ts stays above the 1.5x margin, threads' <= 1.1x gap over wasm
    // stays below it. (A gap within margin x noise of the margin can flip: no rule avoids that.)
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1 / 1.15, max: 1.15, noNaN: true }), {
          minLength: 15,
          maxLength: 15,
        }),
        (factors) => {
          let k = 0;
          const noisy = Object.fromEntries(
            Object.entries(base).map(([subject, values]) => [
              subject,
              values.map((value) => value * (factors[k++] as number)),
            ]),
          );
          expect(decideRuntime({ runtime: 'node', reports: [report(noisy)] }).sentence).toBe(
            expected,
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('takeoverIndex: from the smallest size that wins there and at most sizes above', () => {
    expect(takeoverIndex([-1, 0.5, 0.5, 0.5])).toBe(1);
    // The largest size alone is not a range.
    expect(takeoverIndex([-1, -1, 0.5])).toBe(3);
    expect(takeoverIndex([0.5])).toBe(0);
    expect(takeoverIndex([0.5, -2, 0.1, 0.1])).toBe(0);
    expect(takeoverIndex([0.1, -1, -1])).toBe(3);
    expect(takeoverIndex([1, -0.1, -0.1])).toBe(3);
    expect(takeoverIndex([null, 0.2, null])).toBe(1);
    expect(takeoverIndex([])).toBe(0);
  });
});

describe('names', () => {
  it('writes each backend as the call that creates it', () => {
    expect(factoryCall('ts')).toBe('tsBackend()');
    expect(factoryCall('wasm-threads')).toBe('wasmBackend({ threads: 2 })');
    expect(factoryCall('tfjs-wasm')).toBe("tfjsBackend({ device: 'wasm' })");
    expect(factoryCall('./my-backend.js')).toBe('./my-backend.js');
  });

  it('writes elements per call in the bench units', () => {
    expect(formatElements(10)).toBe('10');
    expect(formatElements(1024)).toBe('1k');
    expect(formatElements(32 * 1024)).toBe('32k');
    expect(formatElements(4 * 1024 * 1024)).toBe('4M');
    expect(formatElements(1000)).toBe('1000');
  });
});

describe('describeDevice', () => {
  it('says SwiftShader is a software renderer, not a GPU', () => {
    expect(
      describeDevice(
        'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
      ),
    ).toBe('SwiftShader: a software renderer, not your GPU (webgl and webgpu ran on the CPU)');
    expect(describeDevice('ANGLE (NVIDIA, NVIDIA GeForce RTX 3060)')).toBe(
      'GPU: ANGLE (NVIDIA, NVIDIA GeForce RTX 3060)',
    );
    expect(describeDevice(undefined)).toBeNull();
  });
});
