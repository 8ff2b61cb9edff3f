/** Any SDK v3 client: the counter adds a middleware to its stack. */
export interface CountableClient {
  readonly middlewareStack: object;
}

/** The one method of a middleware stack that the counter calls. */
interface AddOnlyStack {
  add(
    middleware: (
      next: (args: unknown) => Promise<unknown>,
      context: { readonly commandName?: string; readonly clientName?: string },
    ) => (args: unknown) => Promise<unknown>,
    options: { readonly step: 'initialize'; readonly name: string },
  ): void;
}

/**
 * Counts the AWS calls that clients make, by operation (`EC2Client:
 * DescribeSecurityGroupRulesCommand`). A call counts once however many
 * times the SDK retried it. Used by tests and benchmarks to check how many
 * calls a flow costs.
 *
 * @example
 * ```ts
 * const counter = new AwsCallCounter();
 * counter.attach(new EC2Client({ region: 'eu-west-1' }));
 * // ... run a flow ...
 * counter.total(); // every call since the last reset
 * ```
 */
export class AwsCallCounter {
  readonly #counts = new Map<string, number>();

  /** Adds the counting middleware to a client. */
  attach(client: CountableClient): void {
    // Every SDK client's stack has `add`; its generic types differ per
    // service, so the stack is narrowed to the one method used here.
    const stack = client.middlewareStack as AddOnlyStack;
    stack.add(
      (next, context) => (args) => {
        const key = `${context.clientName ?? 'Client'}:${
          context.commandName ?? 'Command'
        }`;
        this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);

        return next(args);
      },
      { step: 'initialize', name: 'sgsyncCallCounter' },
    );
  }

  /** Every call counted since the last reset. */
  total(): number {
    let sum = 0;
    for (const count of this.#counts.values()) sum += count;

    return sum;
  }

  /** The calls counted by operation, sorted by name. */
  byOperation(): Readonly<Record<string, number>> {
    return Object.fromEntries(
      [...this.#counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1)),
    );
  }

  /** Forgets every count. */
  reset(): void {
    this.#counts.clear();
  }
}
