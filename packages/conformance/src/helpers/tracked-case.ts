/** The helper every group builds its cases with: a case whose body records into a Tracker. */
import type { CaseContext, CaseOutcome, ConformanceCase } from '../case.js';
import { Tracker } from '../case.js';
import type { CheckGroup } from '../report.js';

/** Builds a case whose body records into a {@link Tracker}. */
export function trackedCase(
  id: string,
  group: CheckGroup,
  title: string,
  boundDerivation: string | undefined,
  body: (context: CaseContext, t: Tracker) => Promise<void>,
): ConformanceCase {
  return {
    id,
    group,
    title,
    ...(boundDerivation === undefined ? {} : { boundDerivation }),
    async run(context: CaseContext): Promise<CaseOutcome> {
      const t = new Tracker();
      await body(context, t);
      return t.outcome();
    },
  };
}
