/**
 * Tests that need something not every machine has (python3 with NumPy, …): skipped on a developer's
 * machine, but under CI they run and fail with a message naming what is missing — CI never passes by
 * skipping. CI is detected as the `CI` environment variable set to anything but '', '0' or 'false'
 * (GitHub Actions, GitLab, Azure Pipelines and most others set `CI=true`).
 */
import assert from 'node:assert/strict';

export function isCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.CI;
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

/**
 * The `skip` option for a test or suite that needs a prerequisite: `missing` says what is absent
 * (undefined when all is there). Returns the skip reason on a developer's machine, false under CI and
 * when nothing is missing — the test then runs and must call `requirePrerequisite(missing)` first.
 */
export function skipWithout(missing: string | undefined, env: NodeJS.ProcessEnv = process.env): string | false {
  if (missing === undefined || isCI(env)) return false;
  return `${missing} (with CI set, this fails instead of skipping)`;
}

/** Fails the running test when a prerequisite is missing (reached only under CI; elsewhere it was skipped). */
export function requirePrerequisite(missing: string | undefined): void {
  if (missing !== undefined) assert.fail(`missing prerequisite: ${missing}; CI must not pass by skipping this test, so install it on the CI machine`);
}
