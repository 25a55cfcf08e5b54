import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadReports } from './load-reports.js';
import { reportFiles } from './report-files.js';

const dir = mkdtempSync(join(tmpdir(), 'sk-reports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadReports', () => {
  it('publishes no absolute path of the machine that measured', () => {
    mkdirSync(join(dir, 'conformance'), { recursive: true });
    const binding =
      '/home/someone/repo/node_modules/.pnpm/@tensorflow+tfjs-node@4.22.0_x/node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node';
    writeFileSync(
      join(dir, 'conformance', 'tfjs-node.json'),
      JSON.stringify({
        reportVersion: 1,
        backend: 'tfjs-node',
        status: 'skip',
        reason: `native binding missing at path: ${binding}. Run (cd /home/someone/repo/x && node scripts/install.js)`,
        cases: [],
        environment: { runtime: 'node', runtimeVersion: 'v20', platform: 'linux', versions: {} },
      }),
    );
    writeFileSync(join(dir, 'conformance', 'broken.json'), '{');
    const files = reportFiles(loadReports(dir));
    const published = Object.values(files).join('\n');
    expect(published).not.toContain('/home/someone');
    expect(published).not.toContain(dir);
    expect(published).toContain('at path: @tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node.');
    expect(published).toContain('Run (cd <path> && node scripts/install.js)');
  });
});
