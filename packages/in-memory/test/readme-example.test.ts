import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

const read = (path: string): Promise<string> =>
  readFile(new URL(path, import.meta.url), 'utf8');

describe('the embedding example of the README', () => {
  it('is the same code as examples/embed.ts', async () => {
    // arrange
    const readme = await read('../../../README.md');
    const example = await read('../examples/embed.ts');

    // act
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map(
      (m) => m[1],
    );

    // assert
    expect(blocks).toContain(example);
  });

  it('runs, and opens the other region to the new member', async () => {
    // act
    const { outcome } = await import('../examples/embed.js');

    // assert
    expect(outcome.joined).toEqual(['MemberJoined']);
    expect(outcome.planned._unsafeUnwrap()).toBe(1);
    expect(outcome.westRules.map((r) => r.description)).toEqual([
      'sgsync:orders-db',
    ]);
  });
});
