/** Writes bigram models into a fresh temporary folder and points transformers.js at it (Node). */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { bigramModelFiles } from '../bigram-model.js';
import { WORDS } from './bigram-fixture.js';

interface TransformersEnv {
  allowRemoteModels: boolean;
  allowLocalModels: boolean;
  localModelPath: string;
  useFSCache: boolean;
  useBrowserCache?: boolean;
}

/**
 * Writes each `[V, V]` table as model `<name>` under one temporary folder and sets `env` to load
 * only from there (no network, no cache inside the installed package).
 */
export function installModels(
  env: TransformersEnv,
  tables: Record<string, Float32Array>,
  words: readonly string[] = WORDS,
): string {
  const root = mkdtempSync(join(tmpdir(), 'softmax-kit-transformers-'));
  for (const [name, logits] of Object.entries(tables)) {
    for (const [file, bytes] of bigramModelFiles({ words, logits })) {
      const path = join(root, name, file);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, bytes);
    }
  }
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = root;
  env.useFSCache = false;
  return root;
}
