import type { CommandIo } from './commands/io.js';

/**
 * A progress bar on stderr: redrawn in place on a terminal, one line per step otherwise (so CI
 * logs show progress without control characters).
 *
 * @example
 * ```ts
 * const bar = progressBar(io, 'bench');
 * bar.update(3, 10, 'ts 32x1k');
 * bar.finish();
 * ```
 */
export function progressBar(io: CommandIo, label: string, enabled = true) {
  const width = 24;
  let drawn = false;
  return {
    update(done: number, total: number, what: string) {
      if (!enabled) return;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
      const text = `${label} [${bar}] ${done}/${total} ${what}`;
      if (io.stderrIsTty) {
        io.stderr(`\r\x1b[2K${text}`);
        drawn = true;
      } else {
        io.stderr(`${text}\n`);
      }
    },
    finish() {
      if (drawn) io.stderr('\r\x1b[2K');
      drawn = false;
    },
  };
}
