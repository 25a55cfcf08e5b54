import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSoftmax } from '@softmax-kit/core';
import { BENCH_OPS, type BenchOp } from '../bench/ops.js';
import type { PeerCheck, PeerOpCheck } from '../bench-report.js';
import { packageVersion } from '../environment.js';
import { loadBackendSource, messageOf } from '../load-backend.js';
import { onnxOpModel } from './onnx-softmax-model.js';
import { maxOpError } from './reference.js';
import { activateTf, loadTf } from './tfjs.js';

/** One row in, its softmax (logSoftmax, logSumExp) out (float32 in; what the library returns). */
type RowSoftmax = (row: Float32Array) => Promise<ArrayLike<number>>;

/** A library's function for each op it has. */
type RowOps = Partial<Record<BenchOp, RowSoftmax>>;

/** Lengths at which accuracy is measured: a 32k vocabulary, and 1M where float32 sums drift. */
export const ACCURACY_LENGTHS = [32_768, 1_048_576] as const;

/** The edge rows of SPEC's stability table, as a caller would hand them to a peer. */
export const EDGE_ROWS: readonly { name: string; row: readonly number[] }[] = [
  { name: 'all -Infinity (fully masked row)', row: [-Infinity, -Infinity, -Infinity] },
  { name: 'a +Infinity logit', row: [Infinity, 0, 1] },
  { name: 'largest float32 logits [-3e38, 3e38]', row: [-3e38, 3e38] },
];

/** Seeded float32 logits in [-8, 8) (mulberry32), as the bench uses. */
function logits(length: number): Float32Array {
  const data = new Float32Array(length);
  let state = 12345;
  for (let i = 0; i < length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    data[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 16 - 8;
  }
  return data;
}

/**
 * The largest relative error of `got` against softmax computed in float64 from the same float32
 * logits (max subtracted, `Math.exp`, a float64 sum: good to ~1e-15, far below float32's 6e-8).
 *
 * @example
 * ```ts
 * maxRelativeError(new Float32Array([0, 0]), [0.5, 0.5]); // 0
 * ```
 */
export function maxRelativeError(input: Float32Array, got: ArrayLike<number>): number {
  return maxOpError('softmax', input, got);
}

/** What a library gives for an edge row: `NaN`, its values, or the error it throws. */
async function edgeResult(softmax: RowSoftmax, row: readonly number[]): Promise<string> {
  try {
    const out = Array.from(await softmax(Float32Array.from(row)));
    if (out.some((value) => Number.isNaN(value))) return 'NaN';
    return `[${out.map((value) => Number(value.toPrecision(3))).join(', ')}]`;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return `error${typeof code === 'string' ? ` ${code}` : `: ${messageOf(error).slice(0, 60)}`}`;
  }
}

/** The folder of an installed package (its package.json's folder), seen from `from`. */
function packageDir(name: string, from: string): string | null {
  for (let folder = from; ; folder = dirname(folder)) {
    const candidate = join(folder, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(folder) === folder) return null;
  }
}

function folderBytes(folder: string, native: { found: boolean }): number {
  let bytes = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.name === 'node_modules') continue; // dependencies are counted as packages
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) bytes += folderBytes(path, native);
    else if (entry.isFile()) {
      if (entry.name.endsWith('.node')) native.found = true;
      bytes += lstatSync(path).size;
    }
  }
  return bytes;
}

/**
 * Bytes on disk of a package and everything it depends on (dependencies and optional ones,
 * each counted once), and whether any of it is a native addon (`.node`). Null when not installed.
 *
 * @example
 * ```ts
 * installSize('onnxruntime-node'); // { bytes: 2.1e8, packages: 3, native: true }
 * ```
 */
export function installSize(
  name: string,
): { bytes: number; packages: number; native: boolean } | null {
  // Resolved from this file, as Node would resolve the package for the CLI (src/ or dist/).
  const start = packageDir(name, dirname(fileURLToPath(import.meta.url)));
  if (!start) return null;
  const seen = new Set<string>();
  const native = { found: false };
  let bytes = 0;
  const visit = (folder: string) => {
    if (seen.has(folder)) return;
    seen.add(folder);
    bytes += folderBytes(folder, native);
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    for (const dependency of Object.keys({
      ...manifest.dependencies,
      ...manifest.optionalDependencies,
    })) {
      const found = packageDir(dependency, folder);
      if (found && statSync(found).isDirectory()) visit(found);
    }
  };
  visit(start);
  return { bytes, packages: seen.size, native: native.found };
}

interface Library {
  id: string;
  /** The npm package a user installs for it. */
  package: string;
  open(): Promise<{ ops: RowOps; close(): Promise<void> }>;
}

const ours = (spec: string, packageName: string): Library => ({
  id: spec,
  package: packageName,
  async open() {
    const source = await loadBackendSource(spec);
    if ('unavailable' in source) throw new Error(source.unavailable);
    const sm = await createSoftmax(source.backend);
    return {
      ops: {
        softmax: (row) => sm.softmax(row),
        logSoftmax: (row) => sm.logSoftmax(row),
        logSumExp: (row) => sm.logSumExp(row),
      },
      close: () => sm.dispose(),
    };
  },
});

const LIBRARIES: readonly Library[] = [
  ours('wasm', '@softmax-kit/backend-wasm'),
  ours('ts', '@softmax-kit/backend-ts'),
  {
    id: 'peer:onnxruntime-node',
    package: 'onnxruntime-node',
    async open() {
      const specifier = 'onnxruntime-node';
      const ort = (await import(specifier)) as typeof import('onnxruntime-node');
      const sessions = await Promise.all(
        BENCH_OPS.map((op) => ort.InferenceSession.create(onnxOpModel(op, 'float32'))),
      );
      const ops: RowOps = {};
      for (const [index, op] of BENCH_OPS.entries()) {
        const session = sessions[index] as (typeof sessions)[number];
        ops[op] = async (row) => {
          const result = await session.run({ x: new ort.Tensor('float32', row, [1, row.length]) });
          const data = Float32Array.from(result.y?.data as Float32Array);
          result.y?.dispose();
          return data;
        };
      }
      return {
        ops,
        close: async () => {
          for (const session of sessions) await session.release();
        },
      };
    },
  },
  {
    id: 'peer:transformers.js',
    package: '@huggingface/transformers',
    async open() {
      const specifier = '@huggingface/transformers';
      const module = (await import(specifier)) as {
        softmax(values: ArrayLike<number>): ArrayLike<number>;
        log_softmax(values: ArrayLike<number>): ArrayLike<number>;
      };
      // No log-sum-exp in transformers.js: that op is reported unavailable.
      return {
        ops: {
          softmax: async (row) => module.softmax(row),
          logSoftmax: async (row) => module.log_softmax(row),
        },
        close: async () => {},
      };
    },
  },
  {
    id: 'peer:tfjs-wasm',
    package: '@tensorflow/tfjs-backend-wasm',
    async open() {
      const tf = await loadTf();
      await activateTf('wasm');
      const run = (op: (x: ReturnType<typeof tf.tensor1d>) => ReturnType<typeof tf.softmax>) =>
        (async (row) =>
          tf.tidy(() => op(tf.tensor1d(row, 'float32')).dataSync() as Float32Array)) as RowSoftmax;
      return {
        ops: {
          softmax: run((x) => tf.softmax(x)),
          logSoftmax: run((x) => tf.logSoftmax(x)),
          logSumExp: run((x) => tf.logSumExp(x)),
        },
        close: async () => {},
      };
    },
  },
];

/** One op's accuracy at {@link ACCURACY_LENGTHS} and its edge rows. */
async function checkOp(op: BenchOp, run: RowSoftmax): Promise<PeerOpCheck> {
  const check: PeerOpCheck = { maxError: {}, edges: {} };
  for (const length of ACCURACY_LENGTHS) {
    const input = logits(length);
    check.maxError[String(length)] = maxOpError(op, input, await run(input));
  }
  for (const edge of EDGE_ROWS) check.edges[edge.name] = await edgeResult(run, edge.row);
  return check;
}

/**
 * Our own checks on each library (ours and the peers), so the verdict can say what a faster peer
 * costs: float32 accuracy at 32k and 1M entries against a float64 reference, what it returns for
 * SPEC's edge rows (NaN, values, or an error), its install size and whether it is native. The
 * same for logSoftmax and logSumExp (`ops`; error relative to the terms, SPEC's measure), where
 * the library has them.
 *
 * @example
 * ```ts
 * const checks = await runPeerChecks(); // one PeerCheck per library
 * ```
 */
export async function runPeerChecks(): Promise<PeerCheck[]> {
  const checks: PeerCheck[] = [];
  for (const library of LIBRARIES) {
    const size = installSize(library.package);
    const check: PeerCheck = {
      subject: library.id,
      package: library.package,
      version: (await packageVersion(library.package)) ?? null,
      installBytes: size?.bytes ?? null,
      installPackages: size?.packages ?? null,
      native: size?.native ?? null,
      maxRelativeError: {},
      edges: {},
    };
    let opened: Awaited<ReturnType<Library['open']>> | undefined;
    try {
      opened = await library.open();
      const { softmax } = opened.ops;
      if (softmax === undefined) throw new Error(`${library.id} has no softmax`);
      const softmaxCheck = await checkOp('softmax', softmax);
      check.maxRelativeError = softmaxCheck.maxError;
      check.edges = softmaxCheck.edges;
      check.ops = {};
      for (const op of BENCH_OPS) {
        if (op === 'softmax') continue; // in the fields above, where older reports have it
        const run = opened.ops[op];
        check.ops[op] =
          run === undefined
            ? { maxError: {}, edges: {}, unavailable: `${library.package} has no ${op}` }
            : await checkOp(op, run).catch((error: unknown) => ({
                maxError: {},
                edges: {},
                unavailable: messageOf(error),
              }));
      }
    } catch (error) {
      check.unavailable = messageOf(error);
    } finally {
      await opened?.close();
    }
    checks.push(check);
  }
  return checks;
}
