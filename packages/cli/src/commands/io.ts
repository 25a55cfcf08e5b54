/** Where a command reads and writes; the bin wires it to the process, tests may capture it. */
export interface CommandIo {
  stdout(text: string): void;
  /** Resolves once stdout has taken what was written (long outputs wait between pieces). */
  drain?(): Promise<void>;
  stderr(text: string): void;
  readonly stdinIsTty: boolean;
  readStdin(): Promise<string>;
  /** True when stderr is a terminal (progress bars redraw in place). */
  readonly stderrIsTty: boolean;
}

/**
 * The process's streams as a {@link CommandIo}.
 *
 * @example
 * ```ts
 * const io = processIo();
 * io.stdout('hello\n');
 * ```
 */
export function processIo(): CommandIo {
  // A reader that stops early (`softmax-kit eval ... | head`) closes the pipe: end quietly, as
  // shell tools do, instead of an unhandled EPIPE error with a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  return {
    stdout: (text) => process.stdout.write(text),
    drain: () =>
      process.stdout.writableNeedDrain
        ? new Promise<void>((resolve) => {
            // 'close' too: a reader that went away (`| head`) must not leave the writer waiting.
            const done = () => {
              process.stdout.off('drain', done);
              process.stdout.off('close', done);
              resolve();
            };
            process.stdout.on('drain', done);
            process.stdout.on('close', done);
          })
        : Promise.resolve(),
    stderr: (text) => process.stderr.write(text),
    stdinIsTty: process.stdin.isTTY === true,
    stderrIsTty: process.stderr.isTTY === true,
    async readStdin() {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}
