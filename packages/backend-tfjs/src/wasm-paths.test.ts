import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultWasmPaths, WASM_FILE_NAMES } from './wasm-paths.js';

describe('defaultWasmPaths in Node', () => {
  it('is the folder of the installed tfjs wasm package, holding all three binaries', () => {
    const folder = defaultWasmPaths();
    expect(folder).toMatch(/@tensorflow[/\\]tfjs-backend-wasm[/\\]dist[/\\]$/);
    for (const file of WASM_FILE_NAMES) expect(existsSync(`${folder}${file}`)).toBe(true);
  });
});
