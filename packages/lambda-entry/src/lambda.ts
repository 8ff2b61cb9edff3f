import {
  AutoScalingLifecycleSignal,
  createAwsClients,
  createAwsRegionPorts,
} from '@sgsync/aws-adapters';
import { createHandler, type SgsyncHandler } from './handler.js';

/**
 * The function's handler on AWS: the configuration is read and the SDK
 * clients are built once, when Lambda loads this module (cold start).
 * The Lambda runtime calls it as `index.handler` in the bundle that
 * `pnpm package` builds.
 */
export const handler: SgsyncHandler = createHandler({
  env: process.env,
  portsFor: (config, region, settings) =>
    createAwsRegionPorts(
      config,
      region,
      settings.snapshotEvery > 0
        ? { snapshotEvery: settings.snapshotEvery }
        : {},
    ),
  lifecycleFor: (region) =>
    new AutoScalingLifecycleSignal({
      client: createAwsClients(region).autoScaling,
      region,
    }),
});
