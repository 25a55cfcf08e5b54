import { existsSync } from 'node:fs';
import { defineLoader } from 'vitepress';
import { type LoadedReports, loadReports, reportsDir } from '../lib/load-reports.js';

declare const data: LoadedReports;

export { data };

/** Build-time loader: the measured reports, embedded into the pages that show them. */
export default defineLoader({
  // Only an existing folder: a glob whose base does not exist makes the watcher scan from `/`.
  watch: existsSync(reportsDir()) ? [`${reportsDir()}/**/*.json`] : [],
  load(): LoadedReports {
    return loadReports();
  },
});
