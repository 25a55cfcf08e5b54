import { defineLoader } from 'vitepress';
import { type BundleSizes, measureBundles } from '../lib/measure-bundles.js';

declare const data: BundleSizes;

export { data };

/** Build-time loader: min+gzip size of each backend choice, measured with esbuild. */
export default defineLoader({
  async load(): Promise<BundleSizes> {
    return measureBundles();
  },
});
