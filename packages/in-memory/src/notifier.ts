import type { ChangeNotice, Notifier, SgsyncError } from '@sgsync/core';
import { err, ok, type ResultAsync } from 'neverthrow';
import { InMemoryWorld } from './world.js';

/** What an in-memory notifier is built with. */
export interface InMemoryNotifierOptions {
  /** The region that sends the notices. */
  readonly region: string;
  readonly world?: InMemoryWorld;
}

/**
 * Sends change notices to the inbox of another region in the same world,
 * where a test or a demo drains them (`world.inboxes.drain(region)`).
 * A call counts against, and fails with the faults of, the region it
 * reaches; a region without an inbox is `NotFound`, like a missing bus.
 *
 * @example
 * ```ts
 * const world = new InMemoryWorld();
 * world.inboxes.open('eu-west-1');
 * const notifier = new InMemoryNotifier({ region: 'us-east-1', world });
 * await notifier.notify('eu-west-1', notice);
 * world.inboxes.drain('eu-west-1'); // [notice]
 * ```
 */
export class InMemoryNotifier implements Notifier {
  readonly region: string;
  private readonly world: InMemoryWorld;

  constructor(options: InMemoryNotifierOptions) {
    this.region = options.region;
    this.world = options.world ?? new InMemoryWorld();
  }

  /** Delivers the notice to the region's inbox. */
  notify(
    toRegion: string,
    notice: ChangeNotice,
  ): ResultAsync<void, SgsyncError> {
    return this.world.run(
      { region: toRegion, service: 'notifier', operation: 'notify' },
      () => {
        if (!this.world.inboxes.has(toRegion)) {
          return err(noBus(toRegion));
        }

        this.world.inboxes.deliver(toRegion, notice);
        return ok(undefined);
      },
    );
  }
}

const noBus = (region: string): SgsyncError => ({
  kind: 'NotFound',
  message: `no event bus receives notices in ${region}`,
  resource: `event-bus:${region}`,
});
