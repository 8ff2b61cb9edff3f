import {
  PutEventsCommand,
  type EventBridgeClient,
  type PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import type {
  ChangeNotice,
  Notifier,
  RegionName,
  SgsyncError,
} from '@sgsync/core';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import { translateCommonError, type CallSite } from './sdk-errors.js';

/** The `Source` of every event sgsync puts on a bus. */
export const NOTICE_SOURCE = 'sgsync';

/** The `DetailType` of a change notice; its `Detail` is the notice JSON. */
export const NOTICE_DETAIL_TYPE = 'sgsync.stream-changed';

/** One region that notices are sent to: its client and its bus. */
export interface NoticeDestination {
  readonly client: EventBridgeClient;
  /** The bus name (or ARN) in that region. */
  readonly eventBus: string;
}

/**
 * The notifier port on EventBridge: one PutEvents call to the bus of the
 * region told, with {@link NOTICE_SOURCE}, {@link NOTICE_DETAIL_TYPE} and
 * the notice as JSON detail. PutEvents answers 200 even when an entry
 * failed, so the answer's FailedEntryCount and ErrorCode are checked.
 *
 * @example
 * ```ts
 * const notifier = new EventBridgeNotifier(
 *   new Map([['us-east-1', { client, eventBus: 'sgsync' }]]),
 * );
 * await notifier.notify('us-east-1', notice);
 * ```
 */
export class EventBridgeNotifier implements Notifier {
  readonly #destinations: ReadonlyMap<RegionName, NoticeDestination>;

  constructor(destinations: ReadonlyMap<RegionName, NoticeDestination>) {
    this.#destinations = destinations;
  }

  /** Puts the notice on the bus of `toRegion`. */
  notify(
    toRegion: RegionName,
    notice: ChangeNotice,
  ): ResultAsync<void, SgsyncError> {
    const destination = this.#destinations.get(toRegion);
    if (destination === undefined) return errAsync(noDestination(toRegion));

    const site: CallSite = {
      service: 'events',
      region: toRegion,
      resource: `event bus ${destination.eventBus}`,
      item: `${notice.stream} version ${notice.version}`,
      operation: 'PutEvents',
    };

    return ResultAsync.fromPromise(
      destination.client.send(putEvents(destination, notice)),
      (error) => translateCommonError(error, site),
    ).andThen((out) => {
      const failed = (out.Entries ?? []).find((e) => e.ErrorCode);

      return (out.FailedEntryCount ?? 0) > 0 || failed
        ? errAsync(entryFailed(site, failed))
        : okAsync(undefined);
    });
  }
}

const putEvents = (
  destination: NoticeDestination,
  notice: ChangeNotice,
): PutEventsCommand =>
  new PutEventsCommand({
    Entries: [
      {
        Source: NOTICE_SOURCE,
        DetailType: NOTICE_DETAIL_TYPE,
        Detail: JSON.stringify(notice),
        EventBusName: destination.eventBus,
      },
    ],
  });

/** A failed entry, as the error its code stands for. */
const entryFailed = (
  site: CallSite,
  entry: PutEventsResultEntry | undefined,
): SgsyncError =>
  translateCommonError(
    {
      name: entry?.ErrorCode ?? 'FailedEntry',
      message: entry?.ErrorMessage ?? 'the entry was not put',
      $metadata: {
        httpStatusCode: entry?.ErrorCode === 'InternalFailure' ? 500 : 400,
      },
    },
    site,
  );

const noDestination = (region: RegionName): SgsyncError => ({
  kind: 'NotFound',
  message: `no event bus is configured for region ${region}`,
  resource: `event-bus:${region}`,
});
