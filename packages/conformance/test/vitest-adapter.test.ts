import { SoftmaxError } from '@softmax-kit/core';
import { afterAll, expect } from 'vitest';
import type { ConformanceReport } from '../src/index.js';
import { describeConformance } from '../src/vitest.js';
import { referenceBackend } from './reference-backends.js';

// The adapter registers one test per case: this file is itself a conformance run of the
// reference backend, and checks the report handed to onReport.
const reports: ConformanceReport[] = [];

describeConformance('reference', () => referenceBackend(), {
  sizes: [1, 50],
  filter: (c) => c.group !== 'accuracy' || c.id.endsWith('n=50'),
  onReport: (report) => {
    reports.push(report);
  },
});

afterAll(() => {
  expect(reports).toHaveLength(1);
  const report = reports[0] as ConformanceReport;
  expect(report.backend).toBe('reference');
  expect(report.status).toBe('pass');
  expect(report.cases.length).toBeGreaterThan(100);
});

// A backend that says it cannot run here (its own BACKEND_UNAVAILABLE): every case is
// registered and skipped with the reason.
const unavailableReports: ConformanceReport[] = [];
describeConformance(
  'unavailable',
  () => {
    const backend = referenceBackend();
    backend.doInit = () =>
      Promise.reject(new SoftmaxError('BACKEND_UNAVAILABLE', 'native binding missing'));
    return backend;
  },
  {
    sizes: [1],
    filter: (c) => c.group === 'errors',
    onReport: (report) => {
      unavailableReports.push(report);
    },
  },
);

afterAll(() => {
  const report = unavailableReports[0];
  expect(report?.status).toBe('skip');
  expect(report?.reason).toMatch(/native binding missing/);
  expect(report?.cases.every((c) => c.status === 'skip')).toBe(true);
});
