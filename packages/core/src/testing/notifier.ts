import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeNotice } from '../ports.js';
import type { NotifierHarness } from './harness.js';
import { errOf, okOf } from './results.js';

/**
 * The contract every `Notifier` adapter passes: a notice to a reachable
 * region arrives once and intact; a notice to an unreachable region fails
 * with `Unreachable` or `NotFound`.
 *
 * @example
 * ```ts
 * notifierContract('InMemoryNotifier', async () => inMemoryNotifierHarness());
 * ```
 */
export const notifierContract = (
  adapterName: string,
  setup: () => Promise<NotifierHarness>,
): void => {
  describe(adapterName, () => {
    let harness: NotifierHarness;
    const h = () => harness;
    let sent = 0;
    const notice = (): ChangeNotice => {
      sent += 1;
      return {
        cluster: 'contract',
        fromRegion: 'eu-west-1',
        stream: `contract/notice-${sent}`,
        version: sent,
        sentAt: '2026-01-01T00:00:00.000Z',
      };
    };

    beforeAll(async () => {
      harness = await setup();
    });
    afterAll(async () => {
      await harness?.cleanup?.();
    });

    delivering(h, notice);
  });
};

type Get = () => NotifierHarness;

const arrivedOf = async (
  h: NotifierHarness,
  stream: string,
): Promise<ChangeNotice[]> =>
  (await h.received(h.reachableRegion)).filter((n) => n.stream === stream);

const delivering = (h: Get, notice: () => ChangeNotice): void => {
  it('delivers a notice to a reachable region once, intact', async () => {
    const sent = notice();

    await okOf(h().notifier.notify(h().reachableRegion, sent));

    expect(await arrivedOf(h(), sent.stream)).toStrictEqual([sent]);
  });

  it('delivers each of several notices', async () => {
    const first = notice();
    const second = notice();

    await okOf(h().notifier.notify(h().reachableRegion, first));
    await okOf(h().notifier.notify(h().reachableRegion, second));

    expect(await arrivedOf(h(), first.stream)).toStrictEqual([first]);
    expect(await arrivedOf(h(), second.stream)).toStrictEqual([second]);
  });

  it('fails with a typed error when the region is unreachable', async () => {
    const sent = notice();

    const error = await errOf(h().notifier.notify(h().unreachableRegion, sent));

    expect(['Unreachable', 'NotFound']).toContain(error.kind);
  });
};
