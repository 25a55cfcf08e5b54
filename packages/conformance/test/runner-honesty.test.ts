import { SoftmaxError } from '@softmax-kit/core';
import { describe, expect, it } from 'vitest';
import {
  type ConformanceReport,
  DEFAULT_TIME_LIMITS,
  NOT_RUN_AFTER_TIMEOUT,
  parseDuration,
  runConformance,
  toJUnit,
} from '../src/index.js';
import { expandBackendSpecs } from '../src/node.js';
import { makeBackend } from './reference-backends.js';

// Short limits keep these fast; none of the assertions below is about how long anything took.
const LIMITS = { initMs: 300, caseMs: 300, runMs: 60_000 };
const DETERMINISM = (c: { group: string }) => c.group === 'determinism' || c.group === 'order';

const never = () => new Promise<never>(() => {});
const statuses = (report: ConformanceReport) => report.cases.map((c) => c.status);

describe('time limits', () => {
  it('a doInit that never settles fails the run: every case fails as not run, the limits are in the report', async () => {
    const backend = makeBackend('hangs-in-init');
    backend.doInit = never;
    const report = await runConformance(backend, {
      sizes: [1],
      filter: DETERMINISM,
      timeLimits: LIMITS,
    });
    expect(report.status).toBe('fail');
    expect(report.reason).toMatch(/timed out: createSoftmax .* did not settle within 300 ms/);
    expect(report.summary.pass).toBe(0);
    expect(report.cases.length).toBeGreaterThan(0);
    expect(report.cases.every((c) => c.status === 'fail' && c.notRun === true)).toBe(true);
    expect(report.timeLimits).toEqual(LIMITS);
  });

  it('a kernel that never settles fails the case it hangs in; the later cases fail as "not run after a timeout"', async () => {
    const backend = makeBackend('hangs-in-compute');
    let hang = false;
    const compute = backend.doCompute.bind(backend);
    backend.doComputeSync = undefined;
    backend.doInit = async () => ({
      dtypes: ['float32', 'float64'],
      computePrecision: { float32: 'float64', float64: 'float64' },
      sync: false,
      device: 'js',
    });
    // the first case works, then every call hangs
    backend.doCompute = (request) => (hang ? never() : compute(request));
    const report = await runConformance(backend, {
      sizes: [1],
      filter: DETERMINISM,
      timeLimits: LIMITS,
      onProgress: (event) => {
        if (event.phase === 'end') hang = true;
      },
    });
    expect(report.status).toBe('fail');
    const hung = report.cases.findIndex((c) => c.timedOut === true);
    expect(hung).toBeGreaterThan(0);
    expect(report.cases[hung]?.reason).toMatch(/timed out: .* did not settle within 300 ms/);
    expect(
      statuses(report)
        .slice(0, hung)
        .every((s) => s === 'pass'),
    ).toBe(true);
    const after = report.cases.slice(hung + 1);
    expect(after.length).toBeGreaterThan(0);
    for (const c of after) {
      expect(c.status).toBe('fail');
      expect(c.notRun).toBe(true);
      expect(c.reason).toContain(NOT_RUN_AFTER_TIMEOUT);
    }
    // JUnit: the timed-out case is a <failure>, the ones never run are <error>s
    const xml = toJUnit(report);
    expect(xml.match(/<error /g)).toHaveLength(after.length);
    expect(xml).toMatch(new RegExp(`errors="${after.length}"`));
  });

  it('the run limit stops a backend whose cases are each within the case limit', async () => {
    const backend = makeBackend('slow');
    const compute = backend.doCompute.bind(backend);
    backend.doComputeSync = undefined;
    backend.doInit = async () => ({
      dtypes: ['float32', 'float64'],
      computePrecision: { float32: 'float64', float64: 'float64' },
      sync: false,
      device: 'js',
    });
    backend.doCompute = (request) =>
      new Promise((resolve) => setTimeout(() => resolve(compute(request)), 40));
    const report = await runConformance(backend, {
      sizes: [1],
      filter: DETERMINISM,
      timeLimits: { initMs: 5000, caseMs: 5000, runMs: 150 },
    });
    expect(report.status).toBe('fail');
    expect(report.cases.some((c) => /run's time limit of 150 ms/.test(c.reason ?? ''))).toBe(true);
    expect(report.cases.at(-1)?.reason).toContain(NOT_RUN_AFTER_TIMEOUT);
  });

  it('defaults are sized for software renderers, and durations parse as seconds or with a unit', () => {
    expect(DEFAULT_TIME_LIMITS).toEqual({ initMs: 60_000, caseMs: 60_000, runMs: 1_800_000 });
    expect(parseDuration('90')).toBe(90_000);
    expect(parseDuration('2.5s')).toBe(2500);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30min')).toBe(1_800_000);
    for (const bad of ['', '0', '-1', 'abc', '1h', 'Infinity'])
      expect(parseDuration(bad)).toBe(null);
  });
});

describe('skip means only BACKEND_UNAVAILABLE', () => {
  it("the backend's own BACKEND_UNAVAILABLE is a skip with its reason", async () => {
    const backend = makeBackend('unavailable');
    backend.doInit = () => Promise.reject(new SoftmaxError('BACKEND_UNAVAILABLE', 'no GPU here'));
    const report = await runConformance(backend, { sizes: [1], filter: DETERMINISM });
    expect(report.status).toBe('skip');
    expect(report.reason).toMatch(/no GPU here/);
    expect(report.cases.every((c) => c.status === 'skip')).toBe(true);
  });

  // Core reports these as BACKEND_ERROR (not BACKEND_UNAVAILABLE) from 0.2 on.
  it('a plain bug in doInit (a TypeError) fails the run; it is not a skip', async () => {
    const backend = makeBackend('throws-in-init');
    backend.doInit = async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'device')");
    };
    const report = await runConformance(backend, { sizes: [1], filter: DETERMINISM });
    expect(report.status).toBe('fail');
    expect(report.reason).toMatch(/BACKEND_ERROR.*reading 'device'/);
    expect(report.cases.every((c) => c.status === 'fail' && c.notRun)).toBe(true);
    expect(toJUnit(report)).not.toMatch(/<skipped/);
  });

  it('invalid capabilities (garbage from doInit) fail the run', async () => {
    const backend = makeBackend('garbage');
    backend.doInit = async () => ({ dtypes: 'float32' }) as never;
    const report = await runConformance(backend, { sizes: [1], filter: DETERMINISM });
    expect(report.status).toBe('fail');
    expect(report.reason).toMatch(/BACKEND_ERROR/);
  });

  it('a filter that matches no case is not a pass, and JUnit carries the verdict as an <error>', async () => {
    const report = await runConformance(makeBackend('ok'), { sizes: [1], filter: () => false });
    expect(report.cases).toHaveLength(0);
    expect(report.status).toBe('fail');
    expect(report.reason).toMatch(/no case matched the filter/);
    expect(toJUnit(report)).toMatch(/<error message="no case matched the filter/);
  });

  it('a run in which every case was skipped (none passed) is not a pass', async () => {
    const report = await runConformance(makeBackend('async-only', {}, { sync: false }), {
      sizes: [1],
      filter: (c) => c.id === 'consistency.sync-async',
    });
    expect(report.summary).toMatchObject({ pass: 0, skip: 1 });
    expect(report.status).toBe('fail');
    expect(report.reason).toMatch(/no case passed/);
  });

  it('the command requires every backend named; `all` lists the built-ins as optional', () => {
    expect(expandBackendSpecs(['ts', './x.js'])).toEqual([
      { spec: 'ts', required: true },
      { spec: './x.js', required: true },
    ]);
    const all = expandBackendSpecs([]);
    expect(all[0]).toEqual({ spec: 'ts', required: false });
    expect(all.map((b) => b.spec)).toContain('wasm');
    expect(all.every((b) => !b.required)).toBe(true);
    // named and in `all`: required
    expect(expandBackendSpecs(['all', 'ts']).find((b) => b.spec === 'ts')?.required).toBe(true);
  });
});
