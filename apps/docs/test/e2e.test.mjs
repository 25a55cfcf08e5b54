/**
 * The docs site in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).
 *
 * The site is built from the hand-made FIXTURE reports in test/fixtures/reports (not from the
 * repo-root reports/), so what the matrix and charts must show is known: one matrix column per
 * fixture conformance report, one chart point per fixture bench result. Screenshots of every page
 * go to <repo>/artifacts/screenshots/. Without Chromium the suite is skipped with the fix.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { serve } from '../scripts/serve.mjs';

const docsRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(docsRoot, '../..');
const fixtures = join(docsRoot, 'test', 'fixtures', 'reports');
// Inside .vitepress/cache: ignored by git and biome, apart from the real site in .vitepress/dist.
const outDir = join(docsRoot, '.vitepress', 'cache', 'e2e-site');
// The same site built with no reports at all, as on a fresh clone before `pnpm compare`.
const emptyOutDir = join(docsRoot, '.vitepress', 'cache', 'e2e-site-no-reports');
const missingReports = join(docsRoot, '.vitepress', 'cache', 'no-reports-here');
const screenshots = join(repoRoot, 'artifacts', 'screenshots');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--enable-unsafe-webgpu',
];
const skip = existsSync(chromiumPath)
  ? false
  : `no Chromium at ${chromiumPath}; install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH) to run the docs browser tests`;
if (skip) console.log(`docs e2e skipped: ${skip}`);

const pages = [
  ['home', '/'],
  ['getting-started', '/guide/getting-started.html'],
  ['contract', '/guide/contract.html'],
  ['spec', '/guide/spec.html'],
  ['writing-a-backend', '/guide/writing-a-backend.html'],
  ['conformance-in-ci', '/guide/conformance-in-ci.html'],
  ['api', '/api/'],
  ['api-core', '/api/core.html'],
  ['choose-backend', '/choose-backend.html'],
  ['conformance', '/conformance.html'],
  ['speed', '/speed.html'],
  ['playground', '/playground.html'],
];

describe('the docs site in headless Chromium', { skip }, () => {
  let server;
  let emptyServer;
  let browser;
  /** Console errors and uncaught exceptions per page name. */
  const problems = new Map();

  async function open(name, path, base = server.url) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const seen = [];
    problems.set(name, seen);
    page.on('console', (message) => {
      if (message.type() === 'error') seen.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => seen.push(`exception: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400) seen.push(`HTTP ${response.status()}: ${response.url()}`);
    });
    await page.goto(new URL(path, base).href, { waitUntil: 'networkidle' });
    return page;
  }

  before(async () => {
    rmSync(missingReports, { recursive: true, force: true });
    const vitepress = 'node_modules/vitepress/bin/vitepress.js';
    for (const [args, reports] of [
      [['scripts/gen-api.mjs'], fixtures],
      [[vitepress, 'build', '--outDir', outDir], fixtures],
      [[vitepress, 'build', '--outDir', emptyOutDir], missingReports],
    ]) {
      const env = { ...process.env, SOFTMAX_KIT_REPORTS_DIR: reports };
      // A build that hangs (it once did, when the reports folder was missing) fails here.
      const result = spawnSync('node', args, {
        cwd: docsRoot,
        env,
        encoding: 'utf8',
        timeout: 180_000,
      });
      assert.equal(
        result.status,
        0,
        `${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`,
      );
    }
    server = await serve(outDir, 0);
    emptyServer = await serve(emptyOutDir, 0);
    const { chromium } = await import('playwright');
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumFlags });
    mkdirSync(screenshots, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await emptyServer?.close();
  });

  test('every page renders its title and content with no console errors', async () => {
    for (const [name, path] of pages) {
      const page = await open(name, path);
      await page.locator('.VPContent h1, .VPHero .name').first().waitFor({ timeout: 15_000 });
      if (name === 'contract') {
        await page.waitForFunction(
          () =>
            !document
              .querySelector('[data-testid="worked-examples"]')
              ?.textContent?.includes('computing'),
          null,
          { timeout: 15_000 },
        );
      }
      if (name === 'conformance') {
        await page.waitForFunction(
          () =>
            !document.querySelector('[data-testid="raw-peers"]')?.textContent?.includes('running'),
          null,
          { timeout: 90_000 },
        );
      }
      await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
      await page.close();
    }
    const failures = pages.flatMap(([name, path]) =>
      problems.get(name).map((problem) => `${path}: ${problem}`),
    );
    assert.deepEqual(failures, [], 'pages logged errors');
  });

  test('the worked examples are computed by the library and agree with SPEC', async () => {
    const page = await open('contract-check', '/guide/contract.html');
    await page.getByTestId('worked-0').filter({ hasText: '0.659001' }).waitFor({ timeout: 15_000 });
    assert.equal(await page.getByTestId('worked-5').textContent(), '[0, 0.5, 0.5]');
    assert.equal(await page.getByText('✗ differs').count(), 0);
    await page.close();
  });

  test('the conformance matrix has a column for every backend with a report', async () => {
    const page = await open('conformance-check', '/conformance.html');
    const expected = readdirSync(join(fixtures, 'conformance'))
      .filter((file) => file.endsWith('.json'))
      .map((file) => file.slice(0, -5))
      .sort();
    const columns = await page
      .getByTestId('matrix-column')
      .evaluateAll((cells) => cells.map((cell) => cell.dataset.report));
    assert.deepEqual([...columns].sort(), expected);
    // Node columns come before browser columns; the browser one is under "Browser (Chromium)".
    assert.equal(columns.at(-1), 'tfjs-webgl-browser');
    // The fixture's failing case shows as a failure with its error and bound.
    await page.getByText('Expand all checks').click();
    const failing = page.locator('td.fail', { hasText: '✗' });
    assert.ok((await failing.count()) >= 1, 'a failing cell is shown');
    // Raw tf.softmax on cpu returns NaN for the largest float32 pair; softmax-kit returns [0, 1].
    assert.equal(await page.getByTestId('peer-0-0').textContent(), '[0, 1]');
    await page.close();
  });

  test('the speed page draws one point per measured result and says what was not run', async () => {
    const page = await open('speed-check', '/speed.html');
    const bench = JSON.parse(readFileSync(join(fixtures, 'bench', 'bench.json'), 'utf8'));
    const measured = bench.results.filter((result) => !result.skipped).length;
    assert.equal(await page.locator('[data-testid="chart"] circle.point').count(), measured);
    assert.ok((await page.getByTestId('bar-chart').count()) >= 2, 'cold start and per-call charts');
    assert.match(await page.getByTestId('env-stamp').first().textContent(), /FIXTURE CPU/);
    assert.equal(
      await page.getByTestId('not-run').count(),
      1,
      'no browser bench fixture: marked not run',
    );
    await page.close();
  });

  test('the playground computes SPEC examples on ts and every tfjs device', async () => {
    const page = await open('playground-check', '/playground.html');
    const backends = ['ts', 'tfjs-cpu', 'tfjs-wasm', 'tfjs-webgl', 'tfjs-webgpu'];
    const values = async () => {
      const all = {};
      for (const backend of backends) {
        const first = page.getByTestId(`prob-${backend}-0`);
        await first.waitFor({ timeout: 60_000 }).catch(async () => {
          const error = await page
            .getByTestId(`error-${backend}`)
            .textContent()
            .catch(() => 'no result');
          assert.fail(`${backend}: ${error}`);
        });
        all[backend] = await page
          .locator(`[data-testid^="prob-${backend}-"]`)
          .evaluateAll((cells) => cells.map((cell) => Number(cell.dataset.value)));
      }
      return all;
    };
    await page.getByTestId('logits').fill('2, 1, 0.1');
    // SPEC's values to 6 digits; float32 devices may differ by a few float32 ulps (2^-24 relative).
    const spec = [0.659001, 0.242433, 0.098566];
    for (const [backend, probabilities] of Object.entries(await values())) {
      for (const [entry, expected] of spec.entries()) {
        assert.ok(
          Math.abs(probabilities[entry] - expected) <= 5e-7 + 4 * 2 ** -24,
          `${backend}[${entry}] = ${probabilities[entry]}`,
        );
      }
    }
    await page.screenshot({
      path: join(screenshots, 'playground-spec-example.png'),
      fullPage: true,
    });
    await page.getByTestId('t-zero').click();
    assert.equal(await page.getByTestId('temperature').inputValue(), '0');
    await page.getByTestId('logits').fill('2, 5, 5');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="prob-ts-1"]')?.textContent === '0.5',
    );
    for (const [backend, probabilities] of Object.entries(await values())) {
      assert.deepEqual(probabilities, [0, 0.5, 0.5], backend);
    }
    await page.getByTestId('t-infinity').click();
    assert.equal(await page.getByTestId('temperature').inputValue(), 'Infinity');
    // "Benchmark in my browser" with ts only: progress, then one chart point per size for ts and
    // for the naive JS peer.
    for (const backend of backends.slice(1)) await page.getByTestId(`pick-${backend}`).uncheck();
    await page.getByTestId('bench-button').click();
    await page.getByTestId('bench-progress').waitFor();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="bench-progress"]')?.textContent?.includes('done'),
      null,
      { timeout: 60_000 },
    );
    const sizes = 5;
    assert.equal(await page.locator('[data-testid="chart"] circle.point').count(), 2 * sizes);
    await page.screenshot({ path: join(screenshots, 'playground-benchmark.png'), fullPage: true });
    await page.close();
    assert.deepEqual(problems.get('playground-check'), []);
  });

  test('without any report the data pages build, render and say what was not run yet', async () => {
    for (const [name, path, notRun] of [
      ['choose-backend-no-reports', '/choose-backend.html', 1],
      ['conformance-no-reports', '/conformance.html', 2],
      ['speed-no-reports', '/speed.html', 2],
    ]) {
      const page = await open(name, path, emptyServer.url);
      assert.equal(await page.getByTestId('not-run').count(), notRun, path);
      assert.match(
        await page.getByTestId('not-run').first().textContent(),
        /pnpm (compare|start)|Playground/,
      );
      await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
      await page.close();
      assert.deepEqual(problems.get(name), [], `${path} logged errors`);
    }
  });
});
