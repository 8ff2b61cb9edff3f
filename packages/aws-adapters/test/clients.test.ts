import { createAwsClients } from '@sgsync/aws-adapters';
import { describe, expect, it } from 'vitest';

describe('createAwsClients', () => {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
  const clients = createAwsClients('ap-southeast-2', {
    endpoint: 'http://127.0.0.1:4566',
    credentials,
    maxAttempts: 4,
    retryMode: 'standard',
    connectionTimeoutMs: 750,
    requestTimeoutMs: 1500,
  });
  const all = [
    clients.ec2,
    clients.autoScaling,
    clients.dynamoDb,
    clients.eventBridge,
  ];

  it('gives every client the explicit region, retries and endpoint', async () => {
    for (const client of all) {
      expect(await client.config.region()).toBe('ap-southeast-2');
      expect(await client.config.maxAttempts()).toBe(4);
      const strategy = (await client.config.retryStrategy()) as {
        mode?: string;
      };
      expect(strategy.mode).toBe('standard');
      expect(client.config.endpoint).toBeDefined();
      const endpoint = await client.config.endpoint?.();
      expect(endpoint?.hostname).toBe('127.0.0.1');
      expect(endpoint?.port).toBe(4566);
    }
  });

  it('retries adaptively by default', async () => {
    const strategy = (await createAwsClients(
      'eu-west-1',
    ).ec2.config.retryStrategy()) as { mode?: string };

    expect(strategy.mode).toBe('adaptive');
  });

  it('passes the credentials through to every client', async () => {
    for (const client of all) {
      expect(await client.config.credentials()).toMatchObject(credentials);
    }
  });

  it('bounds the connection and request timeouts of every client', async () => {
    for (const client of all) {
      const handler = client.config.requestHandler as {
        configProvider?: Promise<Record<string, unknown>>;
        config?: Record<string, unknown>;
      };
      const config = handler.config ?? (await handler.configProvider);
      expect(config).toMatchObject({
        connectionTimeout: 750,
        requestTimeout: 1500,
        throwOnRequestTimeout: true,
      });
    }
  });
});
