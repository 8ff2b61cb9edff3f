import {
  buildView,
  computePlan,
  decide,
  desiredRules,
  isEmptyPlan,
  isSingleAddress,
  replay,
  streamName,
  type ActualRule,
  type MembershipEvent,
  type MembershipState,
  type RunReport,
  type StoredEvent,
} from '@sgsync/core';
import { canonicalJson } from '@sgsync/in-memory';
import type { Simulation } from './simulation.js';
import {
  desiredKeys,
  familyCount,
  familyOfKey,
  instancesIn,
  keyOf,
  managedOf,
  memberCidrs,
  rulesIn,
  targetOf,
} from './truth.js';

/** The number of an invariant of the design (1 to 8). */
export type InvariantId = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/** Every invariant, in order. */
export const INVARIANT_IDS: readonly InvariantId[] = [1, 2, 3, 4, 5, 6, 7, 8];

/** What each invariant means on the model, in one line. */
export const INVARIANT_TEXT: Readonly<Record<InvariantId, string>> = {
  1: 'every managed rule is for an address of an instance that was ever a member',
  2: 'after healing and one true-up per region, every target holds exactly its desired rules',
  3: 'every operator rule is still there, unchanged, until the operator removes it',
  4: 'every managed rule is /32 or /128, never 0.0.0.0/0 or ::/0; no run meets UnsafeRule',
  5: 'every lifecycle action sgsync received is completed with CONTINUE (or awaits the Lambda retry of a failed completion)',
  6: 'stores only grow: every acknowledged event stays, replicas are prefixes of their origin, replay gives the same view twice',
  7: 'no member joins twice or comes back after leaving; a redelivered event records nothing a true-up would not, and changes no target in sync',
  8: 'no target holds more rules of a family than the quota; a sequential run never meets the cloud refusing a plan over quota',
};

/** A broken invariant, and what broke it. */
export interface Violation {
  readonly invariant: InvariantId;
  readonly message: string;
}

const violation = (invariant: InvariantId, message: string): Violation => ({
  invariant,
  message,
});

/** How many times each invariant was checked and held. */
export type Tally = Record<InvariantId, number>;

/** A tally with every count at zero. */
export const emptyTally = (): Tally => ({
  1: 0,
  2: 0,
  3: 0,
  4: 0,
  5: 0,
  6: 0,
  7: 0,
  8: 0,
});

/**
 * Checks the invariants on a simulation after each step, and counts the
 * checks that held. It remembers every stream it saw, so that a later
 * check can tell whether an acknowledged event was lost.
 */
export class InvariantChecker {
  readonly held: Tally = emptyTally();
  private readonly sim: Simulation;
  private readonly seen = new Map<string, readonly string[]>();

  constructor(sim: Simulation) {
    this.sim = sim;
  }

  /** The safety invariants (all but 2) after a step with these runs. */
  safety(reports: readonly RunReport[], concurrent: boolean): Violation[] {
    const sim = this.sim;

    return [
      ...this.tallied(1, onlyMembers(sim)),
      ...this.tallied(3, operatorRulesKept(sim)),
      ...this.tallied(4, singleAddresses(sim, reports)),
      ...this.tallied(5, actionsCompleted(sim)),
      ...this.tallied(6, this.eventsKept(reports)),
      ...this.tallied(7, streamsWellFormed(sim)),
      ...this.tallied(8, quotaKept(sim, reports, concurrent)),
    ];
  }

  /** Invariant 5 at the end: no action waits, not even on a retry. */
  allActionsCompleted(): Violation[] {
    const waiting = [...this.sim.awaitingRetry].map((token) =>
      violation(5, `action ${token} was never completed`),
    );

    return this.tallied(5, [...waiting, ...actionsCompleted(this.sim)]);
  }

  /** Invariant 2: every target equals its desired rule set. */
  converged(): Violation[] {
    return this.tallied(2, convergence(this.sim));
  }

  /** True when every target holds its desired rules (not counted). */
  isConverged(): boolean {
    return convergence(this.sim).length === 0;
  }

  /** Counts a check that found nothing wrong; passes violations on. */
  tallied(id: InvariantId, found: Violation[]): Violation[] {
    if (found.length === 0) this.held[id] += 1;

    return found;
  }

  private eventsKept(reports: readonly RunReport[]): Violation[] {
    const found = [
      ...this.nothingLost(),
      ...acknowledgedKept(this.sim, reports),
      ...replicasArePrefixes(this.sim),
      ...replayIsStable(this.sim),
    ];

    return found;
  }

  private nothingLost(): Violation[] {
    const found: Violation[] = [];
    for (const region of this.sim.regions) {
      const store = this.sim.cluster.region(region).store;
      for (const stream of store.streamNames()) {
        const key = `${region}|${stream}`;
        const now = textsOf(store.snapshot(stream));
        if (!isPrefix(this.seen.get(key) ?? [], now)) {
          found.push(violation(6, `${region}'s copy of ${stream} lost events`));
        }
        this.seen.set(key, now);
      }
    }

    return found;
  }
}

const textsOf = (events: readonly StoredEvent[]): string[] =>
  events.map((e) => canonicalJson(e.event));

const isPrefix = (
  prefix: readonly string[],
  whole: readonly string[],
): boolean =>
  prefix.length <= whole.length && prefix.every((t, i) => whole[i] === t);

const onlyMembers = (sim: Simulation): Violation[] =>
  sim.regions.flatMap((region) =>
    managedOf(sim.config, rulesIn(sim.cluster, region))
      .filter((r) => r.cidr === undefined || !sim.everMemberCidrs.has(r.cidr))
      .map((r) =>
        violation(
          1,
          `${region} ${targetOf(sim.cluster, region)} allows ${r.cidr}, ` +
            'which no member ever had',
        ),
      ),
  );

const operatorRulesKept = (sim: Simulation): Violation[] =>
  sim.regions.flatMap((region) => {
    const now = new Map(
      rulesIn(sim.cluster, region).map((r) => [r.ruleId, r] as const),
    );

    return [...(sim.operatorRules.get(region) ?? new Map()).values()]
      .filter((rule: ActualRule) => !sameRule(rule, now.get(rule.ruleId)))
      .map((rule: ActualRule) =>
        violation(
          3,
          `operator rule ${rule.ruleId} in ${region} was ` +
            (now.has(rule.ruleId) ? 'changed' : 'revoked'),
        ),
      );
  });

const sameRule = (a: ActualRule, b: ActualRule | undefined): boolean =>
  b !== undefined && canonicalJson(a) === canonicalJson(b);

const OPEN = new Set(['0.0.0.0/0', '::/0']);

const singleAddresses = (
  sim: Simulation,
  reports: readonly RunReport[],
): Violation[] => [
  ...sim.regions.flatMap((region) =>
    managedOf(sim.config, rulesIn(sim.cluster, region))
      .filter((r) => !r.cidr || OPEN.has(r.cidr) || !isSingleAddress(r.cidr))
      .map((r) => violation(4, `${region} holds managed rule ${r.cidr}`)),
  ),
  ...failuresOf(reports)
    .filter((e) => e.kind === 'UnsafeRule')
    .map((e) => violation(4, `a run tried a broad rule: ${e.message}`)),
];

const failuresOf = (reports: readonly RunReport[]) =>
  reports.flatMap((r) => r.failures.map((f) => f.error));

const actionsCompleted = (sim: Simulation): Violation[] =>
  [...sim.received].flatMap(([token, region]) => {
    const signal = sim.cluster.region(region).lifecycle;
    const status = signal.statusOf(token);
    if (status === 'pending' && !sim.awaitingRetry.has(token)) {
      return [violation(5, `action ${token} in ${region} is still pending`)];
    }
    const result = signal.completions().get(token);
    if (status === 'completed' && result !== 'CONTINUE') {
      return [violation(5, `action ${token} ended with ${result}`)];
    }

    return [];
  });

const acknowledgedKept = (
  sim: Simulation,
  reports: readonly RunReport[],
): Violation[] =>
  reports.flatMap((report) =>
    report.recorded
      .filter((e) => {
        const held = sim.cluster.region(report.region).store.snapshot(e.stream)[
          e.version - 1
        ];
        return !held || canonicalJson(held.event) !== canonicalJson(e.event);
      })
      .map((e) =>
        violation(6, `${e.stream} v${e.version} was acknowledged, then lost`),
      ),
  );

const ownStream = (sim: Simulation, region: string): string =>
  streamName(sim.config.cluster, region);

const replicasArePrefixes = (sim: Simulation): Violation[] =>
  sim.regions.flatMap((origin) => {
    const stream = ownStream(sim, origin);
    const truth = textsOf(sim.cluster.region(origin).store.snapshot(stream));

    return sim.regions
      .filter((r) => r !== origin)
      .filter(
        (r) =>
          !isPrefix(
            textsOf(sim.cluster.region(r).store.snapshot(stream)),
            truth,
          ),
      )
      .map((r) => violation(6, `${r}'s copy of ${stream} departs from it`));
  });

const viewText = (sim: Simulation, region: string): string => {
  const store = sim.cluster.region(region).store;
  const view = buildView(
    new Map(sim.regions.map((r) => [r, store.snapshot(ownStream(sim, r))])),
  );

  return canonicalJson(
    [...view].map(([r, state]) => [
      r,
      state.version,
      [...state.members],
      [...state.departed],
    ]),
  );
};

const replayIsStable = (sim: Simulation): Violation[] =>
  sim.regions
    .filter((region) => viewText(sim, region) !== viewText(sim, region))
    .map((region) => violation(6, `replaying ${region}'s store differs`));

/** What an event says of an instance, without its time or cause. */
const summary = (event: MembershipEvent): string =>
  event.type === 'MemberLeft'
    ? `${event.type} ${event.data.instanceId} ${event.data.reason}`
    : `${event.type} ${event.data.instanceId}`;

const streamsWellFormed = (sim: Simulation): Violation[] =>
  sim.regions.flatMap((region) => {
    const stream = ownStream(sim, region);
    const events = sim.cluster.region(region).store.snapshot(stream);

    return lifeProblems(events.map((e) => e.event)).map((p) =>
      violation(7, `${stream}: ${p}`),
    );
  });

/**
 * No join of a member, no second leave without a join between, and
 * nothing at all after a final (terminated) leave. A member that left
 * for a warm pool or by detaching may join again, or be terminated.
 */
const lifeProblems = (events: readonly MembershipEvent[]): string[] => {
  const status = new Map<string, 'member' | 'away' | 'terminated'>();
  const problems: string[] = [];
  for (const event of events) {
    const id = event.data.instanceId;
    const now = status.get(id);
    const problem = lifeProblem(event, now);
    if (problem) problems.push(problem);
    status.set(id, nextStatus(event, now));
  }

  return problems;
};

const lifeProblem = (
  event: MembershipEvent,
  now: 'member' | 'away' | 'terminated' | undefined,
): string | undefined => {
  if (now === 'terminated') return `${summary(event)} after it left`;
  if (event.type === 'MemberJoined' && now === 'member') {
    return `${event.data.instanceId} joined twice`;
  }
  if (event.type === 'MemberLeft' && now === 'away') {
    return event.data.reason === 'terminated'
      ? undefined
      : `${summary(event)} after it left`;
  }

  return undefined;
};

const nextStatus = (
  event: MembershipEvent,
  now: 'member' | 'away' | 'terminated' | undefined,
): 'member' | 'away' | 'terminated' => {
  if (event.type === 'MemberAddressesChanged') return now ?? 'member';
  if (event.type === 'MemberJoined') return 'member';

  return event.data.reason === 'terminated' ? 'terminated' : 'away';
};

/**
 * An event without its leave reason: a redelivered termination may tell
 * `terminated` where a true-up alone could only tell `detached`.
 */
const whatChanged = (event: MembershipEvent): string =>
  `${event.type} ${event.data.instanceId}`;

/**
 * A final leave of an instance the stream holds neither as a member nor
 * as a departure: a termination first recorded by a redelivery (its
 * first delivery failed) of an instance the group no longer lists. It
 * changes no member, and a true-up cannot learn it, since the instance
 * is gone from the group.
 */
const isTombstoneOfStranger = (
  event: MembershipEvent,
  state: MembershipState,
): boolean =>
  event.type === 'MemberLeft' &&
  event.data.reason === 'terminated' &&
  !state.members.has(event.data.instanceId) &&
  !state.departed.has(event.data.instanceId);

/**
 * Before a lifecycle event is delivered again: what a true-up alone
 * would record now, and whether the local target is already in sync
 * with the local view. The returned check says what the redelivery did
 * beyond that (invariant 7).
 */
export const duplicateProbe = (
  sim: Simulation,
  region: string,
): ((report: RunReport) => Violation[]) => {
  const store = sim.cluster.region(region).store;
  const state = replay(
    store.snapshot(ownStream(sim, region)).map((e) => e.event),
  );
  const expected = decide(
    {
      type: 'RecordTrueUp',
      instances: instancesIn(sim.cluster, region),
      observedAt: 'probe',
    },
    state,
  )
    .map(whatChanged)
    .sort();
  const before = rulesIn(sim.cluster, region);
  const inSync = localPlanIsEmpty(sim, region, before);

  return (report) => {
    const recorded = report.recorded
      .filter((e) => !isTombstoneOfStranger(e.event, state))
      .map((e) => whatChanged(e.event))
      .sort();
    const found: Violation[] = [];
    if (recorded.length > 0 && recorded.join() !== expected.join()) {
      found.push(
        violation(
          7,
          `redelivery in ${region} recorded [${recorded.join('; ')}], ` +
            `a true-up alone [${expected.join('; ')}]`,
        ),
      );
    }
    const after = rulesIn(sim.cluster, region);
    if (expected.length === 0 && inSync && !sameRules(before, after)) {
      found.push(violation(7, `redelivery changed ${region}'s target`));
    }

    return found;
  };
};

const sameRules = (
  a: readonly ActualRule[],
  b: readonly ActualRule[],
): boolean => canonicalJson(a) === canonicalJson(b);

const localPlanIsEmpty = (
  sim: Simulation,
  region: string,
  actual: readonly ActualRule[],
): boolean => {
  const store = sim.cluster.region(region).store;
  const view = buildView(
    new Map(sim.regions.map((r) => [r, store.snapshot(ownStream(sim, r))])),
  );
  const plan = computePlan({
    target: {
      region,
      kind: 'security-group',
      id: targetOf(sim.cluster, region),
    },
    desired: desiredRules(sim.config, view),
    actual,
    marker: sim.config.marker,
    quota: sim.config.quota.rulesPerGroup,
  });

  return plan.isOk() && isEmptyPlan(plan.value);
};

const CLOUD_REFUSAL = 'RulesPerSecurityGroupLimitExceeded';

const quotaKept = (
  sim: Simulation,
  reports: readonly RunReport[],
  concurrent: boolean,
): Violation[] => {
  const quota = sim.config.quota.rulesPerGroup;
  const over = sim.regions.flatMap((region) => {
    const rules = rulesIn(sim.cluster, region);
    return (['ipv4', 'ipv6'] as const)
      .filter((family) => familyCount(rules, family) > quota)
      .map((family) =>
        violation(8, `${region} holds more ${family} rules than ${quota}`),
      );
  });
  const refusedByCloud = concurrent
    ? []
    : failuresOf(reports)
        .filter((e) => e.kind === 'QuotaExceeded')
        .filter((e) => e.message.startsWith(CLOUD_REFUSAL))
        .map((e) =>
          violation(8, `the cloud, not the plan, refused: ${e.message}`),
        );

  return [...over, ...refusedByCloud];
};

/**
 * Invariant 2 on one target: every managed rule is desired and held
 * once, and every desired rule is held (by sgsync or by an operator's
 * identical rule), except in a family whose desired rules cannot fit
 * the quota, where sgsync must refuse, not exceed.
 */
const convergence = (sim: Simulation): Violation[] => {
  const desired = desiredKeys(sim.config, memberCidrs(sim.cluster));

  return sim.regions.flatMap((region) =>
    targetProblems(sim, region, desired).map((p) =>
      violation(2, `${region} ${targetOf(sim.cluster, region)}: ${p}`),
    ),
  );
};

const targetProblems = (
  sim: Simulation,
  region: string,
  desired: ReadonlySet<string>,
): string[] => {
  const rules = rulesIn(sim.cluster, region);
  const managed = managedOf(sim.config, rules).map(keyOf);
  const stale = managed.filter((k) => k === undefined || !desired.has(k));
  const twice = managed.filter((k, i) => managed.indexOf(k) !== i);
  const held = new Set(rules.map(keyOf));
  const full = fullFamilies(sim, rules, desired);
  const missing = [...desired].filter(
    (k) => !held.has(k) && !full.has(familyOfKey(k)),
  );

  return [
    ...stale.map((k) => `holds ${k}, not desired`),
    ...twice.map((k) => `holds ${k} twice`),
    ...missing.map((k) => `lacks ${k}`),
  ];
};

/** Families whose desired rules do not fit beside the unmanaged ones. */
const fullFamilies = (
  sim: Simulation,
  rules: readonly ActualRule[],
  desired: ReadonlySet<string>,
): Set<string> => {
  const unmanaged = rules.filter((r) => !managedOf(sim.config, [r]).length);
  const covered = new Set(unmanaged.map(keyOf));
  const quota = sim.config.quota.rulesPerGroup;

  return new Set(
    (['ipv4', 'ipv6'] as const).filter((family) => {
      const adds = [...desired].filter(
        (k) => familyOfKey(k) === family && !covered.has(k),
      );
      return familyCount(unmanaged, family) + adds.length > quota;
    }),
  );
};
