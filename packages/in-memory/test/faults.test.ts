import type { SgsyncError } from '@sgsync/core';
import { joinedEvents, okOf } from '@sgsync/core/testing';
import {
  Faults,
  InMemoryEventStore,
  InMemoryFirewall,
  InMemoryWorld,
  SteppingClock,
} from '@sgsync/in-memory';
import type { ResultAsync } from 'neverthrow';
import { describe, expect, it } from 'vitest';

const throttled: SgsyncError = {
  kind: 'Throttled',
  message: 'Rate exceeded',
  region: 'us-east-1',
  service: 'event-store',
};

const storesIn = (world: InMemoryWorld) => ({
  east: new InMemoryEventStore({ region: 'us-east-1', world }),
  west: new InMemoryEventStore({ region: 'eu-west-1', world }),
});

const kindOf = async <T>(
  call: ResultAsync<T, SgsyncError>,
): Promise<string> => {
  const result = await call;
  return result.isErr() ? result.error.kind : 'ok';
};

describe('Faults', () => {
  it('fails the next call with the given error, then lets calls through', async () => {
    const world = new InMemoryWorld();
    const { east } = storesIn(world);
    world.faults.failNext(throttled);

    const first = await kindOf(east.readStream('s'));
    const second = await kindOf(east.readStream('s'));

    expect([first, second]).toStrictEqual(['Throttled', 'ok']);
    expect(world.faults.pending()).toBe(0);
  });

  it('fails only the calls its match names, as many times as told', async () => {
    const world = new InMemoryWorld();
    const { east, west } = storesIn(world);
    world.faults.failTimes(2, throttled, {
      region: 'us-east-1',
      operation: 'appendToStream',
    });

    const kinds = [
      await kindOf(west.appendToStream('s', 0, joinedEvents(1))),
      await kindOf(east.readStream('s')),
      await kindOf(east.appendToStream('s', 0, joinedEvents(1))),
      await kindOf(east.appendToStream('s', 0, joinedEvents(1))),
      await kindOf(east.appendToStream('s', 0, joinedEvents(1))),
    ];

    expect(kinds).toStrictEqual(['ok', 'ok', 'Throttled', 'Throttled', 'ok']);
  });

  it('fails a call before it changes anything', async () => {
    const world = new InMemoryWorld();
    const { east } = storesIn(world);
    world.faults.failNext(throttled, { operation: 'appendToStream' });

    await east.appendToStream('s', 0, joinedEvents(2));

    expect(east.snapshot('s')).toStrictEqual([]);
  });

  it('fails every matching call until cleared', async () => {
    const world = new InMemoryWorld();
    const { east } = storesIn(world);
    world.faults.failAlways(throttled, { service: 'event-store' });

    const during = [
      await kindOf(east.readStream('s')),
      await kindOf(east.readStream('s')),
    ];
    world.faults.clear();

    expect(during).toStrictEqual(['Throttled', 'Throttled']);
    expect(await kindOf(east.readStream('s'))).toBe('ok');
  });

  it('builds the error from the call when given a function', async () => {
    const world = new InMemoryWorld();
    const { west } = storesIn(world);
    world.faults.failNext((call) => ({
      kind: 'Unexpected',
      message: `${call.region} ${call.operation}`,
    }));

    const result = await west.readStream('s');

    expect(result._unsafeUnwrapErr().message).toBe('eu-west-1 readStream');
  });

  it('makes every call to an unreachable region fail until it heals', async () => {
    const world = new InMemoryWorld();
    const { east, west } = storesIn(world);
    const firewall = new InMemoryFirewall({ region: 'eu-west-1', world });
    const target = firewall.createGroup();
    world.faults.makeUnreachable('eu-west-1');

    const cut = await west.readStream('s');
    const cutRules = await firewall.readRules(target);
    const other = await kindOf(east.readStream('s'));
    world.faults.heal('eu-west-1');

    expect(cut._unsafeUnwrapErr()).toMatchObject({
      kind: 'Unreachable',
      region: 'eu-west-1',
      service: 'event-store',
    });
    expect(cutRules._unsafeUnwrapErr().kind).toBe('Unreachable');
    expect(other).toBe('ok');
    expect(await kindOf(west.readStream('s'))).toBe('ok');
  });

  it('heals every region when none is named', () => {
    const faults = new Faults()
      .makeUnreachable('us-east-1')
      .makeUnreachable('eu-west-1');

    faults.heal();

    expect(faults.isUnreachable('us-east-1')).toBe(false);
    expect(faults.isUnreachable('eu-west-1')).toBe(false);
  });

  it('fails a plan halfway: rules revoked, authorize refused', async () => {
    const world = new InMemoryWorld();
    const firewall = new InMemoryFirewall({ region: 'us-east-1', world });
    const target = firewall.createGroup();
    const marker = {
      description: 'sgsync:t',
      tagKey: 'sgsync:cluster',
      tagValue: 't',
    };
    const old = firewall.addRule(target.id, {
      protocol: 'tcp',
      fromPort: 1,
      toPort: 1,
      cidr: '203.0.113.1/32',
      description: marker.description,
    });
    const rule = { protocol: 'tcp' as const, fromPort: 1, toPort: 1 };
    world.faults.failPlanHalfway({ region: 'us-east-1' });

    const result = await firewall.applyPlan({
      target,
      marker,
      authorize: [{ ...rule, cidr: '203.0.113.2/32' }],
      revoke: [{ ruleId: old, rule: { ...rule, cidr: '203.0.113.1/32' } }],
    });

    expect(result._unsafeUnwrapErr().kind).toBe('Unreachable');
    expect(firewall.rulesOf(target.id)).toStrictEqual([]);
  });

  it('delays matching calls through the injected sleep', async () => {
    const clock = new SteppingClock({ stepMs: 0 });
    const slept: number[] = [];
    const world = new InMemoryWorld({
      sleep: (ms) => {
        slept.push(ms);
        return clock.sleep(ms);
      },
    });
    const { east, west } = storesIn(world);
    world.faults.delay(250, { region: 'us-east-1' });

    await okOf(east.readStream('s'));
    await okOf(west.readStream('s'));

    expect(slept).toStrictEqual([250]);
    expect(clock.now()).toBe('2026-01-01T00:00:00.250Z');
  });

  it('counts calls per region and operation, failures included', async () => {
    const world = new InMemoryWorld();
    const { east, west } = storesIn(world);
    world.faults.failNext(throttled, { region: 'eu-west-1' });

    await east.readStream('s');
    await east.readStream('s');
    await west.readStream('s');
    await east.appendToStream('s', 0, joinedEvents(1));

    expect(world.calls.count({ region: 'us-east-1' })).toBe(3);
    expect(world.calls.count({ operation: 'readStream' })).toBe(3);
    expect(world.calls.failures()).toBe(1);
    expect(world.calls.snapshot()).toStrictEqual([
      {
        region: 'eu-west-1',
        service: 'event-store',
        operation: 'readStream',
        calls: 1,
        failures: 1,
      },
      {
        region: 'us-east-1',
        service: 'event-store',
        operation: 'appendToStream',
        calls: 1,
        failures: 0,
      },
      {
        region: 'us-east-1',
        service: 'event-store',
        operation: 'readStream',
        calls: 2,
        failures: 0,
      },
    ]);
  });
});
