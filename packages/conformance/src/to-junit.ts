import type { CaseResult, ConformanceReport } from './report.js';

function xml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;')
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD]/gu, '');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function measured(c: CaseResult): string {
  if (c.error === null || c.bound === null) return '';
  return `measured error ${c.error} against bound ${c.bound}`;
}

/** The JUnit id of a report: backend name plus runtime (`ts (node)`). */
function suiteName(report: ConformanceReport): string {
  return `softmax-kit conformance: ${report.backend} (${report.environment.runtime})`;
}

function testcase(c: CaseResult): string {
  const open = `    <testcase classname="softmax-kit.conformance.${xml(c.group)}" name="${xml(`${c.id}: ${c.title}`)}" time="${seconds(c.durationMs)}"`;
  const detail = [measured(c), c.boundDerivation ? `bound: ${c.boundDerivation}` : '']
    .filter(Boolean)
    .join('\n');
  if (c.status === 'pass') {
    return detail
      ? `${open}>\n      <system-out>${xml(detail)}</system-out>\n    </testcase>`
      : `${open}/>`;
  }
  if (c.status === 'skip') {
    return `${open}>\n      <skipped message="${xml(c.reason ?? 'skipped')}"/>\n    </testcase>`;
  }
  const message = c.reason ?? 'failed';
  return `${open}>\n      <failure message="${xml(message)}" type="${c.error === null ? 'check' : 'bound'}">${xml([message, detail].filter(Boolean).join('\n'))}</failure>\n    </testcase>`;
}

/**
 * Converts conformance reports to JUnit XML (one `<testsuite>` per report), for CI systems that
 * show test results. Failures carry the measured error, the bound and its derivation; skipped
 * cases (and whole backends that could not load) carry the reason.
 *
 * @example
 * ```ts
 * import { writeFile } from 'node:fs/promises';
 * await writeFile('conformance.junit.xml', toJUnit(report));
 * ```
 */
export function toJUnit(reports: ConformanceReport | readonly ConformanceReport[]): string {
  const list = Array.isArray(reports) ? reports : [reports as ConformanceReport];
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  let time = 0;
  const suites = list.map((report) => {
    const { pass, fail, skip } = report.summary;
    tests += pass + fail + skip;
    failures += fail;
    skipped += skip;
    time += report.durationMs;
    const properties = [
      ['backend', report.backend],
      ['status', report.status],
      ['runtime', report.environment.runtimeVersion],
      ['platform', report.environment.platform],
      ['seed', String(report.seed)],
      ['sizes', report.sizes.join(',')],
      ...(report.reason ? [['reason', report.reason]] : []),
      ...(report.capabilities
        ? [
            ['dtypes', report.capabilities.dtypes.join(',')],
            ['computePrecision', JSON.stringify(report.capabilities.computePrecision)],
            ['device', report.capabilities.device],
          ]
        : []),
      ...Object.entries(report.environment.versions).map(([name, version]) => [
        `version ${name}`,
        version,
      ]),
    ]
      .map(
        ([name, value]) =>
          `      <property name="${xml(name as string)}" value="${xml(value as string)}"/>`,
      )
      .join('\n');
    return [
      `  <testsuite name="${xml(suiteName(report))}" tests="${pass + fail + skip}" failures="${fail}" errors="0" skipped="${skip}" time="${seconds(report.durationMs)}" timestamp="${xml(report.startedAt)}">`,
      `    <properties>\n${properties}\n    </properties>`,
      ...report.cases.map(testcase),
      '  </testsuite>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="softmax-kit conformance" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(time)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
