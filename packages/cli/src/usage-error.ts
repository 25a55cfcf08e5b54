/**
 * A bad command line: the CLI prints the message and a usage hint and exits with code 2.
 *
 * @example
 * ```ts
 * throw new UsageError("--dtype must be 'float32' or 'float64', got 'int8'", 'bench');
 * ```
 */
export class UsageError extends Error {
  /** The subcommand whose usage to hint at, when known. */
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}
