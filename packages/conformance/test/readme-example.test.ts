import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConformanceCommand } from '../src/node.js';

/** The `my-backend.js` code block of a README, verbatim. */
async function exampleOf(readme: string): Promise<string> {
  const text = await readFile(new URL(readme, import.meta.url), 'utf8');
  const match = /```js\n(\/\/ my-backend\.js:[\s\S]*?)```/.exec(text);
  if (!match) throw new Error(`${readme} has no my-backend.js example`);
  return match[1] as string;
}

describe("the READMEs' backend example", () => {
  it('is the same in the root README and the conformance README', async () => {
    expect(await exampleOf('../README.md')).toBe(await exampleOf('../../../README.md'));
  });

  it('saved verbatim as my-backend.js, loads with --backend ./my-backend.js and passes every case', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sk-readme-'));
    try {
      await writeFile(join(dir, 'my-backend.js'), await exampleOf('../../../README.md'));
      await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
      const result = await runConformanceCommand({
        backends: ['./my-backend.js'],
        cwd: dir,
        outDir: null,
        sizes: [1, 3, 1000],
        profile: 'fast',
        isolate: false,
        quiet: true,
        progress: () => {},
      });
      const [report] = result.reports;
      expect(report?.backend).toBe('my-backend');
      expect(report?.cases.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual([]);
      expect(report?.status).toBe('pass');
      expect(result.exitCode).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
