import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, platform, release } from 'node:os';
import { dirname, join } from 'node:path';
import { REPORTED_PACKAGES } from '@softmax-kit/conformance/backends';
import type { BenchReport } from './bench-report.js';

const require = createRequire(import.meta.url);

/**
 * The installed version of a package as seen from the CLI, or `undefined` when it is not
 * installed. Works for packages whose `exports` map hides `package.json`.
 *
 * @example
 * ```ts
 * await packageVersion('tinybench'); // '6.2.3'
 * ```
 */
export async function packageVersion(name: string): Promise<string | undefined> {
  let entry: string;
  try {
    entry = require.resolve(`${name}/package.json`);
  } catch {
    try {
      entry = require.resolve(name);
    } catch {
      return undefined;
    }
  }
  for (let folder = dirname(entry); ; folder = dirname(folder)) {
    try {
      const json = JSON.parse(await readFile(join(folder, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (json.name === name) return json.version;
    } catch {
      // no package.json here; keep walking up
    }
    if (dirname(folder) === folder) return undefined;
  }
}

/** Packages whose versions the reports record when they are installed (one list, shared with conformance). */
export { REPORTED_PACKAGES };

/**
 * The machine and package versions a report was measured with.
 *
 * @example
 * ```ts
 * const env = await benchEnvironment(); // { runtime: 'node', cpu: 'AMD EPYC ...', cores: 2, ... }
 * ```
 */
export async function benchEnvironment(): Promise<BenchReport['environment']> {
  const versions: Record<string, string> = {};
  for (const name of REPORTED_PACKAGES) {
    const version = await packageVersion(name);
    if (version !== undefined) versions[name] = version;
  }
  return {
    runtime: 'node',
    runtimeVersion: `node ${process.version}`,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    platform: `${platform()} ${release()} ${process.arch}`,
    versions,
  };
}
