import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { binCommand, runCli } from '../../test/run-cli.js';

/** float64 unit roundoff. */
const U = 2 ** -53;

/** Logits in [-10, 10] that are exact in short decimal form, so the text round-trips. */
function logits(length: number): number[] {
  return Array.from({ length }, (_, index) => (((index * 7919) % 2001) - 1000) / 100);
}

/** Softmax in float64, max subtracted first: the reference for the CLI's output. */
function referenceSoftmax(row: readonly number[]): number[] {
  let max = Number.NEGATIVE_INFINITY;
  for (const value of row) max = Math.max(max, value);
  let sum = 0;
  for (const value of row) sum += Math.exp(value - max);
  return row.map((value) => Math.exp(value - max) / sum);
}

interface EvalJson {
  rows: { logits: number[]; probabilities: number[]; logProbabilities: number[] }[];
}

describe('softmax-kit eval on long rows', () => {
  it('prints the table of one row of 128,256 logits (a Llama-3 vocabulary)', async () => {
    const row = logits(128_256);
    const run = await runCli(['eval'], row.join(','));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    // Header, rule, one line per logit.
    expect(lines).toHaveLength(128_256 + 2);
    expect(lines[2]?.split(/\s+/)[0]).toBe(String(row[0]));
    expect(lines.at(-1)?.split(/\s+/)[0]).toBe(String(row.at(-1)));
  });

  it('answers --json for a row of 2^20 logits with every probability within n*u of float64', async () => {
    const n = 2 ** 20;
    const row = logits(n);
    const run = await runCli(['eval', '--json'], row.join(' '));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [result] = (JSON.parse(run.stdout) as EvalJson).rows;
    expect(result?.logits).toEqual(row);
    expect(result?.probabilities).toHaveLength(n);
    expect(result?.logProbabilities).toHaveLength(n);
    const expected = referenceSoftmax(row);
    // Both sides sum n terms in float64 (relative error <= n*u each) and round a few times more:
    // relative difference <= 2 (n + 4) u.
    const bound = 2 * (n + 4) * U;
    let worst = 0;
    expected.forEach((p, index) => {
      worst = Math.max(worst, Math.abs((result?.probabilities[index] ?? 0) - p) / p);
    });
    expect(worst).toBeLessThanOrEqual(bound);
  });
});

describe('softmax-kit eval writing to a reader that stops early', () => {
  it('ends quietly with exit code 0 when stdout closes (as `| head` does), without an EPIPE trace', async () => {
    const child = spawn(process.execPath, [...binCommand(), 'eval', '--json'], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    // The first piece of output arrives, then the reader goes away.
    child.stdout.once('data', () => child.stdout.destroy());
    child.stdin.end(logits(2 ** 20).join(','));
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error('eval did not exit within 60 s after its reader went away'));
      }, 60_000);
      child.on('close', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
  });
});

describe('softmax-kit eval refuses malformed numbers, naming where they are', () => {
  const cases: [string, string[], string, RegExp][] = [
    [
      'an empty field in an argument',
      ['eval', '1,,2'],
      '',
      /argument 1, row 0, column 1: empty field/,
    ],
    [
      'an empty field on stdin line 2',
      ['eval'],
      '1,2\n3,,4\n',
      /stdin line 2, row 1, column 1: empty field/,
    ],
    ['a trailing separator', ['eval', '1,2,'], '', /row 0, column 2: empty field/],
    [
      'a decimal that overflows to Infinity',
      ['eval', '1,1e400'],
      '',
      /row 0, column 1: '1e400' is beyond the float64 range/,
    ],
    [
      'an overflowing number in a JSON row',
      ['eval'],
      '[0, -1e400]\n',
      /row 0, column 1: a number beyond the float64 range/,
    ],
    [
      'an overflowing temperature',
      ['eval', '1,2', '--temperature', '1e400'],
      '',
      /--temperature must be a number, got '1e400' \(it is beyond the float64 range/,
    ],
  ];
  it.each(cases)('rejects %s with exit code 2 and no output', async (_, args, input, message) => {
    const run = await runCli(args, input);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')[0]).toMatch(message);
  });

  it('still reads inf and -inf written as words', async () => {
    const run = await runCli(['eval', '--json', '-t', 'inf', '1,-inf,1']);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as EvalJson).rows[0]?.probabilities).toEqual([0.5, 0, 0.5]);
  });
});
