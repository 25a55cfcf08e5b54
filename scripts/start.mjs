#!/usr/bin/env node
/**
 * `pnpm start` (after `turbo run build`): measure every backend on this machine, build the docs
 * from the fresh reports, print the verdict (which backend to use) and serve the docs.
 *
 * Steps (numbered as they run; those that cannot run here are left out and said so):
 * - Node: `softmax-kit compare --quick` (conformance + bench with peers) -> reports/conformance/
 *   *.json, reports/bench/bench.json.
 * - Browser: conformance of the tfjs devices in headless Chromium (webgl, webgpu, threaded wasm;
 *   the backend-tfjs vitest browser project) -> reports/conformance/tfjs-*-browser.json.
 * - Docs: the VitePress build, which publishes reports/ as data/*.json.
 * - Browser: in headless Chromium against that site, the conformance suite on every browser
 *   backend that is not a tfjs device (ts, wasm, wasm-threads) and the browser benchmark ->
 *   reports/conformance/<backend>-browser.json, reports/bench/bench-browser.json; then the
 *   site's data files are refreshed from reports/ (no second build: the pages fetch them).
 * - The verdict from those reports (`@softmax-kit/cli/verdict`), then the URL of a static
 *   server with COOP/COEP headers; Ctrl-C stops it.
 *
 * Every child's output is shown as it comes, with a line repeated in one step shown once (and
 * counted at the end of the step), and a "still running" line after 5 s without output. The
 * tfjs browser conformance is a test run whose own output (including the stderr of tests that
 * check error paths on purpose) is kept back: its summary is shown, all of it when it fails.
 *
 * Flags: --port N (default 4173, else a free one), --skip-measure (reuse the existing reports),
 * --goals (print the performance goals table too; it is always in reports/bench/bench.json).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const portFlag = args.indexOf('--port');
const port = portFlag >= 0 ? Number(args[portFlag + 1]) : 4173;
const skipMeasure = args.includes('--skip-measure');
const showGoals = args.includes('--goals');
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(chromium);
const reportsDir = join(root, 'reports');
const summary = [];
const started = Date.now();
/** A step longer than this without output gets a "still running" line, then one every REPEAT_MS. */
const QUIET_MS = 5_000;
const REPEAT_MS = 15_000;

const seconds = (ms) => `${(ms / 1000).toFixed(0)} s`;
/** ANSI colour and cursor sequences (ESC [ ... letter), built without a control character literal. */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g');

// The steps, known before the first one runs, so they are numbered once and never twice.
const steps = [
  ...(skipMeasure ? [] : ['node']),
  ...(skipMeasure || !hasChromium ? [] : ['tfjs-browser']),
  'docs',
  ...(skipMeasure || !hasChromium ? [] : ['browser']),
  'verdict',
];
const TITLES = {
  node: 'Node: conformance and benchmark of every backend and peer (softmax-kit compare --quick)',
  'tfjs-browser': 'Browser: conformance of the TensorFlow.js devices in headless Chromium',
  docs: 'Docs: build with the fresh reports',
  browser: 'Browser: conformance of ts, wasm and wasm-threads and the browser benchmark',
  verdict: 'Verdict',
};
let stepStarted = Date.now();
function step(id) {
  const index = steps.indexOf(id) + 1;
  stepStarted = Date.now();
  console.log(`\n\x1b[1m== ${index}/${steps.length} ${TITLES[id]}\x1b[0m`);
}
const stepDone = () => console.log(`   (${seconds(Date.now() - stepStarted)})`);

/**
 * Runs a command, its output shown line by line (a line already shown in this step is counted,
 * not shown again), with a "still running" line after QUIET_MS without output. `quiet: true`
 * keeps the output back and returns it. Resolves with { status, output }.
 */
function run(
  command,
  commandArgs,
  { quiet = false, label = command, progress = () => '', ...options } = {},
) {
  console.log(`$ ${command} ${commandArgs.join(' ')}`);
  return new Promise((done) => {
    const child = spawn(command, commandArgs, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0' },
      ...options,
    });
    const seen = new Map();
    const kept = [];
    let lastOutput = Date.now();
    let quietFor = QUIET_MS;
    const begun = Date.now();
    const ticker = setInterval(() => {
      if (Date.now() - lastOutput >= quietFor) {
        const detail = progress(kept);
        console.log(
          `   ... ${label}: still running (${seconds(Date.now() - begun)}${detail ? `; ${detail}` : ''})`,
        );
        lastOutput = Date.now();
        quietFor = REPEAT_MS;
      }
    }, 1_000);
    const forward = (stream, write) => {
      let partial = '';
      stream.on('data', (chunk) => {
        const text = partial + chunk.toString('utf8');
        const lines = text.split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) show(line, write);
      });
      stream.on('end', () => {
        if (partial) show(partial, write);
      });
    };
    const show = (line, write) => {
      kept.push(line);
      if (quiet) return;
      // Progress bars redraw in place (\r): those lines are shown as they are.
      const key = line.replace(ANSI, '').trim();
      if (key !== '' && !line.includes('\r') && seen.has(key)) {
        seen.set(key, seen.get(key) + 1);
        return;
      }
      seen.set(key, 1);
      lastOutput = Date.now();
      quietFor = QUIET_MS;
      write(`${line}\n`);
    };
    forward(child.stdout, (text) => process.stdout.write(text));
    forward(child.stderr, (text) => process.stderr.write(text));
    child.on('error', (error) => {
      clearInterval(ticker);
      done({ status: 1, output: `${error.message}\n` });
    });
    child.on('close', (status) => {
      clearInterval(ticker);
      for (const [line, count] of seen) {
        if (count > 1)
          console.log(`   (the line above was printed ${count} times: "${line.slice(0, 100)}")`);
      }
      done({ status: status ?? 1, output: kept.join('\n') });
    });
  });
}

/**
 * Whether `@tensorflow/tfjs-node` loads here. Its install script downloads the native binding
 * and libtensorflow; pnpm 10 runs no dependency install scripts unless allowed, so on a fresh
 * clone the package is present but `require` throws. Checked in a child process, so this one
 * never loads libtensorflow. Returns null when it loads, else the line to print.
 */
function tfjsNodeSkipReason() {
  const backendDir = join(root, 'packages', 'backend-tfjs-node');
  const probe = spawnSync(
    process.execPath,
    [
      '-e',
      "const r = require('node:module').createRequire(process.cwd() + '/');" +
        "console.log(require('node:path').dirname(r.resolve('@tensorflow/tfjs-node/package.json')));" +
        "r('@tensorflow/tfjs-node');",
    ],
    { cwd: backendDir, encoding: 'utf8', timeout: 60_000 },
  );
  if (probe.status === 0) return null;
  const packageDir = probe.stdout.trim().split('\n')[0];
  if (!packageDir) {
    return 'tfjs-node: SKIPPED: @tensorflow/tfjs-node is not installed (run `pnpm install`).';
  }
  return (
    'tfjs-node: SKIPPED: its native binding (tfjs_binding.node, linked against libtensorflow) is ' +
    'missing: its install script downloads both, and pnpm 10 runs no dependency install scripts ' +
    'unless allowed (this repository allows only esbuild, so `pnpm install` works offline). To ' +
    `enable it, with internet access: (cd ${relative(root, packageDir)} && node scripts/install.js), ` +
    'then `pnpm start` again.'
  );
}

/** Conformance status per report id (`ts`, `wasm-browser`), from reports/conformance/. */
function conformanceStatuses() {
  const statuses = {};
  const dir = join(reportsDir, 'conformance');
  if (!existsSync(dir)) return statuses;
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.json')) continue;
    try {
      statuses[file.slice(0, -5)] = JSON.parse(readFileSync(join(dir, file), 'utf8')).status;
    } catch {
      statuses[file.slice(0, -5)] = 'unreadable';
    }
  }
  return statuses;
}

function readBench(name) {
  const file = join(reportsDir, 'bench', name);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** The verdict lines for each runtime with a bench report; candidates must pass conformance there. */
async function verdictLines() {
  const verdictModule = join(root, 'packages', 'cli', 'dist', 'verdict.js');
  if (!existsSync(verdictModule)) return ['No verdict: the CLI was not built (run pnpm build).'];
  const { decideRuntime, formatVerdict } = await import(pathToFileURL(verdictModule).href);
  const statuses = conformanceStatuses();
  const lines = [];
  for (const [runtime, file, suffix] of [
    ['node', 'bench.json', ''],
    ['browser', 'bench-browser.json', '-browser'],
  ]) {
    const report = readBench(file);
    if (!report) {
      lines.push(
        `${runtime === 'node' ? 'Node' : 'Browser'}: not measured (no reports/bench/${file}).`,
      );
      continue;
    }
    const excluded = {};
    for (const subject of report.subjects) {
      const status = statuses[`${subject.subject}${suffix}`];
      if (subject.kind === 'backend' && status !== 'pass') {
        excluded[subject.subject] = status ? `conformance: ${status}` : 'no conformance report';
      }
    }
    lines.push(...formatVerdict(decideRuntime({ runtime, reports: [report], excluded })));
  }
  return lines;
}

const tfjsNodeSkipped = skipMeasure ? null : tfjsNodeSkipReason();
if (tfjsNodeSkipped) {
  console.log(`\n${tfjsNodeSkipped}`);
  summary.push('tfjs-node: skipped (native binding missing, see above)');
}
if (skipMeasure) summary.push('measurements: skipped (--skip-measure), existing reports/ used');
if (!skipMeasure && !hasChromium) {
  console.log(
    `\nNo Chromium at ${chromium}: the browser steps are left out (the docs mark them "not run"). ` +
      'Install it with `apt-get install -y chromium libvulkan1` (or set CHROMIUM_PATH).',
  );
  summary.push('browser conformance and bench: NOT RUN (no Chromium)');
}

if (steps.includes('node')) {
  step('node');
  const cli = join(root, 'packages', 'cli', 'dist', 'bin.js');
  if (!existsSync(cli)) {
    console.error('packages/cli/dist/bin.js is missing: the CLI was not built (run pnpm build).');
    summary.push('compare: NOT RUN (CLI not built)');
  } else {
    const { status } = await run(
      process.execPath,
      [cli, 'compare', '--quick', ...(showGoals ? ['--goals'] : [])],
      { label: 'compare' },
    );
    // Exit code 1 means a required check failed: the reports are still written and shown.
    summary.push(
      status === 0
        ? 'compare: done'
        : `compare: exited with ${status} (failures are shown in the conformance matrix)`,
    );
  }
  stepDone();
}

if (steps.includes('tfjs-browser')) {
  step('tfjs-browser');
  const { status, output } = await run(
    'pnpm',
    ['--filter', '@softmax-kit/backend-tfjs', 'exec', 'vitest', 'run', '--project', 'browser'],
    {
      quiet: true,
      label: 'tfjs browser conformance',
      env: { ...process.env, CHROMIUM_PATH: chromium },
      // vitest prints a ✓ or × line per finished file or group: count them.
      progress: (lines) => {
        const files = lines.filter((line) => /^\s*[✓×]\s/.test(line.replace(ANSI, ''))).length;
        return files ? `${files} test groups finished` : '';
      },
    },
  );
  const plain = output.replace(ANSI, '');
  if (status === 0) {
    const counts = plain.split('\n').filter((line) => /^\s*(Test Files|Tests)\s/.test(line));
    for (const line of counts) console.log(`   ${line.trim()}`);
    summary.push(
      `browser conformance (tfjs devices): passed (${counts.map((l) => l.trim()).join('; ')})`,
    );
  } else {
    console.log(plain.split('\n').slice(-60).join('\n'));
    summary.push(
      `browser conformance (tfjs devices): exited with ${status} (see the output above)`,
    );
  }
  stepDone();
}

const site = join(root, 'apps', 'docs', '.vitepress', 'dist');
const { serve } = await import(
  pathToFileURL(join(root, 'apps', 'docs', 'scripts', 'serve.mjs')).href
);

step('docs');
{
  const { status } = await run('pnpm', ['--filter', '@softmax-kit/docs', 'run', 'build'], {
    label: 'docs build',
  });
  if (status !== 0) {
    console.error('The docs build failed; see the output above.');
    process.exit(status);
  }
  stepDone();
}

if (steps.includes('browser')) {
  step('browser');
  const { browserRuns } = await import(
    pathToFileURL(join(root, 'apps', 'docs', 'scripts', 'browser-runs.mjs')).href
  );
  const { BUILTIN_BACKENDS } = await import(
    pathToFileURL(join(root, 'packages', 'conformance', 'dist', 'backends.js')).href
  );
  // The tfjs devices ran in the step before (the backend-tfjs browser project).
  const backends = BUILTIN_BACKENDS.filter(
    (backend) => backend.runtimes.includes('browser') && !backend.name.startsWith('tfjs-'),
  ).map((backend) => backend.name);
  const measuring = await serve(site, 0);
  const begun = Date.now();
  const ticker = setInterval(
    () => console.log(`   ... browser runs: still running (${seconds(Date.now() - begun)})`),
    10_000,
  );
  try {
    const lines = await browserRuns({
      siteUrl: measuring.url,
      reportsDir,
      chromiumPath: chromium,
      backends,
      onLine: (line) => console.log(`   ${line}`),
    });
    summary.push(...lines);
  } finally {
    clearInterval(ticker);
    await measuring.close();
  }
  const { refreshReports } = await import(
    pathToFileURL(join(root, 'apps', 'docs', 'scripts', 'refresh-reports.mjs')).href
  );
  await refreshReports(site);
  console.log('   the site now serves these reports (data/*.json refreshed, no rebuild)');
  stepDone();
}

step('verdict');
const verdict = await verdictLines();
for (const line of verdict) console.log(line.startsWith('  ') ? line : `\x1b[1m${line}\x1b[0m`);

let server;
try {
  server = await serve(site, port);
} catch {
  server = await serve(site, 0);
}
console.log('');
for (const line of summary) console.log(`  ${line}`);
console.log(
  `\n\x1b[1msoftmax-kit docs: ${server.url}\x1b[0m  (cross-origin isolated; Ctrl-C to stop; ${seconds(Date.now() - started)} to here)\n`,
);
const stop = () => {
  void server.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
