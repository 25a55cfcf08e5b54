import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_SIZES } from '../bench/sizes.js';
import { firstLine, formatNumber, formatTable } from '../format.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { runPeerChecks } from '../peers/peer-checks.js';
import { decideRuntime } from '../verdict/decide.js';
import { formatVerdict } from '../verdict/format-verdict.js';
import {
  benchSettings,
  formatBenchReport,
  parseBackendList,
  prepareOutput,
  runBenchWithProgress,
  writeJson,
} from './bench.js';
import { runConformanceWithProgress } from './conformance.js';
import type { CommandIo } from './io.js';

export const COMPARE_USAGE = `softmax-kit compare [--quick] [--out DIR] [--sizes ...] [--backend all|LIST] [--goals] [--no-progress]
  Conformance and bench (with peers) on every backend (default all: ts, wasm, wasm-threads,
  tfjs-cpu, tfjs-wasm, tfjs-node); writes DIR/conformance/<backend>.json and DIR/bench/bench.json
  (DIR: the repo root's reports/). Backends that cannot load here are reported as skipped with
  the reason. --quick: fewer bench samples and the conformance suite's
  fast profile. Prints the verdict (which backend to use, from the bench and conformance); the
  performance goals are in bench.json, and printed with --goals.`;

const OPTIONS = {
  quick: { type: 'boolean' },
  out: { type: 'string' },
  sizes: { type: 'string', default: DEFAULT_SIZES },
  backend: { type: 'string', default: 'all' },
  goals: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * The folder holding `pnpm-workspace.yaml` above `start`, or `start` itself.
 *
 * @example
 * ```ts
 * join(repoRoot(), 'reports'); // '/repo/reports' from anywhere inside the repo
 * ```
 */
export function repoRoot(start = process.cwd()): string {
  for (let folder = resolve(start); ; folder = dirname(folder)) {
    if (existsSync(join(folder, 'pnpm-workspace.yaml'))) return folder;
    if (dirname(folder) === folder) return resolve(start);
  }
}

/**
 * `softmax-kit compare`: conformance plus bench on every backend, the reports the docs app
 * reads, and one summary table.
 *
 * @example
 * ```ts
 * await compareCommand(['--quick'], io);
 * ```
 */
export async function compareCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const { values } = parseCommandArgs(args, OPTIONS, 'compare');
  if (values.help) {
    io.stdout(`${COMPARE_USAGE}\n`);
    return 0;
  }
  const out = resolve(values.out ?? join(repoRoot(), 'reports'));
  const showProgress = values['no-progress'] !== true;
  const backends = parseBackendList(values.backend, 'compare');
  const settings = benchSettings({ sizes: values.sizes, dtype: 'float32', quick: values.quick });

  // The bench runs first, in a fresh process state: after the conformance suite has fed the
  // kernels every dtype and odd input, the JIT's view of them is no longer what a user's
  // steady workload sees, and tfjs would already be initialised (no cold start to measure).
  await prepareOutput(join(out, 'bench', 'bench.json'));
  const bench = await runBenchWithProgress({ backends, settings, peers: true }, io, showProgress);
  // What a faster peer costs, by our own checks (accuracy, edge rows, install size): the verdict
  // and the docs' peers table read it from bench.json.
  if (showProgress) io.stderr('peer checks: accuracy at 32k and 1M, edge rows, install size...\n');
  bench.peerChecks = await runPeerChecks();
  await writeJson(join(out, 'bench', 'bench.json'), bench);
  // compare reports on what is installed: a backend that cannot load is skipped, not failed
  const { reports } = await runConformanceWithProgress({
    backends,
    requireNamed: false,
    io,
    showProgress,
    // --quick also runs the conformance suite's fast profile (the reports say so)
    ...(values.quick ? { profile: 'fast' as const } : {}),
    json: `${join(out, 'conformance')}/`,
  });

  const sizes = settings.sizes.map((size) => size.label);
  const rows = bench.subjects.map((info) => {
    // Conformance reports come back in the order of `backends` (a module path's report is
    // named after its backend, not the path).
    const index = backends.indexOf(info.subject);
    const report = index === -1 ? undefined : reports[index];
    const conformance =
      report === undefined
        ? ''
        : report.status === 'skip'
          ? 'skip'
          : `${report.status} ${report.summary.pass}/${report.summary.pass + report.summary.fail}`;
    return [
      info.subject,
      conformance,
      ...sizes.map((size) => {
        const result = bench.results.find((r) => r.subject === info.subject && r.size === size);
        return result === undefined || result.skipped !== undefined
          ? '-'
          : formatNumber(result.nsPerElement.median, 3);
      }),
      info.unavailable === undefined ? '' : firstLine(info.unavailable),
    ];
  });
  io.stdout(
    `${formatTable(['subject', 'conformance', ...sizes.map((s) => `${s} ns/el`), 'note'], rows)}\n\n`,
  );
  // The goals (a hundred rows on a full run) are for the project, not for choosing a backend:
  // in bench.json always, on the terminal with --goals.
  const shown = values.goals ? bench : { ...bench, goals: [] };
  io.stdout(`${formatBenchReport(shown).split('\n\n').slice(1).join('\n\n')}\n\n`);
  if (!values.goals && (bench.goals?.length ?? 0) > 0) {
    const missed = bench.goals?.filter((goal) => goal.met === false).length ?? 0;
    io.stdout(
      `${bench.goals?.length} performance goals judged (${missed} missed${bench.quick ? ' on this quick run, indicative only' : ''}): in bench.json, or run with --goals.\n\n`,
    );
  }
  const excluded: Record<string, string> = {};
  backends.forEach((backend, index) => {
    const status = reports[index]?.status;
    if (status === 'fail' || status === 'skip') excluded[backend] = `conformance: ${status}`;
  });
  const verdict = decideRuntime({ runtime: 'node', reports: [bench], excluded });
  io.stdout(`Verdict\n${formatVerdict(verdict).join('\n')}\n\n`);
  io.stdout(`reports written to ${out}/conformance/ and ${out}/bench/bench.json\n`);
  return reports.some((report) => report.status === 'fail') ? 1 : 0;
}
