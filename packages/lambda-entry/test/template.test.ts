import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SNAPSHOT_EVERY, ENV } from '../src/index.js';

const template = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'template.yaml',
);

const CFN_LINT_MISSING =
  "cfn-lint was not found on PATH. It is expected with the machine's " +
  'pyenv Python (`pip install cfn-lint` there); the deployment template ' +
  'cannot be checked without it.';

describe('the deployment template', () => {
  it('passes cfn-lint with no error and no warning', () => {
    // act
    const run = spawnSync('cfn-lint', [template], { encoding: 'utf8' });

    // assert
    if (run.error)
      throw new Error(`${CFN_LINT_MISSING} (${run.error.message})`);
    expect(`${run.stdout}${run.stderr}`.trim()).toBe('');
    expect(run.status).toBe(0);
  }, 120_000);

  it('lets both lifecycle hooks continue by default', () => {
    const text = readFileSync(template, 'utf8');

    expect(text.match(/DefaultResult: CONTINUE/g)).toHaveLength(2);
    expect(text).not.toContain('DefaultResult: ABANDON');
  });

  it('passes SnapshotEvery, defaulting as the function does', () => {
    const text = readFileSync(template, 'utf8');
    const parameter = text
      .split(/^ {2}SnapshotEvery:\n/m)[1]
      ?.split(/^ {2}\w/m)[0];

    expect(text).toContain(`${ENV.snapshotEvery}: !Ref SnapshotEvery`);
    expect(parameter).toMatch(
      new RegExp(`^ {4}Default: ${DEFAULT_SNAPSHOT_EVERY}$`, 'm'),
    );
  });

  it('creates the notice bus only when it is not the default bus', () => {
    const text = readFileSync(template, 'utf8');

    const bus = text.split(/^ {2}NoticeBus:\n/m)[1]?.split(/^ {2}\w/m)[0];

    expect(text).toContain(
      'CreatesNoticeBus: !Not [!Equals [!Ref NoticeBusName, default]]',
    );
    expect(bus).toContain('Type: AWS::Events::EventBus');
    expect(bus).toContain('Condition: CreatesNoticeBus');
  });
});

const readme = join(dirname(fileURLToPath(import.meta.url)), '..', 'README.md');

/** The `sh` code blocks of the README, continuation lines joined. */
const shellBlocks = (markdown: string): string[] =>
  [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) =>
    (m[1] ?? '').replace(/\\\n/g, ' '),
  );

/**
 * Splits one command line into shell words as a POSIX shell would before
 * expansion: quotes group, whitespace outside quotes separates. Quotes
 * stay in the words, so that a test can see how a word was formed.
 */
const shellWords = (line: string): string[] =>
  line.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? [];

/** Each `aws cloudformation deploy` command of the README, as words. */
const deployCommands = (markdown: string): string[][] =>
  shellBlocks(markdown)
    .flatMap((block) => block.split('\n'))
    .map(shellWords)
    .filter((w) => w.slice(0, 3).join(' ') === 'aws cloudformation deploy');

/** The overrides of a deploy command: the words after the option. */
const overridesOf = (words: readonly string[]): string[] => {
  const start = words.indexOf('--parameter-overrides') + 1;
  const rest = words.slice(start);
  const end = rest.findIndex((w) => w.startsWith('--'));

  return end === -1 ? rest : rest.slice(0, end);
};

/** The template's parameters that have no default. */
const requiredParameters = (yaml: string): string[] => {
  const section = yaml.split(/^Parameters:\n/m)[1]?.split(/^\S/m)[0] ?? '';

  return section
    .split(/^ {2}(?=\w)/m)
    .filter((p) => p.trim() !== '' && !/^ {4}Default:/m.test(p))
    .map((p) => p.split(':')[0] ?? '');
};

describe('the deployment steps of the README', () => {
  const text = readFileSync(readme, 'utf8');
  const deploys = deployCommands(text);

  it('deploys each region with aws cloudformation deploy', () => {
    expect(deploys).toHaveLength(2);
    expect(shellBlocks(text).join('\n')).not.toMatch(/\bsam deploy\b/);
  });

  it('passes ClusterConfig as one double-quoted shell word', () => {
    expect(deploys).not.toHaveLength(0);
    deploys.forEach((words) => {
      const config = overridesOf(words).filter((w) =>
        w.replace(/^"/, '').startsWith('ClusterConfig='),
      );

      expect(config).toEqual(['"ClusterConfig=$(jq -c . cluster.json)"']);
    });
  });

  it('gives every parameter without a default in every region', () => {
    const required = requiredParameters(readFileSync(template, 'utf8'));

    expect(required).toContain('ClusterConfig');
    expect(deploys).not.toHaveLength(0);
    deploys.forEach((words) => {
      const keys = overridesOf(words).map(
        (w) => w.replace(/^"/, '').split('=')[0],
      );
      expect(keys).toEqual(expect.arrayContaining(required));
    });
  });

  it('runs every command from the repository root', () => {
    const blocks = shellBlocks(text).join('\n');

    expect(blocks).not.toMatch(/(^|[;&|]\s*)cd\s/m);
    expect(blocks).toContain(
      '--template-file packages/lambda-entry/template.yaml',
    );
    expect(deploys).not.toHaveLength(0);
    deploys.forEach((words) => {
      const file = words[words.indexOf('--template-file') + 1];
      expect(file).toMatch(/^packages\/lambda-entry\/build\/packaged-/);
    });
  });

  it('sets every shell variable in the block that uses it', () => {
    shellBlocks(text).forEach((block) => {
      const used = [...block.matchAll(/\$\{?([A-Za-z_]\w*)/g)].map((m) => m[1]);
      used.forEach((name) => {
        expect(block, `$${name} in:\n${block}`).toMatch(
          new RegExp(`(^|[\\s;(])(${name}=|for ${name} in)`, 'm'),
        );
      });
    });
  });
});
