// Benchmark: wasmBackend through the public API (caller's arrays, zero-copy arrays from
// backend.allocate, and two threads) against tsBackend and a naive three-pass Math.exp softmax, float32 softmax,
// in one process with tinybench. Run after a build of core, backend-ts and this package:
//   pnpm --filter @softmax-kit/backend-wasm bench
//   ROUNDS=5 TIME_MS=300 SIZES=32x1000,1x131072 pnpm --filter @softmax-kit/backend-wasm bench
// Every subject runs every size before anything is timed. A tinybench iteration covers at least
// ~16k entries (small sizes repeat the call); the figure per size and subject is the median over
// ROUNDS rounds of tinybench's median, the order of subjects rotating between rounds. The
// machine is shared and noisy: read the ratios of one run, not single numbers.

import { createSoftmax } from '@softmax-kit/core';
import { Bench } from 'tinybench';
import { tsBackend } from '../../backend-ts/dist/index.js';
import { wasmBackend } from '../dist/index.js';

const DEFAULT_SIZES = '1x10,1x1000,32x1000,1x32768,1x131072,32x32768,32x131072,1x1048576';
const SIZES = (process.env.SIZES ?? DEFAULT_SIZES).split(',').map((s) => s.split('x').map(Number));
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const TIME_MS = Number(process.env.TIME_MS ?? 200);

/** The fixed reference: max pass, exp-and-sum pass with Math.exp, divide pass. */
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

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

let seed = 1;
const random = () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32;
};

const ts = await createSoftmax(tsBackend());
const backend = wasmBackend();
const wasm = await createSoftmax(backend);
const wasm2 = await createSoftmax(wasmBackend({ threads: 2 }));

// Arena arrays first (allocating grows the memory, which would detach views taken earlier).
const largest = Math.max(...SIZES.map(([rows, cols]) => rows * cols));
const arenaIn = backend.allocate(largest);
const arenaOut = backend.allocate(largest);

function subjects(rows, cols) {
  const n = rows * cols;
  const input = Float32Array.from({ length: n }, () => (random() * 2 - 1) * 8);
  const out = new Float32Array(n);
  const zeroIn = arenaIn.array.subarray(0, n);
  const zeroOut = arenaOut.array.subarray(0, n);
  zeroIn.set(input);
  const shape = [rows, cols];
  return {
    naive: () => naiveSoftmax(input, out, rows, cols),
    ts: () => ts.softmaxSync(input, { shape, out }),
    wasm: () => wasm.softmaxSync(input, { shape, out }),
    'wasm-zero-copy': () => wasm.softmaxSync(zeroIn, { shape, out: zeroOut }),
    'wasm-2-threads': () => wasm2.softmaxSync(input, { shape, out }),
  };
}

const all = SIZES.map(([rows, cols]) => ({ rows, cols, fns: subjects(rows, cols) }));
for (let pass = 0; pass < 3; pass++)
  for (const { fns } of all) for (const fn of Object.values(fns)) fn();

const results = [];
for (const { rows, cols, fns } of all) {
  const n = rows * cols;
  const reps = Math.max(1, Math.ceil(16384 / n));
  const names = Object.keys(fns);
  const perElement = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const bench = new Bench({ time: TIME_MS, iterations: 8, warmupTime: 50, warmupIterations: 2 });
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const name of order) {
      const fn = fns[name];
      bench.add(name, () => {
        for (let k = 0; k < reps; k++) fn();
      });
    }
    await bench.run();
    for (const task of bench.tasks) {
      perElement[task.name].push((task.result.latency.p50 * 1e6) / (reps * n));
    }
  }
  const m = Object.fromEntries(names.map((name) => [name, median(perElement[name])]));
  results.push({ size: `${rows}x${cols}`, ...m });
  console.log(
    `${`${rows}x${cols}`.padEnd(10)} ns/elem naive ${m.naive.toFixed(2)}  ts ${m.ts.toFixed(2)}  wasm ${m.wasm.toFixed(2)}  zero-copy ${m['wasm-zero-copy'].toFixed(2)}  2 threads ${m['wasm-2-threads'].toFixed(2)}  |  wasm/ts ${(m.wasm / m.ts).toFixed(2)}  zero-copy/ts ${(m['wasm-zero-copy'] / m.ts).toFixed(2)}  2-threads/ts ${(m['wasm-2-threads'] / m.ts).toFixed(2)}  naive/wasm ${(m.naive / m.wasm).toFixed(1)}  wasm per call ${((m.wasm * n) / 1000).toFixed(3)} us`,
  );
}
if (process.env.JSON) console.log(JSON.stringify(results));
await ts.dispose();
await wasm.dispose();
await wasm2.dispose();
