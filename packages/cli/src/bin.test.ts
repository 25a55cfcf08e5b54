import { describe, expect, it } from 'vitest';
import { FIXTURE_BACKEND, runCli } from '../test/run-cli.js';

// Expected values are SPEC's worked examples (exact to 6 digits), never this CLI's own output.
const BACKENDS = ['ts', FIXTURE_BACKEND];

function probabilityColumn(stdout: string): string[] {
  return stdout
    .trim()
    .split('\n')
    .slice(2)
    .map((line) => line.trim().split(/\s+/)[1] ?? '');
}

describe.each(BACKENDS)('softmax-kit eval on backend %s', (backend) => {
  it('prints the SPEC example 2,1,0.5 at temperature 2 as 0.481024, 0.291756, 0.22722', async () => {
    const run = await runCli(['eval', '2,1,0.5', '--temperature', '2', '--backend', backend]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(/logit\s+probability\s+log-probability/);
    expect(probabilityColumn(run.stdout)).toEqual(['0.481024', '0.291756', '0.22722']);
  });

  it('reads rows from stdin: comma, whitespace and JSON lines, and answers JSON', async () => {
    const input = '2,1,0.1\n\n2 1 0.5\n[3, 3, 3]\n';
    const run = await runCli(['eval', '--json', '--backend', backend], input);
    expect(run.code).toBe(0);
    const payload = JSON.parse(run.stdout) as {
      rows: { logits: number[]; probabilities: number[]; logProbabilities: number[] }[];
    };
    expect(payload.rows.map((row) => row.logits)).toEqual([
      [2, 1, 0.1],
      [2, 1, 0.5],
      [3, 3, 3],
    ]);
    const expected = [
      [0.659001, 0.242433, 0.098566],
      [0.628532, 0.231224, 0.140244],
      [1 / 3, 1 / 3, 1 / 3],
    ];
    payload.rows.forEach((row, index) => {
      row.probabilities.forEach((p, column) => {
        // SPEC's examples are rounded to 6 decimals: half a unit in the 6th place.
        expect(Math.abs(p - (expected[index]?.[column] ?? Number.NaN))).toBeLessThanOrEqual(5e-7);
        expect(Math.abs(Math.exp(row.logProbabilities[column] ?? 0) - p)).toBeLessThan(1e-6);
      });
    });
  });

  it('gives the T = 0 and T = Infinity limits of SPEC, with -Infinity as a JSON string', async () => {
    const zero = await runCli([
      'eval',
      '2,5,5',
      '--temperature',
      '0',
      '--json',
      '--backend',
      backend,
    ]);
    expect(JSON.parse(zero.stdout).rows[0].probabilities).toEqual([0, 0.5, 0.5]);
    const inf = await runCli(['eval', '1,-inf,1', '-t', 'inf', '--json', '--backend', backend]);
    const row = JSON.parse(inf.stdout).rows[0];
    expect(row.probabilities).toEqual([0.5, 0, 0.5]);
    expect(row.logits[1]).toBe('-Infinity');
  });

  it('prints only log-probabilities with --log', async () => {
    const run = await runCli(['eval', '3,3,3,3', '--log', '--backend', backend]);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(/^logit\s+log-probability$/);
    // log(1/4) = -1.386294361... to 6 significant digits.
    expect(run.stdout.match(/-1\.38629/g)).toHaveLength(4);
  });

  it('exits 1 with the SoftmaxError message when a logit is NaN', async () => {
    const run = await runCli(['eval', '1,nan,2', '--backend', backend]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/NaN/);
    expect(run.stderr).toMatch(/row 0, column 1/);
  });
});

describe('softmax-kit argument errors', () => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
    ['an unknown option', ['eval', '1,2', '--bogus'], /Unknown option '--bogus'/],
    ['a logit that is not a number', ['eval', '1,two'], /column 1: 'two' is not a number/],
    [
      'a temperature that is not a number',
      ['eval', '1,2', '-t', 'warm'],
      /--temperature must be a number, got 'warm'/,
    ],
    [
      'a negative temperature',
      ['eval', '1,2', '--temperature', '-1', '--backend', FIXTURE_BACKEND],
      /temperature is -1/,
    ],
    [
      'an axis that is not an integer',
      ['eval', '1,2', '--axis', '0.5'],
      /--axis must be an integer/,
    ],
    ['an unknown backend', ['eval', '1,2', '--backend', 'cuda'], /unknown backend 'cuda'/],
    ['no logits at all', ['eval'], /no logits/],
    ['a bad bench size', ['bench', '--sizes', '1x10,32by1k'], /bad size '32by1k'/],
    ['a bad bench dtype', ['bench', '--dtype', 'int8'], /--dtype must be float32 or float64/],
    [
      'an unknown conformance backend',
      ['conformance', '--backend', 'ts,gpu'],
      /unknown backend 'gpu'/,
    ],
  ];
  it.each(cases)(
    'reject %s with one line naming it, a usage hint, and exit code 2',
    async (_, args, message) => {
      const run = await runCli(args);
      expect(run.code).toBe(2);
      const [first, ...rest] = run.stderr.trim().split('\n');
      expect(first).toMatch(/^softmax-kit: /);
      expect(first).toMatch(message);
      expect(rest.join('\n')).toMatch(/--help/);
      expect(run.stdout).toBe('');
    },
  );

  it('lists the commands with --help and exits 0', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['eval', 'conformance', 'bench', 'compare']) {
      expect(run.stdout).toContain(command);
    }
  });
});

describe('softmax-kit with a third-party backend module', () => {
  it('loads a named factory with the path#export form', async () => {
    const run = await runCli([
      'eval',
      '2,1,0.1',
      '--json',
      '--backend',
      `${FIXTURE_BACKEND}#float64Backend`,
    ]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).backend).toBe('fixture-float64');
  });

  it('reports a module without a backend factory as unavailable, saying what it looked for', async () => {
    const run = await runCli(['eval', '1,2', '--backend', './test/fixtures/not-a-backend.mjs']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/unavailable/);
    expect(run.stderr).toMatch(/exports no softmax-kit v1 backend/);
  });
});
