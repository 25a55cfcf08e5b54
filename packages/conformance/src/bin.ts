#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { builtinBackendNames } from './backends.js';
import { DEFAULT_SIZES } from './cases/accuracy.js';
import { guardExit, runConformanceCommand } from './node.js';
import { DEFAULT_PROFILE, PROFILES, type Profile, parseProfile } from './profile.js';
import { CHECK_GROUPS, type CheckGroup } from './report.js';
import {
  parseDuration,
  TIME_LIMIT_FLAGS,
  TIME_LIMIT_USAGE,
  type TimeLimits,
} from './time-limits.js';
import { FileWriteError } from './write-file.js';

const USAGE = `usage: softmax-kit-conformance [backend ...] [options]

Runs the softmax-kit conformance suite on each backend and writes <out>/<id>.json and
<id>.junit.xml. A backend is a built-in name (${builtinBackendNames('node').join(', ')}) or a
module path (./my-backend.js, optionally #exportName) exporting a backend or a factory.
Default: every built-in backend (those not installed are reported as skipped). A backend
named here that cannot load, or is unavailable, fails the run. Each backend runs in a watchdog
process, so a backend that hangs (even in a synchronous loop) ends as a failed, timed-out case.

options:
  --out DIR        report folder (default reports/conformance at the repo root)
  --seed N         seed of the random rows and properties
  --sizes LIST     accuracy row lengths, e.g. 1,10,1000,1e6 (default ${DEFAULT_SIZES.join(',')})
  --quick          sizes 1,10,1000,10000 and profile fast
  --profile NAME   ${PROFILES.join(' or ')} (default ${DEFAULT_PROFILE}): sizes of the real-size cases
                   (accuracy.batch.*, accuracy.split.*); fast is what CI runs
  --groups LIST    only these groups (${CHECK_GROUPS.join(',')})
  --quiet          no per-case progress
  ${TIME_LIMIT_USAGE}
  -h, --help       this text

exit code: 0 every backend passed (or, from the default list, was skipped as not installed),
1 a check failed, timed out, or a named backend did not load, 2 bad arguments`;

function fail(message: string): never {
  process.stderr.write(`softmax-kit-conformance: ${message}\n${USAGE.split('\n')[0]}\n`);
  process.exit(2);
}

function parseSizes(text: string): number[] {
  return text.split(',').map((part) => {
    const value = Number(part.trim());
    if (!Number.isInteger(value) || value < 1 || value > 1e7)
      fail(`--sizes: '${part}' is not an integer in [1, 1e7]`);
    return value;
  });
}

/** `--flag -1` -> `--flag=-1`, so parseArgs does not read a negative value as an option. */
function attachNegativeValues(args: readonly string[]): string[] {
  const out: string[] = [];
  for (const arg of args) {
    const previous = out[out.length - 1];
    if (/^-(\d|\.\d)/.test(arg) && previous?.startsWith('--') && !previous.includes('='))
      out[out.length - 1] = `${previous}=${arg}`;
    else out.push(arg);
  }
  return out;
}

/** Makes global.gc available (the resources.heap check needs it) without a node flag. */
function exposeGc(): void {
  if (typeof (globalThis as { gc?: unknown }).gc === 'function') return;
  try {
    setFlagsFromString('--expose-gc');
    (globalThis as { gc?: unknown }).gc = runInNewContext('gc');
  } catch {
    // the heap check is then skipped with its reason
  }
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      // a negative value stays the flag's value (`--case-timeout -1` is an invalid duration)
      args: attachNegativeValues(process.argv.slice(2)),
      tokens: true,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        seed: { type: 'string' },
        sizes: { type: 'string' },
        quick: { type: 'boolean' },
        profile: { type: 'string' },
        groups: { type: 'string' },
        quiet: { type: 'boolean' },
        'init-timeout': { type: 'string' },
        'case-timeout': { type: 'string' },
        'run-timeout': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    fail((error as Error).message);
  }
  const { values, positionals } = parsed;
  const given = new Set<string>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option') continue;
    if (given.has(token.name)) fail(`--${token.name} is given twice: give it once`);
    given.add(token.name);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let seed: number | undefined;
  if (typeof values.seed === 'string') {
    seed = Number(values.seed);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
      fail(`--seed: '${values.seed}' is not an integer in [0, 2^32)`);
  }
  const sizes =
    typeof values.sizes === 'string'
      ? parseSizes(values.sizes)
      : values.quick
        ? [1, 10, 1000, 10_000]
        : undefined;
  let profile: Profile | undefined;
  if (typeof values.profile === 'string') {
    profile = parseProfile(values.profile) ?? undefined;
    if (profile === undefined)
      fail(`--profile: '${values.profile}' is not a profile (${PROFILES.join(', ')})`);
  } else if (values.quick) profile = 'fast';
  let groups: CheckGroup[] | undefined;
  if (typeof values.groups === 'string') {
    groups = values.groups.split(',').map((g) => g.trim()) as CheckGroup[];
    for (const group of groups)
      if (!CHECK_GROUPS.includes(group))
        fail(`--groups: unknown group '${group}' (known: ${CHECK_GROUPS.join(', ')})`);
  }
  const timeLimits: { -readonly [K in keyof TimeLimits]?: number } = {};
  for (const [flag, key] of Object.entries(TIME_LIMIT_FLAGS)) {
    const text = values[flag];
    if (typeof text !== 'string') continue;
    const ms = parseDuration(text);
    if (ms === null)
      fail(
        `--${flag}: invalid duration '${text}' (a positive number of seconds, or with a unit: 500ms, 90s, 30min)`,
      );
    timeLimits[key] = ms;
  }
  exposeGc();
  const result = await runConformanceCommand({
    backends: positionals,
    timeLimits,
    ...(typeof values.out === 'string' ? { outDir: values.out } : {}),
    ...(seed === undefined ? {} : { seed }),
    ...(sizes ? { sizes } : {}),
    ...(profile ? { profile } : {}),
    ...(groups ? { groups } : {}),
    quiet: values.quiet === true,
  });
  const text = `${result.summary}\n\nreports: ${result.files.filter((f) => f.endsWith('.json')).join(', ')}\n`;
  // exit explicitly once stdout is flushed: some device runtimes (wasm threads, Dawn) keep the
  // event loop alive after dispose
  process.stdout.write(text, () => process.exit(result.exitCode));
}

guardExit(main(), 'softmax-kit-conformance').catch((error: unknown) => {
  if (FileWriteError.isInstance(error)) {
    process.stderr.write(`softmax-kit-conformance: ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`softmax-kit-conformance: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
