import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURE_BACKEND, runCli } from '../../test/run-cli.js';
import type { BenchReport } from '../bench-report.js';

describe('softmax-kit compare --quick', () => {
  let folder = '';
  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('writes a conformance report per backend and the bench report, and prints one table', async () => {
    folder = await mkdtemp(join(tmpdir(), 'softmax-kit-compare-'));
    const run = await runCli([
      'compare',
      '--quick',
      '--no-progress',
      '--backend',
      `${FIXTURE_BACKEND},tfjs-node`,
      '--sizes',
      '1x10',
      '--out',
      folder,
    ]);
    expect(run.stderr).not.toMatch(/softmax-kit:/);
    expect(run.code).toBe(0);
    expect((await readdir(join(folder, 'conformance'))).sort()).toEqual([
      'fixture-float64.json',
      'tfjs-node.json',
    ]);
    const fixture = JSON.parse(
      await readFile(join(folder, 'conformance', 'fixture-float64.json'), 'utf8'),
    );
    expect(fixture.status).toBe('pass');
    expect(fixture.summary.fail).toBe(0);
    const tfjsNode = JSON.parse(
      await readFile(join(folder, 'conformance', 'tfjs-node.json'), 'utf8'),
    );
    // Without its native binding tfjs-node is skipped with the reason, never reported as passed.
    expect(tfjsNode.status).toBe('skip');
    expect(tfjsNode.reason).toMatch(/tfjs-node/);

    const bench = JSON.parse(
      await readFile(join(folder, 'bench', 'bench.json'), 'utf8'),
    ) as BenchReport;
    expect(bench.subjects.map((s) => s.subject)).toContain(FIXTURE_BACKEND);
    expect(bench.subjects.map((s) => s.subject)).toContain('peer:onnxruntime-node');
    expect(run.stdout).toMatch(/subject\s+conformance/);
    expect(run.stdout).toMatch(/float64-backend\.mjs\s+pass \d+\/\d+/);
    // The verdict is printed; the goals are in the JSON, not on the terminal without --goals.
    expect(run.stdout).toMatch(/^Verdict\nNode: `[^`]*float64-backend\.mjs`/m);
    expect(run.stdout).not.toMatch(/goal \(speed-up vs reference\)/);
    expect(bench.goals?.length ?? 0).toBeGreaterThan(0);
    expect(run.stdout).toMatch(
      /performance goals judged \(\d+ missed on this quick run, indicative only\): in bench\.json, or run with --goals/,
    );
    // The whole suite (rows up to 10^6) plus a quick bench: ~25 s alone, more on busy CI cores.
  }, 400_000);
});
