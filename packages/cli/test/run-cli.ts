import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * The command that runs the real bin: `dist/bin.js` when SOFTMAX_KIT_DIST is set (after a
 * build), else the TypeScript source through tsx with the `@softmax-kit/source` condition, so
 * a clean clone needs no build to run these tests.
 */
export function binCommand(): string[] {
  return process.env.SOFTMAX_KIT_DIST
    ? ['dist/bin.js']
    : ['--conditions=@softmax-kit/source', '--import', 'tsx', 'src/bin.ts'];
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Spawns `node <bin> ...args` in the package folder, feeding `input` on stdin (closed otherwise). */
export function runCli(args: readonly string[], input = ''): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...binCommand(), ...args], {
      cwd: packageRoot,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** Path of a test fixture, relative to the package folder (the CLI's working directory). */
export const FIXTURE_BACKEND = './test/fixtures/float64-backend.mjs';
