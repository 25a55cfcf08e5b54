// Benchmark: a naive three-pass Math.exp softmax against tsBackend through the public API
// (softmaxSync with `out`), float32, in one process with tinybench. Run after a build:
//   pnpm --filter @softmax-kit/backend-ts bench            (or `turbo run bench`)
//   ROUNDS=7 TIME_MS=300 pnpm --filter @softmax-kit/backend-ts bench
//   OPERATION=logSoftmax pnpm --filter @softmax-kit/backend-ts bench   (or logSumExp; the
//   naive baseline stays the three-pass softmax)
// All sizes are warmed up first. Each tinybench iteration computes at least ~16k elements (small sizes repeat the call), so timer
// overhead does not dominate; the reported figure per size is the median over ROUNDS rounds of
// tinybench's median latency. The machine is shared and noisy: read ratios, not single numbers.
import { createSoftmax } from '@softmax-kit/core';
import { Bench } from 'tinybench';
import { tsBackend } from '../dist/index.js';

const SIZES = [
  [1, 10],
  [1, 1000],
  [32, 1000],
  [1, 32768],
  [1, 131072],
  [32, 131072],
  [1, 1048576],
];
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const TIME_MS = Number(process.env.TIME_MS ?? 200);
const OPERATION = process.env.OPERATION ?? 'softmax';
if (!['softmax', 'logSoftmax', 'logSumExp'].includes(OPERATION)) {
  throw new Error(`OPERATION must be softmax, logSoftmax or logSumExp, not ${OPERATION}`);
}
const outLength = (rows, cols) => (OPERATION === 'logSumExp' ? rows : rows * cols);

/** The baseline: max pass, exp-and-sum pass with Math.exp, divide pass; float64 sum. */
function naiveSoftmax(input, output, rows, cols) {
  for (let r = 0; r < rows; r++) {
    const start = r * cols;
    const end = start + cols;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = start; i < end; i++) if (input[i] > max) max = input[i];
    let sum = 0;
    for (let i = start; i < end; i++) {
      const e = Math.exp(input[i] - max);
      output[i] = e;
      sum += e;
    }
    for (let i = start; i < end; i++) output[i] /= sum;
  }
}

function label(rows, cols) {
  const c =
    cols >= 1048576
      ? `${cols / 1048576}M`
      : cols >= 1000
        ? `${Math.round(cols / 1024) === cols / 1024 ? cols / 1024 : cols / 1000}k`
        : `${cols}`;
  return `${rows}x${c}`;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const sm = await createSoftmax(tsBackend());
let seed = 1;
const random = () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32;
};

// Every subject sees every size once before anything is timed, so V8 has compiled its final code
// (type feedback from all sizes) and no size pays for a mid-run re-optimization.
const inputs = SIZES.map(([rows, cols]) =>
  Float32Array.from({ length: rows * cols }, () => (random() * 2 - 1) * 8),
);
for (let pass = 0; pass < 3; pass++) {
  SIZES.forEach(([rows, cols], s) => {
    const input = inputs[s];
    naiveSoftmax(input, new Float32Array(input.length), rows, cols);
    sm[`${OPERATION}Sync`](input, {
      shape: [rows, cols],
      out: new Float32Array(outLength(rows, cols)),
    });
  });
}

const rowsOut = [];
for (const [s, [rows, cols]] of SIZES.entries()) {
  const n = rows * cols;
  const input = inputs[s];
  const outNaive = new Float32Array(n);
  const outTs = new Float32Array(outLength(rows, cols));
  const run = sm[`${OPERATION}Sync`].bind(sm);
  const reps = Math.max(1, Math.ceil(16384 / n));
  const options = { shape: [rows, cols], out: outTs };
  const perElement = { naive: [], ts: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const bench = new Bench({ time: TIME_MS, iterations: 8, warmupTime: 50, warmupIterations: 2 });
    // Alternate the order between rounds so neither subject always runs first.
    const tasks = [
      [
        'naive',
        () => {
          for (let k = 0; k < reps; k++) naiveSoftmax(input, outNaive, rows, cols);
        },
      ],
      [
        'ts',
        () => {
          for (let k = 0; k < reps; k++) run(input, options);
        },
      ],
    ];
    if (round % 2) tasks.reverse();
    for (const [name, fn] of tasks) bench.add(name, fn);
    await bench.run();
    for (const task of bench.tasks) {
      const ms = task.result.latency.p50;
      perElement[task.name].push((ms * 1e6) / (reps * n));
    }
  }
  const naive = median(perElement.naive);
  const ts = median(perElement.ts);
  rowsOut.push({
    size: label(rows, cols),
    'naive ns/elem': naive.toFixed(2),
    'ts ns/elem': ts.toFixed(2),
    'naive / ts': (naive / ts).toFixed(2),
    'ts us/call': ((ts * n) / 1000).toFixed(3),
  });
}
await sm.dispose();
console.log(
  `tinybench, float32, ts = ${OPERATION}Sync, medians of ${ROUNDS} rounds x ${TIME_MS} ms; Node ${process.version}`,
);
console.table(rowsOut);
