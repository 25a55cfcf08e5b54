import { defineLoader } from 'vitepress';
import { type LoadedReports, loadReports, reportsDir } from '../lib/load-reports.js';

declare const data: LoadedReports;

export { data };

/** Build-time loader: the measured reports, embedded into the pages that show them. */
export default defineLoader({
  watch: [`${reportsDir()}/**/*.json`],
  load(): LoadedReports {
    return loadReports();
  },
});
