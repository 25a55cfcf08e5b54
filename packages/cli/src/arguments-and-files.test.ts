import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../test/run-cli.js';
import { writeSampleJson } from './commands/sample-output.js';
import { parseCommandArgs } from './parse-command-args.js';
import { integerOption } from './parse-number.js';

// Through the real bin (test/run-cli.ts): output files that cannot be written, repeated and
// negative flags, line ends, and sample's JSON output at a size that used to exceed V8's
// largest string.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sk-cli-files-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Fails fast: a command that cannot write its file exits 1 with the path and reason, no stack. */
async function expectWriteFailure(args: string[], message: RegExp): Promise<void> {
  const started = Date.now();
  const run = await runCli(args);
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  // Node 20's recursive mkdir spins forever under /proc; here nothing ran before the check
  expect(Date.now() - started).toBeLessThan(30_000);
}

describe('files a command writes', () => {
  it('bench --json under a missing folder of /proc fails at once, before benchmarking, with the path and the reason', async () => {
    await expectWriteFailure(
      [
        'bench',
        '--backend',
        'ts',
        '--quick',
        '--no-progress',
        '--json',
        '/proc/nonexistent/x.json',
      ],
      /cannot write '\/proc\/nonexistent\/x\.json': cannot create the folder '\/proc\/nonexistent'/,
    );
  }, 60_000);

  it('conformance --json and --junit under /proc fail at once (exit 1) instead of hanging', async () => {
    await expectWriteFailure(
      ['conformance', '--no-progress', '--json', '/proc/nonexistent/x.json'],
      /cannot write '\/proc\/nonexistent\/x\.json'/,
    );
    await expectWriteFailure(
      ['conformance', '--no-progress', '--junit', '/proc/nonexistent/deeper/j.xml'],
      /cannot write '\/proc\/nonexistent\/deeper\/j\.xml': cannot create the folder '\/proc\/nonexistent'/,
    );
  }, 60_000);

  it('a file where a folder should be is named in the error', async () => {
    const file = join(dir, 'plain-file');
    await writeFile(file, 'x');
    await expectWriteFailure(
      ['bench', '--backend', 'ts', '--quick', '--no-progress', '--json', join(file, 'x.json')],
      /is not a folder/,
    );
  }, 60_000);
});

describe('the argument parser', () => {
  it('a flag given twice is a usage error naming both values (exit 2)', async () => {
    const run = await runCli(['conformance', '--seed', '1', '--seed', '2']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--seed is given twice \('--seed 1', then '--seed 2'\)/);
    const short = await runCli(['eval', '1,2', '-t', '1', '--temperature', '2']);
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/--temperature is given twice/);
  });

  it('--case-timeout -1 is an invalid duration, not an "ambiguous" option', async () => {
    const run = await runCli(['conformance', '--case-timeout', '-1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--case-timeout: invalid duration '-1'/);
    expect(run.stderr).not.toMatch(/ambiguous/);
  });

  it('a negative seed is a usage error naming the accepted range', async () => {
    const run = await runCli(['conformance', '--seed', '-5']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--seed must be an integer in \[0, 4294967295\], got '-5'/);
  });

  it('integer options: a negative --top-n is refused, never read as 0', () => {
    expect(integerOption('--top-n', '20', 'sample', { min: 0 })).toBe(20);
    for (const bad of ['-5', '1.5', 'two', '', '1e400', 'inf'])
      expect(() => integerOption('--top-n', bad, 'sample', { min: 0 })).toThrow(
        `--top-n must be an integer >= 0, got '${bad}'`,
      );
    // through the parser: the negative value stays the flag's value
    const { values } = parseCommandArgs(['--top-n', '-5'], { 'top-n': { type: 'string' } }, 'x');
    expect(values['top-n']).toBe('-5');
  });

  it('flags meant to repeat (multiple: true) collect every value', () => {
    const { values } = parseCommandArgs(
      ['--backend', 'ts', '--backend', 'wasm'],
      { backend: { type: 'string', multiple: true } },
      'x',
    );
    expect(values.backend).toEqual(['ts', 'wasm']);
  });
});

describe('rows on stdin', () => {
  it('lone carriage returns end lines, as \\n and \\r\\n do', async () => {
    const run = await runCli(['eval', '--json'], '2,1,0.1\r2,1,0.5\r\n3,3,3\n');
    expect(run.code).toBe(0);
    const rows = (JSON.parse(run.stdout) as { rows: { logits: number[] }[] }).rows;
    expect(rows.map((row) => row.logits)).toEqual([
      [2, 1, 0.1],
      [2, 1, 0.5],
      [3, 3, 3],
    ]);
  });
});

describe('sample --json streams', () => {
  it('100,000 rows through the bin: valid JSON with every row, each token a kept index', async () => {
    const rows = 100_000;
    let input = '';
    for (let r = 0; r < rows; r++) input += `${r % 7},${r % 3},1\n`;
    const run = await runCli(['sample', '--json', '--seed', '5'], input);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const payload = JSON.parse(run.stdout) as {
      seed: number;
      rows: { logits: number[]; tokens: number[]; q: number[] }[];
    };
    expect(payload.seed).toBe(5);
    expect(payload.rows).toHaveLength(rows);
    payload.rows.forEach((row, r) => {
      expect(row.logits).toEqual([r % 7, r % 3, 1]);
      const token = row.tokens[0] as number;
      expect(row.q[token]).toBeGreaterThan(0);
    });
  }, 120_000);

  it('hands stdout pieces of about 1 MB, never one string of the whole result', async () => {
    const pieces: number[] = [];
    const io = {
      stdout: (text: string) => {
        pieces.push(text.length);
      },
      stderr: () => {},
      drain: async () => {},
      stdinIsTty: false,
      stderrIsTty: false,
      readStdin: async () => '',
    };
    const n = 4096;
    const row = {
      tokens: new Int32Array([1]),
      logprobs: new Float64Array([-0.5]),
      kept: n,
      entropy: 1,
      top: { tokens: new Int32Array(n).map((_, i) => i), logprobs: new Float64Array(n).fill(-8) },
      q: new Float64Array(n).fill(1 / n),
    };
    const count = 400; // about 40 MB of JSON
    await writeSampleJson(
      io,
      'ts',
      Array.from({ length: count }, () => new Array<number>(n).fill(0)),
      { seed: 1, rows: Array.from({ length: count }, () => row) } as never,
    );
    const total = pieces.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(30_000_000);
    expect(Math.max(...pieces)).toBeLessThan(2 * 2 ** 20);
  });
});
