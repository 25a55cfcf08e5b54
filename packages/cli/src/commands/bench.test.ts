import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURE_BACKEND, runCli } from '../../test/run-cli.js';
import { SAMPLING_IDS } from '../bench/sampling-subjects.js';
import type { BenchReport } from '../bench-report.js';

// A smoke test of the harness's output shape; speed is never asserted here.
describe('softmax-kit bench --quick --json', () => {
  let folder = '';
  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('writes a report in which every requested backend and peer appears at every size', async () => {
    folder = await mkdtemp(join(tmpdir(), 'softmax-kit-bench-'));
    const file = join(folder, 'bench.json');
    const backends = ['ts', 'tfjs-cpu', 'tfjs-wasm', 'tfjs-node', FIXTURE_BACKEND];
    const sizes = ['1x10', '2x16'];
    const run = await runCli([
      'bench',
      '--quick',
      '--peers',
      '--no-progress',
      '--backend',
      backends.join(','),
      '--sizes',
      sizes.join(','),
      '--json',
      file,
    ]);
    // stderr may carry the peers' own banners (tfjs prints one in Node); no CLI error lines.
    expect(run.stderr).not.toMatch(/softmax-kit:/);
    expect(run.code).toBe(0);
    const report = JSON.parse(await readFile(file, 'utf8')) as BenchReport;

    expect(report.reportVersion).toBe(1);
    expect(report.quick).toBe(true);
    expect(report.harness).toMatch(/^tinybench \d+\.\d+/);
    expect(report.environment.runtime).toBe('node');
    expect(report.environment.cores).toBeGreaterThanOrEqual(1);
    expect(report.environment.versions.tinybench).toMatch(/^6\./);

    const subjects = [
      'baseline:copy',
      ...backends,
      ...backends.map((backend) => `kernel:${backend}`),
      'peer:naive-js',
      'peer:onnxruntime-node',
      'peer:transformers.js',
      'peer:tfjs-cpu',
      'peer:tfjs-wasm',
      // --peers adds the sampling subjects; at these sizes their results are skipped with a reason.
      ...SAMPLING_IDS,
    ];
    expect(report.subjects.map((info) => info.subject)).toEqual(subjects);
    for (const info of report.subjects) {
      if (info.unavailable !== undefined) {
        // Listed with its reason, never dropped; its sizes are skipped with the same reason.
        expect(info.unavailable.length).toBeGreaterThan(10);
        expect(info.coldStartMs).toBeNull();
      } else {
        expect(info.coldStartMs).toBeGreaterThan(0);
        expect(info.fixedCostUs).toBeGreaterThan(0);
        expect(info.memory.peakRssMb).toBeGreaterThan(0);
      }
      for (const size of sizes) {
        const result = report.results.find((r) => r.subject === info.subject && r.size === size);
        expect(result, `${info.subject} at ${size}`).toBeDefined();
        if (info.unavailable !== undefined || result?.skipped !== undefined) continue;
        const { median, p10, p90 } = result?.nsPerElement ?? { median: 0, p10: 0, p90: 0 };
        expect(p10).toBeLessThanOrEqual(median);
        expect(median).toBeLessThanOrEqual(p90);
        expect(result?.samples).toBeGreaterThanOrEqual(3);
        expect(result?.ratioToFastest).toBeGreaterThan(0);
        expect(result?.ratioToCopy).toBeGreaterThan(0);
      }
    }
    // Sizes parse as rows x cols.
    expect(report.results.find((r) => r.size === '2x16')).toMatchObject({ rows: 2, cols: 16 });
    // The fastest softmax at each size has ratio 1.
    for (const size of sizes) {
      const ratios = report.results
        .filter((r) => r.size === size && r.kind !== 'baseline' && r.skipped === undefined)
        .map((r) => r.ratioToFastest);
      expect(Math.min(...ratios)).toBe(1);
    }
    // The summary table names every subject.
    for (const subject of subjects) expect(run.stdout).toContain(subject);
  });

  it('--op logSumExp times that op on every subject, lists a peer without it as skipped, and writes the op', async () => {
    folder ||= await mkdtemp(join(tmpdir(), 'softmax-kit-bench-'));
    const file = join(folder, 'bench-log-sum-exp.json');
    const run = await runCli([
      'bench',
      '--quick',
      '--peers',
      '--no-progress',
      '--op',
      'logSumExp',
      '--backend',
      'ts',
      '--sizes',
      '2x16',
      '--json',
      file,
    ]);
    expect(run.code).toBe(0);
    const report = JSON.parse(await readFile(file, 'utf8')) as BenchReport;
    expect(report.op).toBe('logSumExp');
    // Sampling is softmax's: no sampling subjects; the goals are softmax's too.
    expect(report.subjects.map((info) => info.subject)).toEqual([
      'baseline:copy',
      'ts',
      'kernel:ts',
      'peer:naive-js',
      'peer:onnxruntime-node',
      'peer:transformers.js',
      'peer:tfjs-cpu',
      'peer:tfjs-wasm',
    ]);
    expect(report.goals).toEqual([]);
    const transformers = report.subjects.find((info) => info.subject === 'peer:transformers.js');
    expect(transformers?.unavailable).toMatch(/no logSumExp/);
    for (const subject of ['ts', 'peer:naive-js', 'peer:onnxruntime-node', 'peer:tfjs-wasm']) {
      const result = report.results.find((r) => r.subject === subject);
      expect(result?.skipped, subject).toBeUndefined();
      expect(result?.nsPerElement.median, subject).toBeGreaterThan(0);
    }
    expect(run.stdout).toMatch(/logSumExp: median ns\/element/);
  });

  it('--op with an unknown op is a usage error naming the accepted ops (exit 2)', async () => {
    const run = await runCli(['bench', '--op', 'logsoftmax', '--backend', 'ts']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /--op must be one of softmax, logSoftmax, logSumExp; got 'logsoftmax'/,
    );
    const sampling = await runCli(['bench', '--op', 'logSoftmax', '--sampling', '--backend', 'ts']);
    expect(sampling.code).toBe(2);
    expect(sampling.stderr).toMatch(/--sampling measures sampling next to softmax/);
  });
});
