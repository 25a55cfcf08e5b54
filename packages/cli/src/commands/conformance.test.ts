import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_BACKEND, runCli } from '../../test/run-cli.js';

const WRONG_BACKEND = './test/fixtures/wrong-temperature-backend.mjs';

describe('softmax-kit conformance', () => {
  let folder = '';
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'softmax-kit-conformance-'));
  });
  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('passes a correct third-party backend given by path and writes JSON, JUnit and Markdown', async () => {
    const run = await runCli([
      'conformance',
      '--backend',
      FIXTURE_BACKEND,
      '--group',
      'examples,temperature',
      '--no-progress',
      '--json',
      join(folder, 'report.json'),
      '--junit',
      join(folder, 'junit.xml'),
      '--markdown',
      join(folder, 'report.md'),
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/fixture-float64\s+node\s+PASS/);
    expect(run.stdout).toMatch(/Time limits: init 60 s, each case 60 s, whole run 30 min/);
    const report = JSON.parse(await readFile(join(folder, 'report.json'), 'utf8'));
    expect(report.backend).toBe('fixture-float64');
    expect(report.summary.fail).toBe(0);
    expect(report.timeLimits).toEqual({ initMs: 60_000, caseMs: 60_000, runMs: 1_800_000 });
    expect(report.summary.pass).toBeGreaterThan(0);
    const groups = new Set(report.cases.map((c: { group: string }) => c.group));
    expect([...groups].sort()).toEqual(['examples', 'temperature']);
    expect(await readFile(join(folder, 'junit.xml'), 'utf8')).toMatch(/<testsuite[\s>]/);
    expect(await readFile(join(folder, 'report.md'), 'utf8')).toMatch(
      /\| fixture-float64 \| node \| pass \|/,
    );
  });

  it('exits 1 and names the failed checks when a backend ignores the temperature', async () => {
    const run = await runCli([
      'conformance',
      '--backend',
      `${FIXTURE_BACKEND},${WRONG_BACKEND}`,
      '--group',
      'examples',
      '--no-progress',
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/fixture-float64\s+node\s+PASS/);
    expect(run.stdout).toMatch(/fixture-wrong-temperature\s+node\s+FAIL/);
    expect(run.stdout).toMatch(/Failed checks \(\d+\):\n\s+fixture-wrong-temperature examples\./);
  });

  it('fails a backend named explicitly that cannot load, with the reason, and writes it to JUnit as <error>', async () => {
    const junit = join(folder, 'named.junit.xml');
    const named = await runCli([
      'conformance',
      '--backend',
      'tfjs-node',
      '--group',
      'examples',
      '--no-progress',
      '--junit',
      junit,
    ]);
    expect(named.code).toBe(1);
    expect(named.stdout).toMatch(/tfjs-node\s+node\s+FAIL/);
    expect(named.stdout).toMatch(/asked for by name/);
    const xml = await readFile(junit, 'utf8');
    expect(xml).toMatch(/<error message="not run: [^"]*tfjs-node/);
    expect(xml).not.toMatch(/<skipped/);
  });

  it('a backend that hangs (async or in a synchronous loop), throws in doInit or returns garbage fails, with every report written', async () => {
    const hostile = './test/fixtures/hostile-backends.mjs';
    const exports = [
      'hangingInitBackend',
      'syncHangBackend',
      'throwingInitBackend',
      'garbageBackend',
    ];
    const json = join(folder, 'hostile/');
    const junit = join(folder, 'hostile.junit.xml');
    const run = await runCli([
      'conformance',
      '--backend',
      exports.map((name) => `${hostile}#${name}`).join(','),
      '--group',
      'determinism',
      '--init-timeout',
      '2',
      '--case-timeout',
      '2s',
      '--no-progress',
      '--json',
      json,
      '--junit',
      junit,
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Time limits: init 2 s, each case 2 s, whole run 30 min/);
    const read = async (name: string) =>
      JSON.parse(await readFile(join(folder, 'hostile', `${name}.json`), 'utf8'));
    const hangingInit = await read('fixture-hanging-init');
    expect(hangingInit.status).toBe('fail');
    expect(hangingInit.reason).toMatch(/timed out: createSoftmax .* did not settle within 2 s/);
    const syncHang = await read('fixture-sync-hang');
    expect(syncHang.status).toBe('fail');
    // the declared precision goes with the verdict, also when the watchdog built the report
    expect(syncHang.capabilities?.computePrecision).toEqual({
      float32: 'float64',
      float64: 'float64',
    });
    const timedOut = syncHang.cases.filter((c: { timedOut?: boolean }) => c.timedOut);
    expect(timedOut).toHaveLength(1);
    expect(timedOut[0].reason).toMatch(/watchdog killed/);
    expect(
      syncHang.cases
        .slice(1)
        .every((c: { reason: string }) => /not run after a timeout/.test(c.reason)),
    ).toBe(true);
    for (const name of ['fixture-throwing-init', 'fixture-garbage']) {
      const report = await read(name);
      expect(report.status).toBe('fail');
      expect(report.reason).toMatch(/BACKEND_ERROR/);
    }
    const xml = await readFile(junit, 'utf8');
    expect(xml.match(/<testsuite /g)).toHaveLength(4);
    expect(xml).not.toMatch(/<skipped/);
  });

  it("runs the root README's backend example, saved verbatim, from a module path", async () => {
    const readme = await readFile(new URL('../../../../README.md', import.meta.url), 'utf8');
    const example = /```js\n(\/\/ my-backend\.js:[\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const dir = join(folder, 'readme');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'my-backend.js'), example as string);
    await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
    const run = await runCli([
      'conformance',
      '--backend',
      join(dir, 'my-backend.js'),
      '--group',
      'examples,accuracy',
      '--profile',
      'fast',
      '--no-progress',
    ]);
    expect(run.stdout).toMatch(/my-backend\s+node\s+PASS/);
    // the summary says which sizes ran
    expect(run.stdout).toMatch(/Profile: fast \(fast: batches 256x1024, 64x32768, 2x262144/);
    expect(run.code).toBe(0);
  });

  it('rejects an unknown check group with exit code 2', async () => {
    const run = await runCli(['conformance', '--group', 'speed']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown check group 'speed'/);
  });
});
