/**
 * Every shell command shown in the READMEs and the docs guide runs as written, so none can drift
 * from the CLI. Commands come from the ```sh / ```bash / ```console blocks; in a block with `$ `
 * prompts, the lines after a command are its expected output and are compared verbatim. The
 * README's `myBackend` example is saved verbatim and, with any TypeScript types stripped, as
 * `my-backend.js` and `dist/my-backend.js` (as its author would build it). A
 * `ts` example followed by "prints" and a ```text block is run and its output compared to 6
 * significant digits.
 *
 * Each command is run, skipped by the SKIPPED list below (with the reason), or the test fails:
 * a new command in a README has to be classified here. A SKIPPED entry that no document shows
 * any more fails too.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { documents, type Fence, fences } from './markdown-blocks.js';

const cliRoot = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(cliRoot, '..', '..');
const dist = process.env.SOFTMAX_KIT_DIST !== undefined;
// Inside node_modules (ignored by git), so `--import tsx` and `@softmax-kit/*` resolve from it;
// one folder per mode, as `pnpm test` runs the source and the dist runs at the same time.
const workDir = join(cliRoot, 'node_modules', '.cache', `readme-commands${dist ? '-dist' : ''}`);
// A hang limit, not a speed check: the suite (fast profile, which reaches 262,144-token rows and
// 64-row batches) on three backends takes 2-4 minutes on a 2-core machine while the other
// commands run beside it.
const COMMAND_TIMEOUT_MS = 360_000;

/** Commands that cannot run in a test, each with the reason. Keys are the command as shown. */
const SKIPPED: Record<string, string> = {
  'npm install -g pnpm@10.34.9 && pnpm start':
    'the whole main job: installs pnpm globally, measures every backend (minutes), serves the site until stopped',
  'npm install -g pnpm@10.34.9 && pnpm test':
    'the whole CI run, of which this test is a part; installs pnpm globally',
  'pnpm rebuild @tensorflow/tfjs-node':
    "runs tfjs-node's install script, which downloads libtensorflow (no internet here)",
  'npm rebuild @tensorflow/tfjs-node': 'npm, and downloads libtensorflow (no internet here)',
  'npm rebuild @tensorflow/tfjs-node --build-addon-from-source':
    'compiles the native addon (needs Python and a C++ toolchain, minutes)',
  'pnpm add @softmax-kit/core @softmax-kit/backend-tfjs @tensorflow/tfjs-core@^4.22.0 @tensorflow/tfjs-backend-wasm@^4.22.0':
    "installs packages into a user's project (registry, changes node_modules)",
  'npm install @softmax-kit/core @softmax-kit/backend-ts':
    "installs packages into a user's project (registry, changes node_modules)",
  'npm install @softmax-kit/core @softmax-kit/backend-wasm @softmax-kit/backend-ts @softmax-kit/sampling':
    "installs packages into a user's project (registry, changes node_modules)",
  'npm install @softmax-kit/backend-tfjs @tensorflow/tfjs-core @tensorflow/tfjs-backend-wasm':
    "installs packages into a user's project (registry, changes node_modules)",
  'pnpm build':
    'the build itself; `pnpm test` runs this test after it (and from source it needs none)',
  'softmax-kit bench [--backend ts,tfjs-cpu,tfjs-wasm,tfjs-node|all] [--op softmax|logSoftmax|logSumExp] [--sizes 1x10,1x1k,...] [--dtype float32|float64] [--peers] [--json FILE] [--quick]':
    'a usage synopsis ([optional] parts), not a command; bench.test.ts runs bench',
  'pnpm compare':
    'builds, then benchmarks every backend and peer and runs the whole suite: minutes; compare.test.ts runs compare',
  'softmax-kit compare --quick [--out DIR]':
    'a usage synopsis ([optional] parts), not a command; compare.test.ts runs compare --quick',
  'npx @softmax-kit/conformance ts tfjs-cpu tfjs-wasm --quick --case-timeout 120':
    'the suite on these three backends a second time (~30 s more): it runs through `softmax-kit conformance` above',
  'pnpm start': 'the main job: minutes, and serves the site until stopped',
  'pnpm --filter @softmax-kit/docs build':
    "builds the docs site (minutes); the docs app's own tests build it",
  'pnpm --filter @softmax-kit/docs dev': 'a dev server that runs until stopped',
  'pnpm --filter @softmax-kit/docs preview':
    'serves until stopped; apps/docs/test/serve.test.mjs runs the same server',
  'pnpm --filter @softmax-kit/docs test': "the docs app's own test run (Chromium, ~2 minutes)",
};

/** Command prefixes that run the `softmax-kit` bin under test. */
const CLI_PREFIXES = [
  'softmax-kit ',
  'npx @softmax-kit/cli ',
  'pnpm exec softmax-kit ',
  'node packages/cli/dist/bin.js ',
];
/** Command prefixes that run the `softmax-kit-conformance` bin (of @softmax-kit/conformance). */
const CONFORMANCE_PREFIXES = [
  'softmax-kit-conformance ',
  'npx @softmax-kit/conformance ',
  'pnpm exec softmax-kit-conformance ',
];
/** What `npx` may be given: the published packages that have a bin. */
const NPX_PACKAGES = ['@softmax-kit/cli', '@softmax-kit/conformance'];

interface ShownCommand {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  /** The lines shown after a `$ ` prompt command, when the block has prompts. */
  readonly output?: string;
}

interface ShownExample {
  readonly file: string;
  readonly line: number;
  readonly code: string;
  readonly printed: string;
}

/** A command line without its trailing `# comment` (a `#` after whitespace). */
function withoutComment(line: string): string {
  return line.replace(/\s+#.*$/, '').trim();
}

function shellCommands(file: string, fence: Fence): ShownCommand[] {
  const commands: ShownCommand[] = [];
  const prompted = fence.lines.some((line) => line.startsWith('$ '));
  for (let index = 0; index < fence.lines.length; index++) {
    let line = fence.lines[index] ?? '';
    if (prompted) {
      if (!line.startsWith('$ ')) continue;
      const output: string[] = [];
      for (let next = index + 1; next < fence.lines.length; next++) {
        const shown = fence.lines[next] ?? '';
        if (shown.startsWith('$ ')) break;
        output.push(shown);
      }
      commands.push({
        file,
        line: fence.line + index + 1,
        text: withoutComment(line.slice(2)),
        output: `${output.join('\n').trimEnd()}\n`,
      });
      continue;
    }
    const first = index;
    // A trailing backslash continues the command; so does a line indented under an open
    // bracket of a usage synopsis.
    while (
      (line.endsWith('\\') || /^\s+\[/.test(fence.lines[index + 1] ?? '')) &&
      index + 1 < fence.lines.length
    ) {
      index++;
      line = `${line.replace(/\\$/, '').trimEnd()} ${(fence.lines[index] ?? '').trim()}`;
    }
    const text = withoutComment(line);
    if (text === '' || text.startsWith('#')) continue;
    commands.push({ file, line: fence.line + first + 1, text });
  }
  return commands;
}

function collect(): { commands: ShownCommand[]; examples: ShownExample[]; backendSource: string } {
  const commands: ShownCommand[] = [];
  const examples: ShownExample[] = [];
  let backendSource = '';
  for (const file of documents()) {
    const all = fences(readFileSync(join(repoRoot, file), 'utf8'));
    all.forEach((fence, index) => {
      if (['sh', 'bash', 'shell', 'console'].includes(fence.language)) {
        commands.push(...shellCommands(file, fence));
      }
      const code = fence.lines.join('\n');
      const isScript = fence.language === 'ts' || fence.language === 'js';
      if (isScript && file === 'README.md' && /export (const|function) myBackend\b/.test(code)) {
        backendSource = `${code}\n`;
      }
      const next = all[index + 1];
      if (fence.language === 'ts' && next?.language === 'text' && /\bprints\b/.test(next.before)) {
        examples.push({ file, line: fence.line, code, printed: next.lines.join('\n') });
      }
    });
  }
  return { commands, examples, backendSource };
}

/** Splits a command line into words: whitespace-separated, with '...' and "..." quoting. */
function words(text: string): string[] {
  const result: string[] = [];
  for (const match of text.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) {
    result.push(match[1] ?? match[2] ?? match[3] ?? '');
  }
  return result;
}

/** The node arguments that run a shown command's bin, or undefined for other commands. */
function binArgs(text: string): string[] | undefined {
  const line = `${text} `;
  const cli = CLI_PREFIXES.find((prefix) => line.startsWith(prefix));
  if (cli !== undefined) {
    const bin = dist
      ? [join(cliRoot, 'bin', 'softmax-kit.js')]
      : ['--conditions=@softmax-kit/source', '--import', 'tsx', join(cliRoot, 'src', 'bin.ts')];
    return [...bin, ...words(text.slice(cli.length))];
  }
  const conformance = CONFORMANCE_PREFIXES.find((prefix) => line.startsWith(prefix));
  if (conformance !== undefined) {
    const root = join(repoRoot, 'packages', 'conformance');
    const bin = dist
      ? [join(root, 'bin', 'softmax-kit-conformance.js')]
      : ['--conditions=@softmax-kit/source', '--import', 'tsx', join(root, 'src', 'bin.ts')];
    return [...bin, ...words(text.slice(conformance.length))];
  }
  return undefined;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs node with `args` in `cwd`; kills it after COMMAND_TIMEOUT_MS. */
function runNode(args: readonly string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      stderr += `\n[killed after ${COMMAND_TIMEOUT_MS} ms]`;
    }, COMMAND_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The files a command says it writes: the value after --json, --junit, --markdown, --out. */
function writtenPaths(args: readonly string[]): string[] {
  const paths: string[] = [];
  args.forEach((arg, index) => {
    if (['--json', '--junit', '--markdown', '--out'].includes(arg) && args[index + 1]) {
      paths.push(args[index + 1] ?? '');
    }
  });
  return paths;
}

/** Numbers to 6 significant digits and every other token as is. */
function tokens(text: string): string[] {
  return [...text.matchAll(/-?\d+(?:\.\d+)?(?:e[-+]?\d+)?|[A-Za-z_]\w*|\S/g)].map(([token]) =>
    /^-?\d/.test(token) ? String(Number(Number(token).toPrecision(6))) : token,
  );
}

const shown = collect();
const runnable = shown.commands.filter(
  (command) => !(command.text in SKIPPED) && binArgs(command.text) !== undefined,
);
const where = (command: { file: string; line: number }) => `${command.file}:${command.line}`;

describe('the commands shown in the READMEs and the docs guide', () => {
  /** A fresh folder per command (they run concurrently) with the example backend in it. */
  function commandFolder(index: number): string {
    const folder = join(workDir, `command-${index}`);
    mkdirSync(join(folder, 'dist'), { recursive: true });
    const compiled = ts.transpileModule(shown.backendSource, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    writeFileSync(join(folder, 'my-backend.ts'), shown.backendSource);
    writeFileSync(join(folder, 'my-backend.js'), compiled);
    writeFileSync(join(folder, 'dist', 'my-backend.js'), compiled);
    // The folder is a project of its own, as the README's reader's is: report paths the bins
    // resolve against the workspace root (the nearest pnpm-workspace.yaml) land here, not in
    // this repository.
    writeFileSync(join(folder, 'pnpm-workspace.yaml'), 'packages: []\n');
    return folder;
  }

  beforeAll(() => {
    rmSync(workDir, { recursive: true, force: true });
    mkdirSync(workDir, { recursive: true });
  });

  it('include the README example backend', () => {
    expect(shown.backendSource).toMatch(/export (const|function) myBackend\b/);
  });

  it('name a published package after npx', () => {
    const wrong = shown.commands
      .filter((command) => {
        const name = /(?:^|&&\s*)npx\s+(\S+)/.exec(command.text)?.[1];
        return name !== undefined && !NPX_PACKAGES.includes(name);
      })
      .map((command) => `${where(command)}: ${command.text}`);
    // `npx softmax-kit-conformance` would look for a package of that name on the registry.
    expect(wrong, `npx takes the package name: one of ${NPX_PACKAGES.join(', ')}`).toEqual([]);
  });

  it('are each either run here or skipped for a stated reason', () => {
    const unclassified = shown.commands
      .filter((command) => !(command.text in SKIPPED) && binArgs(command.text) === undefined)
      .map((command) => `${where(command)}: ${command.text}`);
    expect(unclassified, 'run it (a CLI prefix) or add it to SKIPPED with the reason').toEqual([]);
    const stale = Object.keys(SKIPPED).filter(
      (text) => !shown.commands.some((command) => command.text === text),
    );
    expect(stale, 'SKIPPED entries that no document shows any more').toEqual([]);
    // The CLI lines at least: eval, conformance on the built-in backends and on the example.
    expect(runnable.length).toBeGreaterThanOrEqual(5);
  });

  // Concurrently: the long ones (the suite on three backends) overlap the short ones.
  it.concurrent.for(
    runnable.map(
      (command, index) => [`${where(command)}: ${command.text}`, command, index] as const,
    ),
  )('%s', { timeout: COMMAND_TIMEOUT_MS + 10_000 }, async ([, command, index], { expect }) => {
    const args = binArgs(command.text) ?? [];
    const folder = commandFolder(index);
    const run = await runNode(args, folder);
    const seen = `stdout:\n${run.stdout.slice(-3000)}\nstderr:\n${run.stderr.slice(-2000)}`;
    expect(run.code, `exit code; ${seen}`).toBe(0);
    if (command.output !== undefined) expect(run.stdout).toBe(command.output);
    for (const path of writtenPaths(args)) {
      expect(existsSync(join(folder, path)), `${path} was written`).toBe(true);
    }
  });

  it.for(shown.examples.map((example, index) => [where(example), example, index] as const))(
    'the example in %s prints what the text below it shows',
    async ([, example, index]) => {
      const folder = commandFolder(1000 + index);
      const file = join(folder, `example-${example.file.replace(/\W+/g, '-')}-${example.line}.mts`);
      writeFileSync(file, `${example.code}\n`);
      const conditions = dist ? [] : ['--conditions=@softmax-kit/source'];
      const run = await runNode([...conditions, '--import', 'tsx', file], folder);
      expect(run.code, `exit code; stderr:\n${run.stderr.slice(-2000)}`).toBe(0);
      expect(tokens(run.stdout)).toEqual(tokens(example.printed));
    },
  );
});
