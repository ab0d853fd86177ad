import type { Explanation, RuleFailure } from '@hanoi/core';

/**
 * Puts `rollout.explain`'s answer into words: "on" or "off", then why.
 * Given the feature's `name`, an unknown feature is named in the answer.
 *
 * @example
 * explanationText({ enabled: false, reason: 'bucket', bucket: 88, percentage: 10 });
 * // 'off: bucket 88 is not under 10%'
 * explanationText({ enabled: false, reason: 'unknown' }, 'nope'); // 'off: no such feature "nope"'
 */
export function explanationText(explanation: Explanation, name?: string): string {
  const answer = explanation.enabled ? 'on' : 'off';
  return `${answer}: ${reasonText(explanation, name)}`;
}

function reasonText(explanation: Explanation, name: string | undefined): string {
  switch (explanation.reason) {
    case 'unknown':
      return name === undefined ? 'no such feature' : `no such feature ${JSON.stringify(name)}`;
    case 'disabled':
      return 'the feature is disabled';
    case 'prerequisite':
      return `prerequisite ${explanation.prerequisite} is not met`;
    case 'denied':
      return 'on the deny list';
    case 'rule':
      return `rule ${ruleLabel(explanation.rule)} holds`;
    case 'no-user':
      return explanation.enabled
        ? 'no user given, and the feature is on for everyone (100%)'
        : `no user given, and the feature is at ${explanation.percentage}%, not 100%${rulesText(explanation.rules)}`;
    case 'everyone':
      return 'everyone (100%)';
    case 'listed':
      return 'listed user';
    case 'pattern':
      return `matches pattern /${explanation.pattern.source}/${explanation.pattern.flags}`;
    case 'bucket':
      return explanation.enabled
        ? `bucket ${explanation.bucket} is under ${explanation.percentage}%`
        : `bucket ${explanation.bucket} is not under ${explanation.percentage}%${rulesText(explanation.rules)}`;
  }
}

function ruleLabel(rule: { index: number; name?: string }): string {
  return rule.name === undefined ? `#${rule.index}` : `#${rule.index} (${rule.name})`;
}

function rulesText(rules: RuleFailure[] | undefined): string {
  if (!rules || rules.length === 0) return '';
  const failures = rules.map((rule) =>
    rule.failed === 'percentage'
      ? `${ruleLabel(rule)}: its percentage`
      : `${ruleLabel(rule)}: constraint ${rule.failed}`,
  );
  return `; no rule holds (${failures.join(', ')})`;
}
