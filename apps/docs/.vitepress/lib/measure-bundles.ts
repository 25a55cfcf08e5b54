import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const docsRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');

export interface BundleSize {
  id: string;
  /** What a user ships for this choice. */
  label: string;
  /** Minified bytes, or null when it could not be bundled. */
  minBytes: number | null;
  /** gzip (level 9) of the minified bytes. */
  gzipBytes: number | null;
  /** Why it was not measured (package not built or not installed). */
  error?: string;
}

export interface BundleSizes {
  tool: string;
  measuredAt: string;
  sizes: BundleSize[];
  /** Extra files fetched at run time, measured the same way (gzip). */
  assets: BundleSize[];
}

interface Target {
  id: string;
  label: string;
  code: string;
  external?: string[];
}

const tfjsCore = "export * from '@tensorflow/tfjs-core';";

/**
 * Bundle targets: what an application imports for each backend choice. The @softmax-kit packages
 * resolve to their built `dist` (what npm users get), so the packages must be built first
 * (`turbo run build` does it before the docs build).
 */
const targets: Target[] = [
  {
    id: 'ts',
    label: '@softmax-kit/core + @softmax-kit/backend-ts',
    code: "export { createSoftmax } from '@softmax-kit/core'; export { tsBackend } from '@softmax-kit/backend-ts';",
  },
  {
    id: 'wasm',
    label: '@softmax-kit/core + @softmax-kit/backend-wasm',
    code: "export { createSoftmax } from '@softmax-kit/core'; export { wasmBackend } from '@softmax-kit/backend-wasm';",
  },
  {
    id: 'tfjs-adapter',
    label: '@softmax-kit/core + @softmax-kit/backend-tfjs (TensorFlow.js itself not counted)',
    code: "export { createSoftmax } from '@softmax-kit/core'; export { tfjsBackend } from '@softmax-kit/backend-tfjs';",
    external: ['@tensorflow/*'],
  },
  ...(['cpu', 'wasm', 'webgl', 'webgpu'] as const).map((device) => ({
    id: `tfjs-${device}`,
    label: `@tensorflow/tfjs-core + @tensorflow/tfjs-backend-${device} (4.22)`,
    code: `${tfjsCore} import '@tensorflow/tfjs-backend-${device}';`,
  })),
];

async function measure(target: Target): Promise<BundleSize> {
  try {
    const result = await build({
      stdin: { contents: target.code, resolveDir: docsRoot, loader: 'js' },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
      external: target.external ?? [],
      define: { 'process.env.NODE_ENV': '"production"' },
    });
    const bytes = result.outputFiles[0]?.contents ?? new Uint8Array();
    return {
      id: target.id,
      label: target.label,
      minBytes: bytes.byteLength,
      gzipBytes: gzipSync(bytes, { level: 9 }).byteLength,
    };
  } catch (error) {
    const message = (error as { errors?: { text: string }[] }).errors?.[0]?.text;
    return {
      id: target.id,
      label: target.label,
      minBytes: null,
      gzipBytes: null,
      error: `not measured: ${message ?? (error as Error).message} (build the packages first: pnpm build)`,
    };
  }
}

function measureWasmAssets(): BundleSize[] {
  const require = createRequire(join(docsRoot, 'package.json'));
  let dist: string;
  try {
    dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  } catch {
    return [];
  }
  return [
    'tfjs-backend-wasm.wasm',
    'tfjs-backend-wasm-simd.wasm',
    'tfjs-backend-wasm-threaded-simd.wasm',
  ]
    .map((file) => join(dist, 'dist', file))
    .filter((path) => existsSync(path))
    .map((path) => {
      const bytes = readFileSync(path);
      const file = path.slice(path.lastIndexOf('/') + 1);
      return {
        id: file,
        label: `${file} (fetched by the wasm device at init; the browser picks one)`,
        minBytes: bytes.byteLength,
        gzipBytes: gzipSync(bytes, { level: 9 }).byteLength,
      };
    });
}

/** Bundles each target with esbuild (minify) and gzips the result; run at docs build time. */
export async function measureBundles(): Promise<BundleSizes> {
  const esbuildVersion = (await import('esbuild')).version;
  const sizes: BundleSize[] = [];
  for (const target of targets) sizes.push(await measure(target));
  return {
    tool: `esbuild ${esbuildVersion} (bundle, minify, esm, browser, es2022) + zlib gzip level 9`,
    measuredAt: new Date().toISOString(),
    sizes,
    assets: measureWasmAssets(),
  };
}
