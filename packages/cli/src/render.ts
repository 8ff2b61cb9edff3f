import {
  ruleKey,
  type ActualRule,
  type Addresses,
  type MembershipEvent,
  type RunReport,
  type StoredEvent,
  type TargetReport,
} from '@sgsync/core';
import Table from 'cli-table3';
import { match } from 'ts-pattern';

/** Where the command writes its lines. */
export type Print = (line: string) => void;

/** One line for a stored event: stream, version, what happened. */
export const eventLine = (stored: StoredEvent): string =>
  `${stored.stream} v${stored.version} ${describeEvent(stored.event)}`;

const describeEvent = (event: MembershipEvent): string =>
  match(event)
    .with(
      { type: 'MemberJoined' },
      ({ data }) =>
        `MemberJoined ${data.instanceId} ${addressText(data.addresses)} ` +
        `(${data.cause})`,
    )
    .with(
      { type: 'MemberLeft' },
      ({ data }) =>
        `MemberLeft ${data.instanceId} ${data.reason} (${data.cause})`,
    )
    .with(
      { type: 'MemberAddressesChanged' },
      ({ data }) =>
        `MemberAddressesChanged ${data.instanceId} ` +
        addressText(data.addresses),
    )
    .exhaustive();

const addressText = (a: Addresses): string =>
  [a.publicIpv4, a.privateIpv4, a.ipv6].filter(Boolean).join(' ') ||
  '(address pending)';

/** The lines of one target's plan: `+` to authorize, `-` to revoke. */
export const planLines = (report: TargetReport): string[] => {
  const { plan } = report;
  const head =
    `plan ${plan.target.region} ${plan.target.id}: ` +
    `+${plan.authorize.length} -${plan.revoke.length}` +
    (report.converged ? '' : ' (not converged)');

  return [
    head,
    ...plan.authorize.map((r) => `  + ${ruleKey(r)}`),
    ...plan.revoke.map((r) => `  - ${ruleKey(r.rule)} (${r.ruleId})`),
  ];
};

/** Every line of a run report, indented under its region. */
export const reportLines = (report: RunReport): string[] => [
  ...report.recorded.map((e) => `recorded ${eventLine(e)}`),
  ...(report.recorded.length === 0 ? ['recorded nothing new'] : []),
  ...report.replicated
    .filter((r) => r.copied > 0)
    .map((r) => `copied ${r.copied} event(s) of ${r.stream} to ${r.region}`),
  ...report.targets.flatMap(planLines),
  ...report.notified.map((r) => `notified ${r}`),
  ...(report.lifecycle ? [`lifecycle action: ${report.lifecycle}`] : []),
  ...report.failures.map(
    (f) =>
      `! ${f.step} failed for ${f.region}${f.target ? ` ${f.target}` : ''}: ` +
      `${f.error.kind}: ${f.error.message}`,
  ),
];

/** A table of a target's rules: managed or not, and the source. */
export const rulesTable = (
  rules: readonly ActualRule[],
  isManaged: (rule: ActualRule) => boolean,
): string => {
  const table = new Table({
    head: ['rule', 'protocol', 'ports', 'source', 'owner'],
    style: { head: [], border: [], compact: true },
  });
  for (const r of [...rules].sort((a, b) => (a.ruleId < b.ruleId ? -1 : 1))) {
    table.push([
      r.ruleId,
      r.protocol,
      `${r.fromPort}-${r.toPort}`,
      r.cidr ?? '(group)',
      isManaged(r) ? 'sgsync' : (r.description ?? 'someone else'),
    ]);
  }

  return table.toString();
};
