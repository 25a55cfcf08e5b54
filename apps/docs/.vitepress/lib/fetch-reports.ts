/**
 * Browser side of report-files.ts: a page fetches the report files it shows, once per page
 * load, after it has mounted (the server-rendered HTML says "loading").
 */

import { withBase } from 'vitepress';
import { onMounted, type Ref, shallowRef } from 'vue';
import { REPORT_FILES, type ReportFile, type ReportFileContents } from './report-files.js';

const cache = new Map<ReportFile, Promise<unknown>>();

/** Fetches one report file (cached for the page's life); rejects with the HTTP status. */
export function fetchReportFile<File extends ReportFile>(
  file: File,
): Promise<ReportFileContents[File]> {
  let promise = cache.get(file);
  if (!promise) {
    promise = fetch(withBase(`/${REPORT_FILES[file]}`)).then((response) => {
      if (!response.ok) throw new Error(`${REPORT_FILES[file]}: HTTP ${response.status}`);
      return response.json();
    });
    cache.set(file, promise);
    promise.catch(() => cache.delete(file));
  }
  return promise as Promise<ReportFileContents[File]>;
}

export interface ReportState<Value> {
  /** `loading` until every file arrived; `error` with the message when one could not be read. */
  status: 'loading' | 'ready' | 'error';
  value: Value | null;
  error?: string;
}

/** A component's view of several report files, fetched on mount. */
export function useReportFiles<const Files extends readonly ReportFile[]>(
  files: Files,
): Ref<ReportState<{ [Index in keyof Files]: ReportFileContents[Files[Index]] }>> {
  type Values = { [Index in keyof Files]: ReportFileContents[Files[Index]] };
  const state = shallowRef<ReportState<Values>>({ status: 'loading', value: null });
  onMounted(async () => {
    try {
      const values = await Promise.all(files.map((file) => fetchReportFile(file)));
      state.value = { status: 'ready', value: values as unknown as Values };
    } catch (error) {
      state.value = { status: 'error', value: null, error: (error as Error).message };
    }
  });
  return state;
}
