/**
 * The same end-to-end suite in Chromium: transformers.js's web build on onnxruntime-web's wasm,
 * its assets served by Vite (no CDN), the models served from memory through `env.fetch`.
 */
import mjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import { inject } from 'vitest';
import { bigramModelFiles } from './bigram-model.js';
import { bigramTable, nanTable, WORDS } from './test-support/bigram-fixture.js';
import { describeGenerate } from './test-support/describe-generate.js';

describeGenerate({
  label: 'workspace version, Chromium',
  longSteps: inject('longSteps'),
  load: () => import('@huggingface/transformers'),
  install: (env) => {
    const files = new Map<string, Uint8Array>();
    for (const [name, logits] of Object.entries({ bigram: bigramTable(), nan: nanTable(5, 3) })) {
      for (const [file, bytes] of bigramModelFiles({ words: WORDS, logits })) {
        files.set(`/models/${name}/${file}`, bytes);
      }
    }
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = '/models/';
    env.useBrowserCache = false;
    env.useWasmCache = false;
    const served = env.fetch;
    env.fetch = async (url: string | URL, init?: RequestInit) => {
      const path = new URL(String(url), location.href).pathname;
      const bytes = files.get(path);
      if (bytes !== undefined) return new Response(bytes.slice().buffer, { status: 200 });
      if (path.startsWith('/models/')) return new Response(null, { status: 404 });
      return served(url, init);
    };
    env.backends.onnx.wasm.wasmPaths = { mjs: mjsUrl, wasm: wasmUrl };
    env.backends.onnx.wasm.numThreads = 1;
  },
});

declare module 'vitest' {
  export interface ProvidedContext {
    longSteps: number;
  }
}
