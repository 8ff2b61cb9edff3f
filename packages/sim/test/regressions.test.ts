import { describe, expect, it } from 'vitest';
import {
  runHistory,
  withText,
  type ClusterShape,
  type Step,
} from '../src/index.js';

const play = (shape: ClusterShape, steps: readonly Step[]) =>
  runHistory(withText({ shape, steps }));

const twoRegions = (quota = 60): ClusterShape => ({
  regions: 2,
  templates: 1,
  quota,
  addressKind: 'public-ipv4',
});

describe('histories the simulation once failed', () => {
  it('lets a redelivered termination leave a tombstone', async () => {
    // arrange: the shrunk history of the failure; the first delivery of
    // the termination failed (throttled observe), so the redelivery is
    // the first to record it, as a final leave of an unknown instance
    const steps: Step[] = [
      { kind: 'attach', region: 1, late: false },
      { kind: 'throttle', region: 1, call: 'observe' },
      { kind: 'scale-in', region: 1, pick: 0 },
      { kind: 'deliver', region: 1, pick: 0 },
      { kind: 'duplicate', region: 1, pick: 0 },
    ];

    // act
    const outcome = await play(twoRegions(), steps);

    // assert
    expect(outcome.violations).toStrictEqual([]);
    expect(outcome.convergence?.convergedAfter).toBeDefined();
  });

  it('completes a launch whose instance was terminated directly first', async () => {
    // arrange: the shrunk history of the failure
    const steps: Step[] = [
      { kind: 'scale-out', region: 0, late: false },
      { kind: 'terminate-directly', region: 0, pick: 0 },
    ];

    // act
    const outcome = await play(twoRegions(), steps);

    // assert
    expect(outcome.violations).toStrictEqual([]);
    expect(outcome.convergence?.convergedAfter).toBeDefined();
  });

  it('converges when a full group swaps a departed member for a new one', async () => {
    // arrange: the shrunk history of the failure, quota 4
    const out: Step = { kind: 'scale-out', region: 0, late: false };
    const steps: Step[] = [
      out,
      out,
      out,
      { kind: 'true-up', region: 0 },
      out,
      out,
      { kind: 'terminate-directly', region: 0, pick: 0 },
    ];

    // act
    const outcome = await play(twoRegions(4), steps);

    // assert
    expect(outcome.violations).toStrictEqual([]);
  });

  it('never lets the operator fill an IPv6 group past its quota with a group-sourced rule', async () => {
    // arrange: a full IPv6 group; a group-sourced rule counts in both
    // families, so EC2 refuses it too
    const shape: ClusterShape = { ...twoRegions(2), addressKind: 'ipv6' };
    const steps: Step[] = [
      { kind: 'attach', region: 0, late: false },
      { kind: 'attach', region: 0, late: false },
      { kind: 'true-up', region: 0 },
      { kind: 'operator-add', region: 0, rule: 'group-source' },
    ];

    // act
    const outcome = await play(shape, steps);

    // assert
    expect(outcome.violations).toStrictEqual([]);
  });
});
