import { SoftmaxError } from '@softmax-kit/core';
import { BENCH_USAGE, benchCommand } from './commands/bench.js';
import { COMPARE_USAGE, compareCommand } from './commands/compare.js';
import { CONFORMANCE_USAGE, conformanceCommand } from './commands/conformance.js';
import { EVAL_USAGE, evalCommand } from './commands/eval.js';
import type { CommandIo } from './commands/io.js';
import { SAMPLE_USAGE, sampleCommand } from './commands/sample.js';
import { SCORE_USAGE, scoreCommand } from './commands/score.js';
import { UsageError } from './usage-error.js';

const COMMANDS = {
  eval: { run: evalCommand, usage: EVAL_USAGE },
  sample: { run: sampleCommand, usage: SAMPLE_USAGE },
  score: { run: scoreCommand, usage: SCORE_USAGE },
  conformance: { run: conformanceCommand, usage: CONFORMANCE_USAGE },
  bench: { run: benchCommand, usage: BENCH_USAGE },
  compare: { run: compareCommand, usage: COMPARE_USAGE },
} as const;

/**
 * The conformance package's `FileWriteError` (an output file that cannot be written, or whose
 * write ran past its time limit), recognised by name and code so that commands that never load
 * that package do not import it here.
 */
function isFileWriteError(error: unknown): error is Error {
  return (
    error instanceof Error &&
    error.name === 'FileWriteError' &&
    (error as { code?: unknown }).code === 'FILE_WRITE_FAILED'
  );
}

/** The top-level help text. */
export const USAGE = `Usage: softmax-kit <command> [options]

Commands:
  eval         softmax / log-softmax of rows of logits (arguments or stdin)
  sample       draw tokens from rows of logits (temperature, top-k, top-p, min-p, DRY, XTC, ...)
  score        log-probabilities of target tokens and the perplexity
  conformance  run the SPEC conformance suite on backends, write JSON / JUnit / Markdown
  bench        benchmark backends (and, with --peers, peer libraries) with tinybench
  compare      conformance + bench on every backend available here; writes reports/

Run 'softmax-kit <command> --help' for a command's options.`;

/**
 * Runs the CLI with the given arguments (without `node` and the script) and returns the exit
 * code: 0 success, 1 a failed check or bad data (e.g. NaN logits), 2 bad arguments.
 *
 * @example
 * ```ts
 * process.exitCode = await main(['eval', '2,1,0.1'], processIo());
 * ```
 */
export async function main(args: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined) {
    io.stderr(`softmax-kit: no command given\n${USAGE}\n`);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (name === '--version' || name === '-v') {
    const pkg = (await import('../package.json', { with: { type: 'json' } })) as {
      default: { version: string };
    };
    io.stdout(`${pkg.default.version}\n`);
    return 0;
  }
  const command = COMMANDS[name as keyof typeof COMMANDS];
  try {
    if (command === undefined) throw new UsageError(`unknown command '${name}'`);
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      const hint = error.command
        ? `usage: ${COMMANDS[error.command as keyof typeof COMMANDS]?.usage.split('\n')[0] ?? ''}\nRun 'softmax-kit ${error.command} --help' for details.`
        : "Run 'softmax-kit --help' for the commands.";
      io.stderr(`softmax-kit: ${error.message}\n${hint}\n`);
      return 2;
    }
    if (SoftmaxError.isInstance(error) || isFileWriteError(error)) {
      io.stderr(`softmax-kit: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
