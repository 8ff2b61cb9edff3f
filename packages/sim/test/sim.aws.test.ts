import {
  handleRemoteChange,
  isManaged,
  isSingleAddress,
  streamName,
  trueUp,
  type ActualRule,
  type RunReport,
} from '@sgsync/core';
import { canonicalJson } from '@sgsync/in-memory';
import fc from 'fast-check';
import { match } from 'ts-pattern';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desiredKeys } from '../src/index.js';
import { AwsWorld } from './support/awsWorld.js';
import { MotoServer, firstEndpoint } from './support/moto.js';

const [EAST, WEST] = ['us-east-1', 'eu-west-1'] as const;

/** The steps moto can take: scaling, runs, out-of-band rule changes. */
type AwsStep =
  | { readonly kind: 'resize'; readonly region: number; readonly size: number }
  | { readonly kind: 'true-up'; readonly region: number }
  | { readonly kind: 'notices'; readonly region: number }
  | { readonly kind: 'operator-add'; readonly region: number }
  | { readonly kind: 'revoke-managed'; readonly region: number };

const region = fc.nat(1);
const stepArb: fc.Arbitrary<AwsStep> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('resize'),
      region,
      size: fc.nat(3),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('true-up'), region }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('notices'), region }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('operator-add'), region }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('revoke-managed'), region }),
  },
);

/** Steps before, during and after an outage of eu-west-1's server. */
const historyArb = fc.record({
  before: fc.array(stepArb, { minLength: 1, maxLength: 3 }),
  during: fc.array(stepArb, { minLength: 1, maxLength: 2 }),
  after: fc.array(stepArb, { maxLength: 2 }),
});

describe('the simulation on moto, two regions on two servers', () => {
  let west: MotoServer;
  let world: AwsWorld;
  const everMembers = new Set<string>();
  const operatorRules = new Map<string, Map<string, ActualRule>>([
    [EAST, new Map()],
    [WEST, new Map()],
  ]);
  const streamsSeen = new Map<string, string[]>();
  let operatorCount = 0;

  const regionAt = (i: number) => (i % 2 === 0 ? EAST : WEST);
  const down = (name: string) => name === WEST && west.isPaused();

  const rulesOf = async (name: string): Promise<readonly ActualRule[]> => {
    const ctx = world.contextOf(name);
    const target = {
      region: name,
      kind: 'security-group' as const,
      id: world.region(name).groupId,
    };

    return (await ctx.ports.firewall.readRules(target))._unsafeUnwrap();
  };

  const noteMembers = async () => {
    for (const r of world.regions) {
      if (down(r.name)) continue;
      for (const cidr of await world.memberCidrs(r.name)) everMembers.add(cidr);
    }
  };

  const deliverNotices = async (name: string): Promise<RunReport[]> => {
    const reports = [];
    for (const notice of world.inboxes.get(name)?.splice(0) ?? []) {
      reports.push(await handleRemoteChange(world.contextOf(name), notice));
    }

    return reports;
  };

  const addOperatorRule = async (name: string): Promise<void> => {
    operatorCount += 1;
    const cidr = await world.addOperatorRule(name, operatorCount);
    const rule = (await rulesOf(name)).find((r) => r.cidr === cidr);
    if (rule) operatorRules.get(name)?.set(rule.ruleId, rule);
  };

  const revokeManaged = async (name: string): Promise<void> => {
    const [managed] = (await rulesOf(name)).filter((r) =>
      isManaged(r, world.config.marker),
    );
    if (managed) await world.revokeRule(name, managed.ruleId);
  };

  /** Plays a step; a step in a region whose server is paused waits. */
  const play = async (step: AwsStep): Promise<unknown> => {
    const name = regionAt(step.region);
    if (down(name)) return undefined;

    return match(step)
      .with({ kind: 'resize' }, (s) => world.resize(name, s.size))
      .with({ kind: 'true-up' }, () => trueUp(world.contextOf(name)))
      .with({ kind: 'notices' }, () => deliverNotices(name))
      .with({ kind: 'operator-add' }, () => addOperatorRule(name))
      .with({ kind: 'revoke-managed' }, () => revokeManaged(name))
      .exhaustive();
  };

  /** Invariants 1, 3, 4, 6 and 8 on every reachable region. */
  const checkSafety = async () => {
    for (const r of world.regions) {
      if (down(r.name)) continue;
      const rules = await rulesOf(r.name);
      const managed = rules.filter((x) => isManaged(x, world.config.marker));
      for (const rule of managed) {
        expect(everMembers, 'invariant 1').toContain(rule.cidr);
        expect(isSingleAddress(rule.cidr ?? ''), 'invariant 4').toBe(true);
      }
      for (const own of operatorRules.get(r.name)?.values() ?? []) {
        const now = rules.find((x) => x.ruleId === own.ruleId);
        expect(canonicalJson(now), 'invariant 3').toBe(canonicalJson(own));
      }
      expect(rules.length, 'invariant 8').toBeLessThanOrEqual(
        world.config.quota.rulesPerGroup,
      );
      await checkStreams(r.name);
    }
  };

  /** Invariant 6: a region's store only grows. */
  const checkStreams = async (name: string) => {
    for (const origin of world.regions) {
      const stream = streamName(world.config.cluster, origin.name);
      const slice = (
        await world.storeOf(name).readStream(stream)
      )._unsafeUnwrap();
      const texts = slice.events.map((e) => canonicalJson(e.event));
      const before = streamsSeen.get(`${name}|${stream}`) ?? [];
      expect(texts.slice(0, before.length), 'invariant 6').toStrictEqual(
        before,
      );
      streamsSeen.set(`${name}|${stream}`, texts);
    }
  };

  const heal = async () => {
    west.resume();
    for (const r of world.regions) await trueUp(world.contextOf(r.name));
    for (const r of world.regions) await deliverNotices(r.name);
    await noteMembers();
  };

  /** Invariant 2: every target holds exactly the cluster's rules. */
  const checkConvergence = async () => {
    const cidrs = new Set([
      ...(await world.memberCidrs(EAST)),
      ...(await world.memberCidrs(WEST)),
    ]);
    const desired = [...desiredKeys(world.config, cidrs)].sort();
    for (const r of world.regions) {
      const managed = (await rulesOf(r.name))
        .filter((x) => isManaged(x, world.config.marker))
        .map((x) => `${x.protocol}|${x.fromPort}|${x.toPort}|${x.cidr}`)
        .sort();
      expect(managed, `invariant 2 in ${r.name}`).toStrictEqual(desired);
    }
  };

  beforeAll(async () => {
    west = await MotoServer.start();
    world = await AwsWorld.create({
      [EAST]: firstEndpoint(),
      [WEST]: west.endpoint,
    });
    await noteMembers();
  }, 60_000);

  afterAll(async () => {
    await west?.stop();
  });

  it('keeps the invariants through an outage and out-of-band changes, then converges', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb, async (history) => {
        for (const step of history.before) {
          await play(step);
          await noteMembers();
          await checkSafety();
        }
        west.pause();
        for (const step of history.during) {
          await play(step);
          await noteMembers();
          await checkSafety();
        }
        await heal();
        await checkSafety();
        await checkConvergence();

        // invariant 7: a second true-up per region records and changes nothing
        const again = [];
        for (const r of world.regions)
          again.push(await trueUp(world.contextOf(r.name)));
        expect(
          again.flatMap((r) => r.recorded),
          'invariant 7',
        ).toStrictEqual([]);
        expect(
          again.flatMap((r) => r.targets.filter((t) => t.outcome?.calls)),
          'invariant 7',
        ).toStrictEqual([]);

        for (const step of history.after) {
          await play(step);
          await noteMembers();
          await checkSafety();
        }
      }),
      { numRuns: 5, endOnFailure: true },
    );
  }, 110_000);
});
