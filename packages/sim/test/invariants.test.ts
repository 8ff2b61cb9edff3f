import { describe, expect, it } from 'vitest';
import {
  InvariantChecker,
  Simulation,
  targetOf,
  type ClusterShape,
} from '../src/index.js';

const shape: ClusterShape = {
  regions: 2,
  templates: 1,
  quota: 60,
  addressKind: 'public-ipv4',
};

const setUp = async () => {
  const sim = new Simulation(shape);
  await sim.step({ kind: 'scale-out', region: 0, late: false });
  await sim.step({ kind: 'deliver', region: 0, pick: 0 });

  return { sim, checker: new InvariantChecker(sim) };
};

const addManaged = (sim: Simulation, cidr: string): string => {
  const region = sim.regions[0] ?? '';
  const firewall = sim.cluster.region(region).firewall;

  return firewall.addRule(targetOf(sim.cluster, region), {
    protocol: 'tcp',
    fromPort: 7000,
    toPort: 7001,
    cidr,
    description: sim.config.marker.description,
    tags: { [sim.config.marker.tagKey]: sim.config.marker.tagValue },
  });
};

const brokenIds = (checker: InvariantChecker) =>
  [...new Set(checker.safety([], false).map((v) => v.invariant))].sort();

describe('the invariant checks', () => {
  it('hold on a cluster that sgsync keeps', async () => {
    const { sim, checker } = await setUp();

    expect(checker.safety([], false)).toStrictEqual([]);
    await sim.step({ kind: 'true-up', region: 1 });
    expect(checker.converged()).toStrictEqual([]);
  });

  it('see a managed rule for an address no member had (1)', async () => {
    // arrange
    const { sim, checker } = await setUp();

    // act
    addManaged(sim, '203.0.113.99/32');

    // assert
    expect(brokenIds(checker)).toStrictEqual([1]);
  });

  it('see a managed rule open to the world (1, 4)', async () => {
    const { sim, checker } = await setUp();

    addManaged(sim, '0.0.0.0/0');

    expect(brokenIds(checker)).toStrictEqual([1, 4]);
  });

  it('see an operator rule that went away behind the model (3)', async () => {
    // arrange
    const { sim, checker } = await setUp();
    await sim.step({ kind: 'operator-add', region: 0, rule: 'office-ssh' });
    const region = sim.regions[0] ?? '';
    const [id] = sim.operatorRules.get(region)?.keys() ?? [];

    // act
    sim.cluster
      .region(region)
      .firewall.removeRule(targetOf(sim.cluster, region), id ?? '');

    // assert
    expect(brokenIds(checker)).toStrictEqual([3]);
  });

  it('see a received action left pending (5)', async () => {
    // arrange
    const { sim, checker } = await setUp();
    await sim.step({ kind: 'scale-out', region: 0, late: false });
    const [event] = sim.pending.get(sim.regions[0] ?? '') ?? [];

    // act: sgsync receives it, as far as the model knows, and does nothing
    sim.received.set(event?.action.token ?? '', sim.regions[0] ?? '');

    // assert
    expect(brokenIds(checker)).toStrictEqual([5]);
  });

  it('see a target that lacks a member after healing (2)', async () => {
    // arrange
    const { sim, checker } = await setUp();

    // act: a second member that sgsync never hears of
    sim.cluster
      .region(sim.regions[1] ?? '')
      .autoScaling.attach(`${sim.config.cluster}-${sim.regions[1] ?? ''}`);

    // assert
    expect(checker.converged().map((v) => v.invariant)).toContain(2);
  });
});
