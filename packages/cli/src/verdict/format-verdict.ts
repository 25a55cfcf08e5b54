import { formatNumber } from '../format.js';
import {
  beats,
  DECISION_RULE,
  margin,
  type Pooled,
  peerFacts,
  peerLabel,
  type RuntimeVerdict,
} from './decide.js';

const ns = (stats: Pooled) => `${formatNumber(stats.median, 3)} ns/element`;
const times = (ratio: number) => `${formatNumber(ratio, 2)}x`;

/** `1.6x` or `1.6-2.5x` for a list of ratios. */
function spanOf(ratios: readonly number[]): string {
  const low = Math.min(...ratios);
  const high = Math.max(...ratios);
  return formatNumber(low, 2) === formatNumber(high, 2)
    ? times(low)
    : `${formatNumber(low, 2)}-${times(high)}`;
}

/**
 * The verdict as terminal lines: the sentence first, then the evidence per range, the peers
 * that beat the pick (by how much, where) and sampling; `rule: true` adds the rule itself.
 *
 * @example
 * ```ts
 * io.stdout(`${formatVerdict(decideRuntime({ runtime: 'node', reports: [report] })).join('\n')}\n`);
 * ```
 */
export function formatVerdict(verdict: RuntimeVerdict, options: { rule?: boolean } = {}): string[] {
  const lines = [verdict.sentence];
  if (verdict.device) lines.push(`  measured on ${verdict.device}`);
  const runs = `${verdict.runs} ${verdict.quick ? 'quick ' : ''}run${verdict.runs === 1 ? '' : 's'}`;
  for (const range of verdict.ranges) {
    if (range.pick === null) continue;
    const choices = verdict.sizes.filter((choice) => range.sizes.includes(choice.size));
    const evidence = choices.map((choice) => {
      const pick = choice.pickStats as Pooled;
      const fastest = choice.fastest;
      const runnerUp = !fastest
        ? ''
        : beats(fastest.stats, pick)
          ? `; ${fastest.backend} ${ns(fastest.stats)}, faster here but not by more than the spread at most sizes from here up`
          : `; ${fastest.backend} ${ns(fastest.stats)}, within the ${times(margin(pick, fastest.stats))} spread`;
      return `    ${choice.size}: ${ns(pick)}${runnerUp}`;
    });
    lines.push(`  ${range.pick} at ${range.sizes.join(', ')}:`, ...evidence);
  }
  if (verdict.peerSentence) {
    lines.push(verdict.peerSentence);
    const peers = [...new Set(verdict.sizes.flatMap((c) => c.fasterPeers.map((p) => p.peer)))];
    for (const peer of peers) {
      const where = verdict.sizes.filter((choice) =>
        choice.fasterPeers.some((item) => item.peer === peer),
      );
      const ratios = where.flatMap((choice) =>
        choice.fasterPeers.filter((item) => item.peer === peer).map((item) => item.ratio),
      );
      lines.push(
        `  ${peerLabel(peer)}: ${spanOf(ratios)} faster than the pick at ${where
          .map((choice) => choice.size)
          .join(', ')}`,
      );
      const check = verdict.peerChecks.find((item) => item.subject === peer);
      if (check) lines.push(`    ${peerFacts(check)}`);
    }
  }
  const ours = verdict.peerChecks.filter((check) => !check.subject.startsWith('peer:'));
  for (const check of ours) lines.push(`  ours, ${check.subject}: ${peerFacts(check)}`);
  if (verdict.samplingSentence) {
    lines.push(verdict.samplingSentence);
    lines.push(
      `  top-k 50, ns per logit: ${verdict.sampling
        .map(
          (item) =>
            `${item.size} ours ${formatNumber(item.ours.median, 3)}, transformers.js ${formatNumber(item.peer.median, 3)}`,
        )
        .join('; ')}`,
    );
  }
  lines.push(`  (${runs} of this machine${options.rule ? `; ${DECISION_RULE}` : ''})`);
  return lines;
}
