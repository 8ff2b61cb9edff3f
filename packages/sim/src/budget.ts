/**
 * How many histories a property suite plays: `defaultRuns`, or its
 * share of `SGSYNC_SOAK_RUNS` (spread over `suites` suites) for a soak.
 *
 * @example
 * ```ts
 * // SGSYNC_SOAK_RUNS=20000 over 8 suites: 2500 histories each
 * const runs = historiesPerSuite(130, 8, process.env);
 * ```
 */
export const historiesPerSuite = (
  defaultRuns: number,
  suites: number,
  env: Readonly<Record<string, string | undefined>>,
): number => {
  const soak = Number(env['SGSYNC_SOAK_RUNS']);

  return Number.isInteger(soak) && soak > 0
    ? Math.max(1, Math.ceil(soak / suites))
    : defaultRuns;
};

/**
 * The seed and path of a failure to replay, from `SGSYNC_SIM_SEED` and
 * `SGSYNC_SIM_PATH` (fast-check prints both), or none.
 */
export const replayFrom = (
  env: Readonly<Record<string, string | undefined>>,
): { seed?: number; path?: string } => {
  const seed = Number(env['SGSYNC_SIM_SEED']);
  const path = env['SGSYNC_SIM_PATH'];

  return {
    ...(env['SGSYNC_SIM_SEED'] && Number.isInteger(seed) ? { seed } : {}),
    ...(path ? { path } : {}),
  };
};

/** The property suites of this package, for {@link historiesPerSuite}. */
export const PROPERTY_SUITES = 8;

/** The steps of a history in the default run (a soak uses the same). */
export const DEFAULT_MAX_STEPS = 30;
