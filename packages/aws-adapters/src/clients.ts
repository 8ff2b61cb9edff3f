import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client, type EC2ClientConfig } from '@aws-sdk/client-ec2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCallCounter } from './call-counter.js';

/** Credentials as every SDK client takes them: values or a provider. */
export type AwsCredentials = NonNullable<EC2ClientConfig['credentials']>;

/**
 * How every AWS client is built. All fields are optional; the defaults
 * suit a Lambda function that must answer within a lifecycle hook's
 * timeout.
 */
export interface AwsClientOptions {
  /** Sends every call here instead of AWS (a moto server in tests). */
  readonly endpoint?: string;
  /** Passed to every client as is; the SDK's default chain otherwise. */
  readonly credentials?: AwsCredentials;
  /** Milliseconds to open a connection (default 2000). */
  readonly connectionTimeoutMs?: number;
  /** Milliseconds to wait for a response (default 10000). */
  readonly requestTimeoutMs?: number;
  /** Attempts per call, first one included (default 3). */
  readonly maxAttempts?: number;
  /** The SDK's retry mode (default `adaptive`: backoff plus rate limit). */
  readonly retryMode?: 'standard' | 'adaptive';
  /** Counts every call of every client built with these options. */
  readonly counter?: AwsCallCounter;
}

/** The SDK clients of one region. */
export interface AwsClients {
  readonly region: string;
  readonly ec2: EC2Client;
  readonly autoScaling: AutoScalingClient;
  readonly dynamoDb: DynamoDBClient;
  readonly eventBridge: EventBridgeClient;
}

/** The client settings shared by every service. */
export interface CommonClientConfig {
  readonly region: string;
  readonly endpoint?: string;
  readonly credentials?: AwsCredentials;
  readonly maxAttempts: number;
  readonly retryMode: string;
  readonly requestHandler: NodeHttpHandler;
}

/**
 * The settings every client of a region gets: an explicit region,
 * bounded connection and request timeouts, the SDK's retries with
 * backoff, and the optional endpoint and credentials.
 */
export const clientConfig = (
  region: string,
  options: AwsClientOptions = {},
): CommonClientConfig => ({
  region,
  ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
  ...(options.credentials === undefined
    ? {}
    : { credentials: options.credentials }),
  maxAttempts: options.maxAttempts ?? 3,
  retryMode: options.retryMode ?? 'adaptive',
  requestHandler: new NodeHttpHandler({
    connectionTimeout: options.connectionTimeoutMs ?? 2000,
    requestTimeout: options.requestTimeoutMs ?? 10_000,
    // Without it, the handler only logs a warning when the request timeout
    // passes and goes on waiting.
    throwOnRequestTimeout: true,
  }),
});

/**
 * Builds the EC2, Auto Scaling, DynamoDB and EventBridge clients of one
 * region, each with {@link clientConfig}, and attaches the counter if the
 * options carry one.
 *
 * @example
 * ```ts
 * const counter = new AwsCallCounter();
 * const clients = createAwsClients('eu-west-1', {
 *   endpoint: 'http://127.0.0.1:5000',
 *   counter,
 * });
 * ```
 */
export const createAwsClients = (
  region: string,
  options: AwsClientOptions = {},
): AwsClients => {
  const config = clientConfig(region, options);
  const clients: AwsClients = {
    region,
    ec2: new EC2Client(config),
    autoScaling: new AutoScalingClient(config),
    dynamoDb: new DynamoDBClient(config),
    eventBridge: new EventBridgeClient(config),
  };
  if (options.counter) {
    const counter = options.counter;
    [
      clients.ec2,
      clients.autoScaling,
      clients.dynamoDb,
      clients.eventBridge,
    ].forEach((client) => counter.attach(client));
  }

  return clients;
};
