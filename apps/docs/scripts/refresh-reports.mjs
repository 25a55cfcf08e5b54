#!/usr/bin/env node
/**
 * Rewrites the measured reports of a built site (`<outDir>/data/*.json` and their `.gz`) from
 * reports/ as they are now, exactly as the build's `buildEnd` does: the pages fetch those files
 * at run time, so after the browser runs of `pnpm start` this replaces a second full build
 * (minutes) with a copy (under a second). The TypeScript helpers are bundled on the fly with
 * esbuild (a dev dependency here), so this runs on plain Node.
 *
 * Usage: node scripts/refresh-reports.mjs [outDir]   (default .vitepress/dist)
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const docs = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Writes every report file into `outDir`; returns the paths written, relative to it. */
export async function refreshReports(outDir = join(docs, '.vitepress', 'dist')) {
  const bundled = join(docs, 'node_modules', '.cache', `report-files-${process.pid}.mjs`);
  await build({
    stdin: {
      contents:
        "export { loadReports } from './.vitepress/lib/load-reports.ts';\n" +
        "export { reportFiles } from './.vitepress/lib/report-files.ts';\n",
      resolveDir: docs,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    // Packages (@softmax-kit/cli/verdict) load from node_modules; load-reports.ts finds the
    // repository root from its own path, so it is given the path it has in the source tree.
    packages: 'external',
    define: {
      'import.meta.url': JSON.stringify(
        pathToFileURL(join(docs, '.vitepress', 'lib', 'x.ts')).href,
      ),
    },
    outfile: bundled,
    logLevel: 'error',
  });
  try {
    const { loadReports, reportFiles } = await import(pathToFileURL(bundled).href);
    const written = [];
    for (const [path, text] of Object.entries(reportFiles(loadReports()))) {
      const file = join(outDir, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, text);
      await writeFile(`${file}.gz`, gzipSync(text, { level: 9 }));
      written.push(path);
    }
    return written;
  } finally {
    await rm(bundled, { force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const written = await refreshReports(process.argv[2] ? resolve(process.argv[2]) : undefined);
  console.log(`reports refreshed: ${written.join(', ')}`);
}
