/** JUnit XML of conformance reports (framework-free). */
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
  if (c.notRun) {
    // failed without running (the backend could not load or initialise, or an earlier case
    // timed out): an error of the run, not a failed check
    return `${open}>\n      <error message="${xml(message)}" type="not-run">${xml(message)}</error>\n    </testcase>`;
  }
  return `${open}>\n      <failure message="${xml(message)}" type="${c.error === null ? 'check' : 'bound'}">${xml([message, detail].filter(Boolean).join('\n'))}</failure>\n    </testcase>`;
}

/**
 * Converts conformance reports to JUnit XML (one `<testsuite>` per report), for CI systems that
 * show test results. Failures carry the measured error, the bound and its derivation; skipped
 * cases carry the reason; cases that could not run (a backend asked for by name that did not
 * load, an init failure, the cases after a timeout) are `<error>`s, and a failed verdict no case
 * carries (no case passed, the filter matched none) adds one `<error>` testcase.
 *
 * @example
 * ```ts
 * import { writeFile } from 'node:fs/promises';
 * await writeFile('conformance.junit.xml', toJUnit(report));
 * ```
 */
export function toJUnit(reports: ConformanceReport | readonly ConformanceReport[]): string {
  const list: readonly ConformanceReport[] = Array.isArray(reports)
    ? reports
    : [reports as ConformanceReport];
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  let errors = 0;
  let time = 0;
  const suites = list.map((report: ConformanceReport) => {
    const { pass, skip } = report.summary;
    const notRun = report.cases.filter((c) => c.status === 'fail' && c.notRun).length;
    const fail = report.summary.fail - notRun;
    // a failed verdict that no case carries (no case passed, the filter matched nothing, dispose
    // failed): one more testcase, so a CI system cannot read the suite as green
    const verdictCase =
      report.status === 'fail' && report.summary.fail === 0
        ? `    <testcase classname="softmax-kit.conformance" name="${xml(`${report.backend}: run verdict`)}" time="0.000">\n      <error message="${xml(report.reason ?? 'failed')}" type="verdict">${xml(report.reason ?? 'failed')}</error>\n    </testcase>`
        : null;
    const suiteErrors = notRun + (verdictCase ? 1 : 0);
    const suiteTests = pass + report.summary.fail + skip + (verdictCase ? 1 : 0);
    tests += suiteTests;
    failures += fail;
    errors += suiteErrors;
    skipped += skip;
    time += report.durationMs;
    const properties = [
      ['backend', report.backend],
      ['status', report.status],
      ['runtime', report.environment.runtimeVersion],
      ['platform', report.environment.platform],
      ['seed', String(report.seed)],
      ['sizes', report.sizes.join(',')],
      ...(report.profile ? [['profile', report.profile]] : []),
      ...(report.timeLimits
        ? [
            [
              'timeLimits',
              `init ${report.timeLimits.initMs} ms, case ${report.timeLimits.caseMs} ms, run ${report.timeLimits.runMs} ms`,
            ],
          ]
        : []),
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
      `  <testsuite name="${xml(suiteName(report))}" tests="${suiteTests}" failures="${fail}" errors="${suiteErrors}" skipped="${skip}" time="${seconds(report.durationMs)}" timestamp="${xml(report.startedAt)}">`,
      `    <properties>\n${properties}\n    </properties>`,
      ...report.cases.map(testcase),
      ...(verdictCase ? [verdictCase] : []),
      '  </testsuite>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="softmax-kit conformance" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(time)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
