import { afterAll, expect, it } from 'vitest';
import { type ConformanceReport, formatSummary, runConformance, toJUnit } from '../src/index.js';
import { describeConformance } from '../src/vitest.js';
import { referenceBackend } from './reference-backends.js';

// The root entry and the vitest adapter in a real Chromium: no Node APIs needed.

it('runConformance runs in the browser and reports the browser runtime', async () => {
  const report = await runConformance(referenceBackend(), {
    sizes: [1, 100],
    profile: 'fast',
    filter: (c) => c.group !== 'resources' || c.id === 'resources.backend-count',
  });
  expect(report.environment.runtime).toBe('browser');
  expect(report.environment.runtimeVersion).toMatch(/Chrome/);
  expect(
    report.cases.filter((c) => c.status === 'fail').map((c) => `${c.id}: ${c.reason ?? ''}`),
  ).toEqual([]);
  expect(report.status).toBe('pass');
  expect(formatSummary([report])).toMatch(/reference \(browser\)\s+browser\s+PASS/);
  expect(toJUnit(report)).toContain('<testsuite ');
});

const reports: ConformanceReport[] = [];
describeConformance('reference-browser', () => referenceBackend(), {
  sizes: [10],
  filter: (c) => ['examples', 'temperature', 'errors'].includes(c.group),
  onReport: (report) => {
    reports.push(report);
  },
});

afterAll(() => {
  expect(reports[0]?.status).toBe('pass');
});
