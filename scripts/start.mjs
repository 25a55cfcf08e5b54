#!/usr/bin/env node
/**
 * `pnpm start` (after `turbo run build`): measure every backend on this machine, build the docs
 * from the fresh reports, and serve them on localhost.
 *
 * 1. `softmax-kit compare --quick` (Node conformance + bench) -> reports/conformance/*.json,
 *    reports/bench/bench.json.
 * 2. Browser conformance of the tfjs devices in headless Chromium (webgl, webgpu, threaded wasm;
 *    the backend-tfjs vitest browser project) -> reports/conformance/tfjs-*-browser.json.
 * 3. The docs build (VitePress) reads reports/; a step that failed leaves its pages "not run yet".
 * 4. In headless Chromium against that site: the conformance suite on `ts` and the browser
 *    benchmark (ts, the tfjs devices, naive JS) -> reports/conformance/ts-browser.json,
 *    reports/bench/bench-browser.json; the docs are rebuilt with them. Without Chromium, steps 2
 *    and 4 are skipped and the docs mark the browser columns "not run".
 * 5. A static server with COOP/COEP headers (threaded wasm), URL printed; Ctrl-C stops it.
 *
 * Flags: --port N (default 4173, else a free one), --skip-measure (reuse the existing reports).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const portFlag = args.indexOf('--port');
const port = portFlag >= 0 ? Number(args[portFlag + 1]) : 4173;
const skipMeasure = args.includes('--skip-measure');
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const summary = [];

function step(title) {
  console.log(`\n\x1b[1m== ${title}\x1b[0m`);
}

/** Runs a command with its output shown live (progress bars included); returns its exit code. */
function run(command, commandArgs, options = {}) {
  console.log(`$ ${command} ${commandArgs.join(' ')}`);
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) console.error(result.error.message);
  return result.status ?? 1;
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
    'tfjs-node: SKIPPED: @tensorflow/tfjs-node is installed but its native binding ' +
    '(tfjs_binding.node, linked against libtensorflow) is missing. Its install script downloads ' +
    'both from the internet, and pnpm 10 runs no dependency install scripts unless allowed ' +
    '(this repository allows only esbuild, so `pnpm install` works offline). To enable it, with ' +
    `internet access, run its install script once:\n    (cd ${packageDir} && node scripts/install.js)\n` +
    '  then `pnpm start` again.'
  );
}

const tfjsNodeSkipped = skipMeasure ? null : tfjsNodeSkipReason();
if (tfjsNodeSkipped) {
  console.log(`\n${tfjsNodeSkipped}`);
  summary.push(tfjsNodeSkipped);
}

if (skipMeasure) {
  summary.push('measurements: skipped (--skip-measure), existing reports/ used');
} else {
  step('1/5 Node: conformance and benchmark of every backend (softmax-kit compare --quick)');
  const cli = join(root, 'packages', 'cli', 'dist', 'bin.js');
  if (!existsSync(cli)) {
    console.error(`${cli} is missing: the CLI was not built (run pnpm build).`);
    summary.push('compare: NOT RUN (CLI not built)');
  } else {
    const status = run(process.execPath, [cli, 'compare', '--quick']);
    // Exit code 1 means a required check failed: the reports are still written and shown.
    summary.push(
      status === 0
        ? 'compare: done'
        : `compare: exited with ${status} (failures are shown in the conformance matrix)`,
    );
  }

  step('2/5 Browser: conformance of the tfjs devices in headless Chromium');
  if (!existsSync(chromium)) {
    console.log(
      `No Chromium at ${chromium}: browser conformance NOT RUN (the docs say so). ` +
        'Install it with `apt-get install -y chromium libvulkan1` (or set CHROMIUM_PATH).',
    );
    summary.push('browser conformance (tfjs devices): NOT RUN (no Chromium)');
  } else {
    const manifest = JSON.parse(
      readFileSync(join(root, 'packages', 'backend-tfjs', 'package.json'), 'utf8'),
    );
    const command = manifest.scripts?.['test:browser']
      ? ['--filter', '@softmax-kit/backend-tfjs', 'run', 'test:browser']
      : ['--filter', '@softmax-kit/backend-tfjs', 'exec', 'vitest', 'run', '--project', 'browser'];
    const status = run('pnpm', command, { env: { ...process.env, CHROMIUM_PATH: chromium } });
    summary.push(
      status === 0
        ? 'browser conformance (tfjs devices): done'
        : `browser conformance (tfjs devices): exited with ${status} (see the output above)`,
    );
  }
}

const site = join(root, 'apps', 'docs', '.vitepress', 'dist');
const { serve } = await import(join(root, 'apps', 'docs', 'scripts', 'serve.mjs'));

/** Builds the docs from reports/; exits when the build fails. */
function buildDocs() {
  const status = run('pnpm', ['--filter', '@softmax-kit/docs', 'run', 'build']);
  if (status !== 0) {
    console.error('The docs build failed; see the output above.');
    process.exit(status);
  }
}

step('3/5 Docs: build with the fresh reports');
buildDocs();

step('4/5 Browser: ts conformance and the browser benchmark in headless Chromium');
if (skipMeasure) {
  console.log('Skipped (--skip-measure).');
} else if (!existsSync(chromium)) {
  console.log(
    `No Chromium at ${chromium}: the browser benchmark and ts-in-browser conformance are NOT RUN.`,
  );
  summary.push('browser bench and ts browser conformance: NOT RUN (no Chromium)');
} else {
  const { browserRuns } = await import(join(root, 'apps', 'docs', 'scripts', 'browser-runs.mjs'));
  const measuring = await serve(site, 0);
  try {
    const lines = await browserRuns({
      siteUrl: measuring.url,
      reportsDir: join(root, 'reports'),
      chromiumPath: chromium,
    });
    for (const line of lines) console.log(line);
    summary.push(...lines);
  } finally {
    await measuring.close();
  }
  step('4/5 Docs: rebuild with the browser reports');
  buildDocs();
}

step('5/5 Serve');
let server;
try {
  server = await serve(site, port);
} catch {
  server = await serve(site, 0);
}
for (const line of summary) console.log(`  ${line}`);
console.log(
  `\n\x1b[1msoftmax-kit docs: ${server.url}\x1b[0m  (cross-origin isolated; Ctrl-C to stop)\n`,
);
const stop = () => {
  void server.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
