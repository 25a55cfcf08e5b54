/**
 * The docs site in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).
 *
 * The site is built from the hand-made FIXTURE reports in test/fixtures/reports (not from the
 * repo-root reports/), so what the pages must show is known: the verdict on top of "Choose a
 * backend", one matrix column per fixture conformance report, one chart panel per batch size and
 * one point per fixture bench result. Pages are checked at desktop (1280 px) and phone (390 px)
 * widths; screenshots go to <repo>/artifacts/screenshots/. Without Chromium the suite is skipped
 * with the fix.
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
// Limits. The file's own (package.json: --test-timeout=900000) covers the three builds in
// before() (2-5 minutes each on a busy 2-core machine: one CI run hit the old 300 s with every
// page test passed) plus the pages; each page test has its own, so a hang is still caught there.
const PAGE_LIMIT = { timeout: 180_000 };
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
  ['cli', '/guide/cli.html'],
  ['api', '/api/'],
  ['api-core', '/api/@softmax-kit/core/'],
  ['api-conformance-vitest', '/api/@softmax-kit/conformance/vitest/'],
  ['choose-backend', '/choose-backend.html'],
  ['conformance', '/conformance.html'],
  ['speed', '/speed.html'],
  ['goals', '/goals.html'],
  ['playground', '/playground.html'],
];

/**
 * What overflows at the page's width: the page itself scrolling sideways, and elements whose
 * content is cut (overflow hidden/clip with more content than box) or that stick out past the
 * viewport outside a scrolling container (a wide table inside `overflow-x: auto` is fine).
 */
function overflowProblems() {
  const problems = [];
  const viewport = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > viewport) {
    problems.push(`page is ${document.documentElement.scrollWidth} px wide`);
  }
  const scrolls = (element) => {
    for (let node = element.parentElement; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (['auto', 'scroll'].includes(style.overflowX)) return true;
    }
    return false;
  };
  const describe = (element) =>
    `${element.tagName.toLowerCase()}${element.dataset.testid ? `[data-testid=${element.dataset.testid}]` : element.className && typeof element.className === 'string' ? `.${element.className.split(' ')[0]}` : ''} "${(element.textContent ?? '').trim().slice(0, 40)}"`;
  for (const element of document.querySelectorAll('.VPContent *')) {
    const style = getComputedStyle(element);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const box = element.getBoundingClientRect();
    // Zero-size boxes, and 1 px screen-reader-only text (VitePress's `.visually-hidden`), are
    // hidden on purpose.
    if (box.width <= 1 || box.height <= 1) continue;
    const cuts = ['hidden', 'clip'].includes(style.overflowX) || style.textOverflow === 'ellipsis';
    if (cuts && element.scrollWidth > element.clientWidth + 1 && element.tagName !== 'svg') {
      problems.push(
        `${describe(element)} is cut: ${element.scrollWidth} px of content in ${element.clientWidth} px`,
      );
    }
    if (box.right > viewport + 1 && !scrolls(element)) {
      problems.push(
        `${describe(element)} reaches ${Math.round(box.right)} px past a ${viewport} px viewport`,
      );
    }
  }
  return [...new Set(problems)].slice(0, 10);
}

describe('the docs site in headless Chromium', { skip }, () => {
  let server;
  let emptyServer;
  let browser;
  /** Console errors and uncaught exceptions per page name. */
  const problems = new Map();

  async function open(name, path, base = server.url, viewport = { width: 1280, height: 900 }) {
    const page = await browser.newPage({ viewport });
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

  /** Waits until the components that fetch reports have rendered them. */
  async function reportsLoaded(page) {
    await page.waitForFunction(() => !document.querySelector('.loading'), null, {
      timeout: 15_000,
    });
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
        // A build takes 2-5 minutes on a busy 2-core machine (four and a half measured at load 11).
        timeout: 600_000,
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

  test('every page renders its title and content with no console errors', PAGE_LIMIT, async () => {
    for (const [name, path] of pages) {
      const page = await open(name, path);
      await page.locator('.VPContent h1, .VPHero .name').first().waitFor({ timeout: 15_000 });
      await reportsLoaded(page);
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

  test(
    'the API reference has every entry point of every package, with linked types',
    PAGE_LIMIT,
    async () => {
      const page = await open('api-check', '/api/');
      const links = await page
        .locator('.VPContent a')
        .evaluateAll((anchors) => anchors.map((anchor) => anchor.textContent?.trim()));
      for (const entry of [
        '@softmax-kit/core',
        '@softmax-kit/backend-ts',
        '@softmax-kit/backend-tfjs',
        '@softmax-kit/backend-tfjs-node',
        '@softmax-kit/conformance',
        '@softmax-kit/conformance/vitest',
        '@softmax-kit/conformance/node',
        '@softmax-kit/cli',
      ]) {
        assert.ok(links.includes(entry), `${entry} is listed`);
      }
      // createSoftmax's signature links to the Backend interface of the same package.
      await page.goto(
        new URL('/api/@softmax-kit/core/functions/createSoftmax.html', server.url).href,
      );
      assert.ok(
        (await page.locator('.VPContent a[href*="interfaces/Backend"]').count()) >= 1,
        'Backend is a link',
      );
      // The CLI reference is generated from the CLI's help: one section per command.
      await page.goto(new URL('/guide/cli.html', server.url).href);
      const sections = await page.locator('.VPContent h2').allTextContents();
      for (const command of ['eval', 'conformance', 'bench', 'compare']) {
        assert.ok(
          sections.some((text) => text.includes(command)),
          `CLI section ${command} (the page is generated from the built CLI: pnpm build first): ${sections}`,
        );
      }
      await page.close();
    },
  );

  test(
    'the worked examples are computed by the library and agree with SPEC',
    PAGE_LIMIT,
    async () => {
      const page = await open('contract-check', '/guide/contract.html');
      await page
        .getByTestId('worked-0')
        .filter({ hasText: '0.659001' })
        .waitFor({ timeout: 15_000 });
      assert.equal(await page.getByTestId('worked-5').textContent(), '[0, 0.5, 0.5]');
      assert.equal(await page.getByText('✗ differs').count(), 0);
      await page.close();
    },
  );

  test(
    '"Choose a backend" puts the verdict on top, per runtime and size, from the reports',
    PAGE_LIMIT,
    async () => {
      const page = await open('choose-check', '/choose-backend.html');
      await reportsLoaded(page);
      const verdict = page.getByTestId('verdict');
      const table = page.getByTestId('backend-table');
      // The answer comes before the table, and starts within the first screen.
      const [verdictBox, tableBox] = [await verdict.boundingBox(), await table.boundingBox()];
      assert.ok(verdictBox.y < 900 && verdictBox.y < tableBox.y, 'verdict on top');
      // One sentence per runtime, naming the call that creates the backend; the rule is written out.
      assert.match(
        await page.getByTestId('verdict-sentence-node').textContent(),
        /^\s*Node: tsBackend\(\)/,
      );
      assert.match(
        await page.getByTestId('verdict-sentence-browser').textContent(),
        /Browser: no benchmark yet; use tsBackend\(\), the default/,
      );
      assert.match(await page.getByTestId('decision-rule').textContent(), /measured spread/);
      // The fixture bench is a --quick run: the verdict says so.
      assert.match(await verdict.textContent(), /quick run/);
      // One row per fixture size; every pick passes conformance in Node (fixture: ts, tfjs-cpu).
      const bench = JSON.parse(readFileSync(join(fixtures, 'bench', 'bench.json'), 'utf8'));
      const picks = await page
        .locator('[data-testid="verdict-node"] tbody tr')
        .evaluateAll((rows) => rows.map((row) => [row.dataset.size, row.dataset.pick]));
      assert.equal(picks.length, new Set(bench.results.map((result) => result.size)).size);
      for (const [size, pick] of picks)
        assert.ok(['ts', 'tfjs-cpu'].includes(pick), `${size}: ${pick}`);
      // Backends in a meaningful order, the default first; one with no report says so.
      const backends = await table
        .locator('tbody tr')
        .evaluateAll((rows) => rows.map((row) => row.dataset.backend));
      assert.equal(backends[0], 'ts');
      assert.ok(backends.includes('wasm'), 'a known backend without a report is listed');
      assert.match(await table.locator('tr[data-backend="wasm"]').textContent(), /not measured/);
      assert.match(await table.locator('tr[data-backend="tfjs-wasm"]').textContent(), /fails/);
      // The peers table: each library's own checks, NaN marked, install size in words.
      const peers = page.getByTestId('peer-table');
      assert.match(
        await peers.locator('tr[data-subject="peer:onnxruntime-node"]').textContent(),
        /NaN.*MB.*native addon/s,
      );
      await page.close();
    },
  );

  test(
    'the conformance matrix has a column for every backend with a report',
    PAGE_LIMIT,
    async () => {
      const page = await open('conformance-check', '/conformance.html');
      await reportsLoaded(page);
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
    },
  );

  test(
    'the conformance suite runs on ts in the browser (?run=ts, as pnpm start uses it)',
    PAGE_LIMIT,
    async () => {
      const page = await open('browser-conformance', '/conformance.html?run=ts');
      const verdict = page.getByTestId('browser-conformance-verdict');
      await verdict.waitFor({ timeout: 120_000 });
      assert.match(await verdict.textContent(), /ts in this browser: pass \(\d+ passed, 0 failed/);
      const report = await page.evaluate(() => window.softmaxKitConformance);
      assert.equal(report.environment.runtime, 'browser');
      assert.equal(report.backend, 'ts');
      await page.close();
      assert.deepEqual(problems.get('browser-conformance'), []);
    },
  );

  test(
    'the speed page draws one panel per batch size and one point per measured result',
    PAGE_LIMIT,
    async () => {
      const page = await open('speed-check', '/speed.html');
      await reportsLoaded(page);
      const bench = JSON.parse(readFileSync(join(fixtures, 'bench', 'bench.json'), 'utf8'));
      const measured = bench.results.filter((result) => !result.skipped);
      // Charted: backends and peers, each family in a chart of its own (the copy baseline is in
      // the numbers table only). The fixture has backends (ours) and peers.
      const charted = measured.filter((result) => result.kind !== 'baseline');
      const batchSizes = [...new Set(charted.map((result) => result.rows))].sort((a, b) => a - b);
      const panels = page.getByTestId('speed-panel');
      await page.locator('[data-testid="speed-panel"] svg').first().waitFor({ timeout: 15_000 });
      assert.equal(await page.getByTestId('speed-chart').count(), 2, 'ours and peers apart');
      assert.deepEqual(
        await panels.evaluateAll((items) => items.map((item) => Number(item.dataset.rows))),
        [...batchSizes, ...batchSizes],
      );
      // Plot draws one dot per result, and each panel's x ticks are its row lengths with k = 1024.
      assert.equal(
        await page.locator('[data-testid="speed-panel"] g[aria-label="dot"] circle').count(),
        charted.length,
      );
      // Every line is named at its end (direct labels), peers without their `peer:` prefix.
      const labels = await page
        .locator('[data-testid="speed-panel"] g[aria-label="text"] text')
        .allTextContents();
      for (const name of ['ts', 'tfjs-cpu', 'onnxruntime-node', 'naive-js']) {
        assert.ok(labels.includes(name), `${name} labelled: ${labels.join(', ')}`);
      }
      // No panel holds more than 6 lines.
      const linesPerPanel = await panels.evaluateAll((items) =>
        items.map((item) => item.querySelectorAll('g[aria-label="text"] text').length),
      );
      assert.ok(Math.max(...linesPerPanel) <= 6, `lines per panel: ${linesPerPanel.join(', ')}`);
      const ticks = await panels
        .first()
        .locator('g[aria-label="x-axis tick label"] text')
        .allTextContents();
      assert.deepEqual(ticks, ['10', '1k', '32k', '128k', '1M']);
      // A tooltip on hover: one fact per line, no stray spaces.
      const dot = page.locator('[data-testid="speed-panel"] g[aria-label="dot"] circle').first();
      const box = await dot.boundingBox();
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      const tip = page.locator('[data-testid="speed-panel"] g[aria-label="tip"] text').first();
      await tip.waitFor({ timeout: 5_000 });
      // (Plot starts each line with a zero-width space, U+200B.)
      const lines = (await tip.locator('tspan').allTextContents()).map((line) =>
        line.replace(/\u200b/g, ''),
      );
      assert.ok(
        lines.some((line) => /ns\/element \(p10 [\d.]+, p90 [\d.]+\)$/.test(line)),
        lines.join('|'),
      );
      for (const line of lines) assert.equal(line, line.trim().replace(/ {2,}/g, ' '), `"${line}"`);
      // Linear bar charts for cold start and per-call cost; goals of a quick run are indicative.
      assert.equal(await page.getByTestId('bar-chart').count(), 2);
      assert.equal(
        (await page.locator('[data-testid="bar-chart"] g[aria-label="bar"] rect').count()) > 0,
        true,
      );
      // The goals are on a page of their own; a quick run's goals are indicative there.
      assert.equal(await page.getByTestId('goals').count(), 0);
      assert.match(await page.getByTestId('env-stamp').first().textContent(), /FIXTURE CPU/);
      assert.equal(
        await page.getByTestId('not-run').count(),
        1,
        'no browser bench fixture: marked not run',
      );
      await page.close();
      const goals = await open('goals-check', '/goals.html');
      await reportsLoaded(goals);
      assert.match(await goals.getByTestId('goals-summary').first().textContent(), /quick run/);
      assert.doesNotMatch(
        await goals.getByTestId('goals').first().textContent(),
        /\b(met|missed)\b/,
      );
      await goals.close();
    },
  );

  test(
    'the playground computes SPEC examples on ts and every tfjs device',
    PAGE_LIMIT,
    async () => {
      const page = await open('playground-check', '/playground.html');
      const backends = ['ts', 'tfjs-cpu', 'tfjs-wasm', 'tfjs-webgl', 'tfjs-webgpu'];
      const values = async () => {
        const all = {};
        for (const backend of backends) {
          const first = page.getByTestId(`prob-${backend}-0`);
          await first.waitFor({ timeout: 60_000 }).catch(async () => {
            const error = await page
              .getByTestId('error')
              .allTextContents()
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
      await page.close();
      assert.deepEqual(problems.get('playground-check'), []);
    },
  );

  test(
    'the playground says once that T = -1 or abc is invalid, and keeps the slider',
    PAGE_LIMIT,
    async () => {
      const page = await open('playground-invalid', '/playground.html');
      await page.getByTestId('prob-ts-0').waitFor({ timeout: 30_000 });
      const slider = await page.getByTestId('t-slider').inputValue();
      for (const text of ['-1', 'abc']) {
        await page.getByTestId('temperature').fill(text);
        await page.getByTestId('temperature').press('Enter');
        const message = page.getByTestId('t-invalid');
        await message.waitFor({ timeout: 5_000 });
        assert.match(
          await message.textContent(),
          text === '-1' ? /T = -1 is invalid/ : /"abc" is not a temperature/,
        );
        assert.equal(await page.getByTestId('t-invalid').count(), 1);
        // One message, not one error per backend, and the slider has not jumped to the T = 0 stop.
        assert.equal(await page.getByTestId('error').count(), 0);
        assert.equal(await page.getByTestId('t-slider').inputValue(), slider);
      }
      await page.getByTestId('temperature').fill('1');
      await page.getByTestId('prob-ts-0').waitFor({ timeout: 10_000 });
      assert.equal(await page.getByTestId('t-invalid').count(), 0);
      // An error the library raises for every backend is shown once for all of them.
      await page.getByTestId('logits').fill('1, NaN');
      await page.getByTestId('error').first().waitFor({ timeout: 60_000 });
      await page.waitForFunction(
        () => !document.querySelector('[data-testid="results"]')?.textContent?.includes('loading'),
        null,
        { timeout: 60_000 },
      );
      const errors = await page.getByTestId('error').allTextContents();
      assert.equal(errors.length, 1, errors.join('\n'));
      assert.match(errors[0], /every backend.*NAN_INPUT/s);
      await page.close();
      assert.deepEqual(problems.get('playground-invalid'), []);
    },
  );

  test(
    'the playground keeps its setup in the URL, and a shared URL restores it',
    PAGE_LIMIT,
    async () => {
      const page = await open('playground-url', '/playground.html');
      await page.getByTestId('prob-ts-0').waitFor({ timeout: 30_000 });
      await page.getByTestId('logits').fill('3, 1, -inf');
      await page.getByTestId('temperature').fill('0.5');
      await page.getByTestId('operation').selectOption('logSoftmax');
      await page.getByTestId('dtype').selectOption('float32');
      for (const backend of ['wasm', 'wasm-threads', 'tfjs-webgl', 'tfjs-webgpu', 'tfjs-wasm']) {
        await page.getByTestId(`pick-${backend}`).uncheck();
      }
      await page.waitForFunction(() => window.location.search.includes('backends='));
      const shared = page.url();
      const url = new URL(shared);
      assert.equal(url.searchParams.get('logits'), '3, 1, -inf');
      assert.equal(url.searchParams.get('t'), '0.5');
      assert.equal(url.searchParams.get('backends'), 'ts,tfjs-cpu');
      await page.close();
      const again = await open('playground-url-again', shared.slice(server.url.length));
      await again.getByTestId('prob-ts-0').waitFor({ timeout: 30_000 });
      assert.equal(await again.getByTestId('logits').inputValue(), '3, 1, -inf');
      assert.equal(await again.getByTestId('temperature').inputValue(), '0.5');
      assert.equal(await again.getByTestId('operation').inputValue(), 'logSoftmax');
      assert.equal(await again.getByTestId('dtype').inputValue(), 'float32');
      assert.equal(await again.getByTestId('pick-tfjs-webgl').isChecked(), false);
      assert.equal(await again.getByTestId('pick-tfjs-cpu').isChecked(), true);
      // logSoftmax([3, 1, -inf] / 0.5) on float32: the first entry is -log1p(exp(-4)).
      const first = Number(await again.getByTestId('prob-ts-0').getAttribute('data-value'));
      assert.ok(Math.abs(first - -Math.log1p(Math.exp(-4))) <= 8 * 2 ** -24, String(first));
      // "Benchmark in my browser" with ts only: progress, then a Plot panel per batch size with a
      // point per size for ts and for the naive JS peer.
      await again.getByTestId('pick-tfjs-cpu').uncheck();
      await again.getByTestId('bench-button').click();
      await again.getByTestId('bench-progress').waitFor();
      await again.waitForFunction(
        () =>
          document.querySelector('[data-testid="bench-progress"]')?.textContent?.includes('done'),
        null,
        { timeout: 60_000 },
      );
      await again.locator('[data-testid="speed-panel"] svg').first().waitFor({ timeout: 10_000 });
      assert.equal(
        await again.getByTestId('speed-panel').count(),
        2,
        'panels for 1 row and 32 rows',
      );
      const sizes = 5;
      assert.equal(
        await again.locator('[data-testid="speed-panel"] g[aria-label="dot"] circle').count(),
        2 * sizes,
      );
      assert.ok(await again.getByTestId('bench-explain').isVisible());
      await again.screenshot({
        path: join(screenshots, 'playground-benchmark.png'),
        fullPage: true,
      });
      await again.close();
      assert.deepEqual(problems.get('playground-url-again'), []);
    },
  );

  test(
    'nothing overflows or is cut at 390 px (phone) or 1280 px (laptop); screenshots of both',
    PAGE_LIMIT,
    async () => {
      const failures = [];
      for (const [width, height] of [
        [390, 844],
        [1280, 900],
      ]) {
        for (const [name, path] of [
          ['home', '/'],
          ['getting-started', '/guide/getting-started.html'],
          ['choose-backend', '/choose-backend.html'],
          ['speed', '/speed.html'],
          ['goals', '/goals.html'],
          ['conformance', '/conformance.html'],
          ['playground', '/playground.html'],
          ['cli', '/guide/cli.html'],
          ['api-core', '/api/@softmax-kit/core/functions/createSoftmax.html'],
        ]) {
          const page = await open(`${name}-${width}`, path, server.url, { width, height });
          await reportsLoaded(page);
          if (name === 'speed')
            await page.locator('[data-testid="speed-panel"] svg').first().waitFor();
          if (name === 'playground')
            await page.getByTestId('prob-ts-0').waitFor({ timeout: 60_000 });
          for (const problem of await page.evaluate(overflowProblems)) {
            failures.push(`${path} at ${width} px: ${problem}`);
          }
          if (name === 'playground') {
            // Every number in the results grid is shown whole: none cut by its cell.
            const cut = await page.locator('[data-testid^="prob-"]').evaluateAll((cells) =>
              cells
                .filter((cell) => {
                  const box = cell.getBoundingClientRect();
                  const parent = cell.parentElement.getBoundingClientRect();
                  return cell.scrollWidth > cell.clientWidth + 1 || box.right > parent.right + 1;
                })
                .map((cell) => `${cell.dataset.testid} "${cell.textContent}"`),
            );
            for (const item of cut) failures.push(`${path} at ${width} px: ${item} is cut`);
          }
          await page.screenshot({
            path: join(screenshots, `${name}-${width}.png`),
            fullPage: true,
          });
          await page.close();
        }
      }
      assert.deepEqual(failures, []);
    },
  );

  test(
    'without any report the data pages build, render and say what was not run yet',
    PAGE_LIMIT,
    async () => {
      for (const [name, path, notRun] of [
        ['choose-backend-no-reports', '/choose-backend.html', 2],
        ['conformance-no-reports', '/conformance.html', 2],
        ['speed-no-reports', '/speed.html', 2],
      ]) {
        const page = await open(name, path, emptyServer.url);
        await reportsLoaded(page);
        assert.equal(await page.getByTestId('not-run').count(), notRun, path);
        assert.match(
          await page.getByTestId('not-run').first().textContent(),
          /pnpm (compare|start)|Playground/,
        );
        await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
        await page.close();
        assert.deepEqual(problems.get(name), [], `${path} logged errors`);
      }
      // With no report the verdict is still there: the default.
      const page = await open(
        'choose-backend-no-reports-verdict',
        '/choose-backend.html',
        emptyServer.url,
      );
      await reportsLoaded(page);
      assert.match(
        await page.getByTestId('verdict').textContent(),
        /use tsBackend\(\), the default/,
      );
      await page.close();
    },
  );
});
