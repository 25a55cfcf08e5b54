import type { CheckGroup, Profile } from '@softmax-kit/conformance';
import type { CommandResult } from '@softmax-kit/conformance/node';
import { loadConformanceApi } from '../conformance-api.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { integerOption } from '../parse-number.js';
import { progressBar } from '../progress.js';
import { UsageError } from '../usage-error.js';
import { parseBackendList } from './bench.js';
import type { CommandIo } from './io.js';

export const CONFORMANCE_USAGE = `softmax-kit conformance [--backend ts,tfjs-cpu,...|all|./my-backend.js] [--json FILE|DIR/] [--junit FILE] [--markdown FILE] [--seed N] [--group G,...] [--profile fast|full] [--init-timeout D] [--case-timeout D] [--run-timeout D] [--no-progress]
  Runs SPEC's conformance suite on each backend (default ts), each in a watchdog process;
  exit 1 when a check fails or times out, or a backend named in --backend cannot load or is
  unavailable (\`all\` lists backends that are not installed as skipped). A module path
  exports a backend or a factory (default export, \`backend\`, \`createBackend\`, an export
  named *Backend, or ./file.js#name).
  Time limits (D: seconds, or 500ms, 90s, 30min): --init-timeout (default 60 s) on loading
  and initialising each backend, --case-timeout (default 60 s) per case, --run-timeout
  (default 30 min) per backend; printed with the summary and written into the reports.
  --profile: sizes of the real-size cases (accuracy.batch.*, accuracy.split.*): full (default;
  batches up to 256 x 32,768, calls around every declared split threshold) or fast (what CI runs).
  A flag may be given once. A file that cannot be written fails at once (exit 1).`;

const OPTIONS = {
  backend: { type: 'string', default: 'ts' },
  json: { type: 'string' },
  junit: { type: 'string' },
  markdown: { type: 'string' },
  seed: { type: 'string' },
  group: { type: 'string' },
  profile: { type: 'string' },
  'init-timeout': { type: 'string' },
  'case-timeout': { type: 'string' },
  'run-timeout': { type: 'string' },
  'no-progress': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Options of {@link runConformanceWithProgress}, as the CLI's commands give them. */
export interface ConformanceRunOptions {
  /** `--backend` values (names, module paths, `all`), validated by `parseBackendList`. */
  readonly backends: readonly string[];
  /** Named backends that do not load fail the run (default true; false for `compare`). */
  readonly requireNamed?: boolean;
  readonly io: CommandIo;
  readonly showProgress: boolean;
  readonly seed?: number;
  /** Sizes of the real-size cases (default: the suite's, `'full'`). */
  readonly profile?: Profile;
  readonly groups?: readonly CheckGroup[];
  readonly timeLimits?: { initMs?: number; caseMs?: number; runMs?: number };
  /** Per-backend `<id>.json` + `.junit.xml` folder (default: none). */
  readonly outDir?: string;
  readonly json?: string;
  readonly junit?: string;
  readonly markdown?: string;
}

/**
 * Runs the conformance package's command (`runConformanceCommand`) with a progress bar per
 * backend on stderr; shared by `conformance` and `compare`.
 *
 * @example
 * ```ts
 * const { reports, exitCode } = await runConformanceWithProgress({ backends: ['ts'], io, showProgress: true });
 * ```
 */
export async function runConformanceWithProgress(
  options: ConformanceRunOptions,
): Promise<CommandResult> {
  const api = await loadConformanceApi();
  const { io } = options;
  let bar: ReturnType<typeof progressBar> | null = null;
  let current = '';
  let last = 0;
  try {
    return await api.runConformanceCommand({
      backends: options.backends,
      ...(options.requireNamed === undefined ? {} : { requireNamed: options.requireNamed }),
      outDir: options.outDir ?? null,
      ...(options.json === undefined ? {} : { json: options.json }),
      ...(options.junit === undefined ? {} : { junit: options.junit }),
      ...(options.markdown === undefined ? {} : { markdown: options.markdown }),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.profile === undefined ? {} : { profile: options.profile }),
      ...(options.groups === undefined ? {} : { groups: options.groups }),
      ...(options.timeLimits === undefined ? {} : { timeLimits: options.timeLimits }),
      quiet: true,
      // the backends the CLI depends on resolve from here, also in the watchdog process
      resolveFrom: [import.meta.url],
      importer: (id) => import(id),
      progress: () => {},
      onProgress: (spec, event) => {
        if (spec !== current) {
          bar?.finish();
          bar = progressBar(io, `conformance ${spec}`, options.showProgress);
          current = spec;
        }
        const done = event.phase === 'end' ? event.index + 1 : event.index;
        const now = Date.now();
        // Without a terminal, print at most one line a second.
        if (!io.stderrIsTty && now - last < 1000 && done !== event.total) return;
        last = now;
        bar?.update(done, event.total, event.id);
      },
    });
  } finally {
    (bar as ReturnType<typeof progressBar> | null)?.finish();
  }
}

function durationOption(
  flag: string,
  text: string | undefined,
  parse: (t: string) => number | null,
) {
  if (text === undefined) return undefined;
  const ms = parse(text);
  if (ms === null)
    throw new UsageError(
      `--${flag}: invalid duration '${text}' (a positive number of seconds, or with a unit: 500ms, 90s, 30min)`,
      'conformance',
    );
  return ms;
}

/**
 * `softmax-kit conformance`: maps its flags onto the conformance package's command, which runs,
 * loads, reports and writes.
 *
 * @example
 * ```ts
 * const code = await conformanceCommand(['--backend', 'all', '--junit', 'junit.xml'], io);
 * ```
 */
export async function conformanceCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const { values } = parseCommandArgs(args, OPTIONS, 'conformance');
  if (values.help) {
    io.stdout(`${CONFORMANCE_USAGE}\n`);
    return 0;
  }
  parseBackendList(values.backend, 'conformance'); // unknown names are usage errors (exit 2)
  const backends = values.backend.split(',').map((name) => name.trim());
  // the suite's seeds are 32-bit (Mulberry32), as the conformance bin accepts them
  const seed =
    values.seed === undefined
      ? undefined
      : integerOption('--seed', values.seed, 'conformance', { min: 0, max: 0xffffffff });
  const api = await loadConformanceApi();
  let profile: Profile | undefined;
  if (values.profile !== undefined) {
    profile = api.parseProfile(values.profile) ?? undefined;
    if (profile === undefined)
      throw new UsageError(
        `--profile must be ${api.PROFILES.join(' or ')}, got '${values.profile}'`,
        'conformance',
      );
  }
  let groups: CheckGroup[] | undefined;
  if (values.group !== undefined) {
    groups = values.group.split(',').map((group) => group.trim()) as CheckGroup[];
    for (const group of groups) {
      if (!(api.CHECK_GROUPS as readonly string[]).includes(group)) {
        throw new UsageError(
          `unknown check group '${group}' (groups: ${api.CHECK_GROUPS.join(', ')})`,
          'conformance',
        );
      }
    }
  }
  const timeLimits = {
    initMs: durationOption('init-timeout', values['init-timeout'], api.parseDuration),
    caseMs: durationOption('case-timeout', values['case-timeout'], api.parseDuration),
    runMs: durationOption('run-timeout', values['run-timeout'], api.parseDuration),
  };
  const result = await runConformanceWithProgress({
    backends,
    io,
    showProgress: values['no-progress'] !== true,
    ...(seed === undefined ? {} : { seed }),
    ...(profile === undefined ? {} : { profile }),
    ...(groups === undefined ? {} : { groups }),
    timeLimits: Object.fromEntries(
      Object.entries(timeLimits).filter(([, value]) => value !== undefined),
    ),
    ...(values.json === undefined ? {} : { json: values.json }),
    ...(values.junit === undefined ? {} : { junit: values.junit }),
    ...(values.markdown === undefined ? {} : { markdown: values.markdown }),
  });
  io.stdout(`${result.summary}\n`);
  return result.exitCode;
}
