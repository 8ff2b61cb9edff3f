import {
  handleLifecycleEvent,
  handleRemoteChange,
  isManaged,
  memberCidr,
  normaliseRule,
  parseClusterConfig,
  ruleKey,
  trueUp,
  type ClusterConfig,
  type LifecycleEventInput,
  type RunReport,
} from '@sgsync/core';
import { createInMemoryCluster, type InMemoryCluster } from '@sgsync/in-memory';
import { reportLines, rulesTable, type Print } from './render.js';

/** The cluster the demo runs: two regions, one group and target each. */
export const demoConfig = (): ClusterConfig =>
  parseClusterConfig({
    cluster: 'orders-db',
    regions: [
      {
        name: 'us-east-1',
        asgNames: ['orders-db-use1'],
        securityGroupIds: ['sg-0a1b2c3d4e5f60001'],
        eventTable: 'sgsync-events',
      },
      {
        name: 'eu-west-1',
        asgNames: ['orders-db-euw1'],
        securityGroupIds: ['sg-0a1b2c3d4e5f60002'],
        eventTable: 'sgsync-events',
      },
    ],
    rules: [
      { protocol: 'tcp', fromPort: 7000, toPort: 7001 },
      { protocol: 'tcp', fromPort: 9042, toPort: 9042 },
    ],
  })._unsafeUnwrap();

const OPERATOR_RULE = {
  protocol: 'tcp' as const,
  fromPort: 22,
  toPort: 22,
  cidr: '192.0.2.10/32',
  description: 'office bastion (operator)',
};

/** What the demo found at its end. */
export interface DemoOutcome {
  /** True when every target equals its desired rule set exactly. */
  readonly converged: boolean;
  /** True when the operator's own rule is still in place. */
  readonly operatorRuleKept: boolean;
}

/**
 * Runs two regions in memory through a scale-out in both, a duplicated
 * event, an operator's own rule, a scale-in, a launch while the other
 * region is unreachable, and a true-up per region after it returns. It
 * prints every step and checks every target against the instances that
 * really run.
 *
 * @example
 * ```ts
 * const outcome = await runDemo((line) => console.log(line));
 * process.exitCode = outcome.converged ? 0 : 1;
 * ```
 */
export const runDemo = async (print: Print): Promise<DemoOutcome> => {
  const cluster = createInMemoryCluster(demoConfig());
  const [east, west] = ['us-east-1', 'eu-west-1'] as const;
  const step = stepper(print);

  step('1. Scale out: two instances launch in each region');
  const launches: [string, LifecycleEventInput][] = [];
  for (const region of [east, east, west, west]) {
    launches.push(launch(cluster, region));
    await run(cluster, print, ...(launches.at(-1) ?? launch(cluster, region)));
  }
  await deliverNotices(cluster, print);

  step('2. The first launch event is delivered again');
  const [firstRegion, firstEvent] = launches[0] ?? [east, undefined];
  if (firstEvent) await run(cluster, print, firstRegion, firstEvent);

  step(`3. An operator opens ${OPERATOR_RULE.cidr} on port 22 by hand`);
  const eastGroup = groupOf(cluster, east);
  cluster.region(east).firewall.addRule(eastGroup, OPERATOR_RULE);
  print(`  added to ${eastGroup}: not sgsync's, so it must survive`);

  step(`4. Scale in: one instance of ${east} terminates`);
  await run(cluster, print, east, terminateOldest(cluster, east));
  await deliverNotices(cluster, print);

  step(`5. ${west} is unreachable while ${east} launches an instance`);
  cluster.faults.makeUnreachable(west);
  await run(cluster, print, ...launch(cluster, east));
  await deliverNotices(cluster, print);

  step(`6. ${west} is back: one true-up per region`);
  cluster.faults.heal(west);
  for (const region of [east, west]) {
    print(`  true-up in ${region}`);
    printReport(print, await trueUp(cluster.context(region)));
  }
  await deliverNotices(cluster, print);

  step('7. Final rule sets');
  return finalCheck(cluster, print);
};

const stepper =
  (print: Print) =>
  (title: string): void => {
    print('');
    print(title);
  };

const launch = (
  cluster: InMemoryCluster,
  region: string,
): [string, LifecycleEventInput] => {
  const scaling = cluster.region(region).autoScaling;
  scaling.launch(asgOf(cluster, region));

  return [region, lastEvent(scaling.takeLifecycleEvents())];
};

const terminateOldest = (
  cluster: InMemoryCluster,
  region: string,
): LifecycleEventInput => {
  const scaling = cluster.region(region).autoScaling;
  const [oldest] = scaling.instancesOf(asgOf(cluster, region));
  if (!oldest) throw new Error(`${region} has no instance to terminate`);
  scaling.terminate(oldest.instanceId);

  return lastEvent(scaling.takeLifecycleEvents());
};

const lastEvent = (events: LifecycleEventInput[]): LifecycleEventInput => {
  const event = events.at(-1);
  if (!event) throw new Error('the group has no lifecycle hook');

  return event;
};

const run = async (
  cluster: InMemoryCluster,
  print: Print,
  region: string,
  event: LifecycleEventInput,
): Promise<void> => {
  print(
    `  ${region}: ${event.transition} ${event.action.instanceId}` +
      ` (lifecycle event)`,
  );
  printReport(
    print,
    await handleLifecycleEvent(cluster.context(region), event),
  );
};

const deliverNotices = async (
  cluster: InMemoryCluster,
  print: Print,
): Promise<void> => {
  for (const region of cluster.regions.keys()) {
    for (const notice of cluster.world.inboxes.drain(region)) {
      print(`  ${region}: notice from ${notice.fromRegion} v${notice.version}`);
      printReport(
        print,
        await handleRemoteChange(cluster.context(region), notice),
      );
    }
  }
};

const printReport = (print: Print, report: RunReport): void => {
  for (const line of reportLines(report)) print(`    ${line}`);
};

const finalCheck = (cluster: InMemoryCluster, print: Print): DemoOutcome => {
  const expected = expectedKeys(cluster);
  let converged = true;
  let operatorRuleKept = false;
  for (const region of cluster.regions.values()) {
    const group = groupOf(cluster, region.name);
    const rules = region.firewall.rulesOf(group);
    const managed = (r: (typeof rules)[number]) =>
      isManaged(r, cluster.config.marker);
    const actual = managedKeys(rules, managed);
    const equal = sameSet(actual, expected);
    converged &&= equal;
    operatorRuleKept ||= rules.some((r) => r.cidr === OPERATOR_RULE.cidr);
    print(
      `${region.name} ${group}: ${equal ? 'as desired' : 'NOT as desired'}`,
    );
    print(rulesTable(rules, managed));
  }
  print(
    converged && operatorRuleKept
      ? 'Every target holds exactly the cluster; the operator rule is intact.'
      : 'FAILED: a target does not hold exactly the cluster.',
  );

  return { converged: converged && operatorRuleKept, operatorRuleKept };
};

/** The rule keys of the instances that really run, in every region. */
const expectedKeys = (cluster: InMemoryCluster): Set<string> => {
  const { addressKind, rules } = cluster.config;
  const cidrs = runningInstances(cluster).flatMap((i) => {
    const cidr = memberCidr(i.addresses, addressKind);
    return cidr ? [cidr] : [];
  });

  return new Set(
    cidrs.flatMap((cidr) => rules.map((t) => ruleKey({ ...t, cidr }))),
  );
};

const MEMBER_STATES = new Set(['launching', 'in-service', 'standby']);

const runningInstances = (cluster: InMemoryCluster) =>
  [...cluster.regions.values()].flatMap((region) =>
    region.autoScaling
      .groupNames()
      .flatMap((asg) => region.autoScaling.instancesOf(asg))
      .filter((i) => MEMBER_STATES.has(i.state)),
  );

const managedKeys = <R extends Parameters<typeof normaliseRule>[0]>(
  rules: readonly R[],
  managed: (r: R) => boolean,
): Set<string> =>
  new Set(
    rules
      .filter(managed)
      .map(normaliseRule)
      .flatMap((r) => (r ? [ruleKey(r)] : [])),
  );

const sameSet = (a: Set<string>, b: Set<string>): boolean =>
  a.size === b.size && [...a].every((k) => b.has(k));

const asgOf = (cluster: InMemoryCluster, region: string): string =>
  cluster.config.regions.find((r) => r.name === region)?.asgNames[0] ?? '';

const groupOf = (cluster: InMemoryCluster, region: string): string =>
  cluster.config.regions.find((r) => r.name === region)?.securityGroupIds[0] ??
  '';
