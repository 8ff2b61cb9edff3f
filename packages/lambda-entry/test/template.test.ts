import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

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
});
