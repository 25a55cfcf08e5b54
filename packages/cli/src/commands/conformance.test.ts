import { mkdtemp, readFile, rm } from 'node:fs/promises';
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
    expect(run.stdout).toMatch(/fixture-float64\s+pass/);
    const report = JSON.parse(await readFile(join(folder, 'report.json'), 'utf8'));
    expect(report.backend).toBe('fixture-float64');
    expect(report.summary.fail).toBe(0);
    expect(report.summary.pass).toBeGreaterThan(0);
    const groups = new Set(report.cases.map((c: { group: string }) => c.group));
    expect([...groups].sort()).toEqual(['examples', 'temperature']);
    expect(await readFile(join(folder, 'junit.xml'), 'utf8')).toMatch(/<testsuite[\s>]/);
    expect(await readFile(join(folder, 'report.md'), 'utf8')).toMatch(
      /\| fixture-float64 \| pass \|/,
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
    expect(run.stdout).toMatch(/fixture-float64\s+pass/);
    expect(run.stdout).toMatch(/fixture-wrong-temperature\s+fail/);
    expect(run.stdout).toMatch(/Failed checks:\n\s+fixture-wrong-temperature: examples\./);
  });

  it('lists a backend that cannot load with the reason, and fails when it was named explicitly', async () => {
    const named = await runCli([
      'conformance',
      '--backend',
      'tfjs-node',
      '--group',
      'examples',
      '--no-progress',
    ]);
    expect(named.code).toBe(1);
    expect(named.stdout).toMatch(/tfjs-node\s+skip\s.*tfjs-node/);
  });

  it('rejects an unknown check group with exit code 2', async () => {
    const run = await runCli(['conformance', '--group', 'speed']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown check group 'speed'/);
  });
});
