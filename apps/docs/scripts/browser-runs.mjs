#!/usr/bin/env node
/**
 * The browser measurements of `pnpm start`, in headless Chromium against the built site: the
 * conformance suite on ts, wasm and wasm-threads (the conformance page's "Run the suite in my
 * browser", `?run=<backend>`; the tfjs devices run in backend-tfjs's browser project) and the
 * browser benchmark (the playground's "Benchmark in my browser", `?bench=run`: every backend the
 * page offers and a naive JS softmax). Writes reports/conformance/<backend>-browser.json
 * and reports/bench/bench-browser.json; the docs are then rebuilt with them.
 *
 * Usage: node scripts/browser-runs.mjs <site url> <reports dir>   (CHROMIUM_PATH overrides the browser)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

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

/** Opens `path`, waits (at most `timeoutMs`) for the page to put its result on `window[key]`. */
async function resultOf(browser, url, key, timeoutMs) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
    await page.waitForFunction((name) => window[name] !== undefined, key, { timeout: timeoutMs });
    return await page.evaluate((name) => window[name], key);
  } catch (error) {
    throw new Error(
      `${url}: ${error.message.split('\n')[0]}${errors.length ? ` (page errors: ${errors.join('; ')})` : ''}`,
    );
  } finally {
    await page.close();
  }
}

/**
 * Runs the browser conformance of `backends` and the browser benchmark; returns one line per
 * run for the summary. A run that fails or times out is reported, and the others still run.
 */
export async function browserRuns({
  siteUrl,
  reportsDir,
  backends = ['ts', 'wasm', 'wasm-threads'],
  chromiumPath,
  onLine = () => {},
}) {
  const { chromium } = await import('playwright');
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumFlags });
  const summary = [];
  try {
    for (const backend of backends) {
      try {
        const report = await resultOf(
          browser,
          new URL(`conformance.html?run=${backend}`, siteUrl).href,
          'softmaxKitConformance',
          600_000,
        );
        if (report.error) throw new Error(report.error);
        await mkdir(join(reportsDir, 'conformance'), { recursive: true });
        await writeFile(
          join(reportsDir, 'conformance', `${backend}-browser.json`),
          `${JSON.stringify(report, null, 2)}\n`,
        );
        summary.push(
          `browser conformance ${backend}: ${report.status} (${report.summary.pass} passed, ${report.summary.fail} failed, ${report.summary.skip} skipped)`,
        );
      } catch (error) {
        summary.push(`browser conformance ${backend}: NOT RUN (${error.message})`);
      }
      onLine(summary.at(-1));
    }
    try {
      const benchUrl = new URL('playground.html?bench=run', siteUrl).href;
      const report = await resultOf(browser, benchUrl, 'softmaxKitBrowserBench', 600_000);
      report.harness = `${report.harness}, headless Chromium (pnpm start)`;
      await mkdir(join(reportsDir, 'bench'), { recursive: true });
      await writeFile(
        join(reportsDir, 'bench', 'bench-browser.json'),
        `${JSON.stringify(report, null, 2)}\n`,
      );
      const ran = report.subjects
        .filter((subject) => !subject.unavailable)
        .map((subject) => subject.subject);
      summary.push(`browser bench: done (${ran.join(', ')})`);
    } catch (error) {
      summary.push(`browser bench: NOT RUN (${error.message})`);
    }
    onLine(summary.at(-1));
  } finally {
    await browser.close();
  }
  return summary;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [siteUrl, reportsDir] = process.argv.slice(2);
  if (!siteUrl || !reportsDir) {
    console.error('usage: node scripts/browser-runs.mjs <site url> <reports dir>');
    process.exit(2);
  }
  const lines = await browserRuns({
    siteUrl,
    reportsDir,
    chromiumPath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  });
  for (const line of lines) console.log(line);
}
