/**
 * Writing a file a user can aim anywhere (Node only), with a time limit and a clear error.
 *
 * Node 20's `mkdir(dir, { recursive: true })` spins at 100% CPU forever for a missing folder
 * under `/proc`, so folders are made here one level at a time (each `mkdir` without
 * `recursive`, which fails at once there), and every step runs under a time limit: a file system
 * that hangs ends as a {@link FileWriteError}, never as a hang.
 */
import { access, constants, mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { TimeLimitExceeded, withTimeLimit } from './time-limits.js';

/** The time limit on making a file's folders and writing it (ms). */
export const FILE_WRITE_LIMIT_MS = 30_000;

/**
 * A file could not be written: its folder could not be made, it is not writable, or the write
 * did not finish within its time limit. `code` is `'FILE_WRITE_FAILED'`; the message names the
 * path and the reason. Commands print the message and exit 1.
 */
export class FileWriteError extends Error {
  readonly code = 'FILE_WRITE_FAILED';
  /** The absolute path that could not be written. */
  readonly path: string;

  constructor(path: string, reason: string, options?: { cause?: unknown }) {
    super(`cannot write '${path}': ${reason}`, options);
    this.name = 'FileWriteError';
    this.path = path;
  }

  /**
   * Whether `error` is a {@link FileWriteError}, also one from another copy of this package.
   *
   * @example
   * ```ts
   * if (FileWriteError.isInstance(error)) console.error(error.message);
   * ```
   */
  static isInstance(error: unknown): error is FileWriteError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as { name?: unknown }).name === 'FileWriteError' &&
      (error as { code?: unknown }).code === 'FILE_WRITE_FAILED'
    );
  }
}

function reasonOf(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown };
  return typeof e?.message === 'string' ? e.message : String(error);
}

/** Makes `dir` and any missing folders above it, one level at a time (see the module comment). */
async function makeFolders(path: string, dir: string): Promise<void> {
  const missing: string[] = [];
  let current = dir;
  for (;;) {
    try {
      if (!(await stat(current)).isDirectory())
        throw new FileWriteError(path, `'${current}' is not a folder`);
      break;
    } catch (error) {
      if (FileWriteError.isInstance(error)) throw error;
      if ((error as { code?: unknown }).code !== 'ENOENT')
        throw new FileWriteError(path, `cannot read the folder '${current}' (${reasonOf(error)})`, {
          cause: error,
        });
      missing.push(current);
      const parent = dirname(current);
      if (parent === current) break;
      current = parent;
    }
  }
  for (const folder of missing.reverse()) {
    try {
      await mkdir(folder);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'EEXIST') continue;
      throw new FileWriteError(path, `cannot create the folder '${folder}' (${reasonOf(error)})`, {
        cause: error,
      });
    }
  }
}

async function limited<T>(path: string, limitMs: number, work: () => Promise<T>): Promise<T> {
  try {
    return await withTimeLimit(work, limitMs, `writing '${path}'`);
  } catch (error) {
    if (error instanceof TimeLimitExceeded)
      throw new FileWriteError(
        path,
        `the file system did not answer within ${limitMs} ms (is it a special file system such as /proc?)`,
        { cause: error },
      );
    throw error;
  }
}

/**
 * Makes the folder of `file` (one level at a time) and checks it is writable, within the time
 * limit: what a command calls before a long run, so a bad output path fails at once. Returns the
 * absolute path. Throws {@link FileWriteError}.
 *
 * @example
 * ```ts
 * await prepareFile('reports/bench/bench.json'); // throws for '/proc/nonexistent/x.json'
 * ```
 */
export async function prepareFile(file: string, limitMs = FILE_WRITE_LIMIT_MS): Promise<string> {
  const path = resolve(file);
  return limited(path, limitMs, async () => {
    await makeFolders(path, dirname(path));
    try {
      await access(dirname(path), constants.W_OK);
    } catch (error) {
      throw new FileWriteError(path, `its folder is not writable (${reasonOf(error)})`, {
        cause: error,
      });
    }
    return path;
  });
}

/**
 * Makes a folder (and the folders above it) within the time limit. Throws {@link FileWriteError}.
 *
 * @example
 * ```ts
 * await prepareFolder('reports/conformance');
 * ```
 */
export async function prepareFolder(dir: string, limitMs = FILE_WRITE_LIMIT_MS): Promise<string> {
  const path = resolve(dir);
  return limited(path, limitMs, async () => {
    await makeFolders(path, path);
    return path;
  });
}

/**
 * Writes `data` to `file`, making its folders first, all within the time limit; returns the
 * absolute path. Throws {@link FileWriteError} with the path and the reason, never hangs.
 *
 * @example
 * ```ts
 * await writeFileWithin('reports/bench/bench.json', `${JSON.stringify(report)}\n`);
 * ```
 */
export async function writeFileWithin(
  file: string,
  data: string | Uint8Array,
  limitMs = FILE_WRITE_LIMIT_MS,
): Promise<string> {
  const path = resolve(file);
  return limited(path, limitMs, async () => {
    await makeFolders(path, dirname(path));
    try {
      await writeFile(path, data);
    } catch (error) {
      throw new FileWriteError(path, reasonOf(error), { cause: error });
    }
    return path;
  });
}
