import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The n-th call of a command (counted from the injector's start): its invocation dies (crash), gets an error,
 * stalls (the test's clock jumps, e.g. past a lease), or has its answer lost so that the SDK sends it again
 * (`retried`, after the call only, whether the service did what it asked or refused it).
 */
export interface CallFault<C extends string = string> {
  command: C;
  nth: number;
  when: 'before' | 'after';
  effect: 'crash' | 'error' | 'stall' | 'retried';
}

export class InvocationCrashed extends Error {
  override name = 'InvocationCrashed';
}

/** One Lambda invocation (or CLI process), and whether it has died. */
interface Invocation {
  dead: boolean;
}

/** What `addTo` needs of an SDK v3 client: its middleware stack. */
interface MiddlewareClient {
  middlewareStack: {
    add(
      middleware: (
        next: (args: { input: object }) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: { input: object }) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

async function settled<T>(call: Promise<T>): Promise<{ value: T } | { error: unknown }> {
  try {
    return { value: await call };
  } catch (error) {
    return { error };
  }
}

/** What an invocation ended in: its value, its error, or death (nobody heard its answer). */
export type Ended<T> = { dead: true } | { dead: false; value: T } | { dead: false; error: unknown };

export interface CallFaultHooks<C extends string> {
  /** The clock jump of a stall. */
  stall(): void;
  /** As a fault strikes (before a crash or error is thrown): the test notes whom it touched. */
  struck?(fault: CallFault<C>, input: unknown): void;
}

/**
 * Throws a scenario's faults into the AWS calls of the code under test (through `addTo`'s SDK middleware). A
 * crash kills the invocation it hits (an AsyncLocalStorage tells concurrent ones apart): its later calls all
 * fail. Calls made outside `invoke` (the test's own) pass untouched and are not counted.
 */
export class CallFaults<C extends string = string> {
  private readonly current = new AsyncLocalStorage<Invocation>();
  private readonly calls = new Map<string, number>();

  constructor(
    private readonly faults: readonly CallFault<C>[],
    private readonly hooks: CallFaultHooks<C>,
  ) {}

  /** Runs `work` as one invocation; a crash in it ends it dead whatever it returns or throws. */
  async invoke<T>(work: () => Promise<T>): Promise<Ended<T>> {
    const invocation: Invocation = { dead: false };
    try {
      const value = await this.current.run(invocation, work);
      return invocation.dead ? { dead: true } : { dead: false, value };
    } catch (error) {
      return invocation.dead ? { dead: true } : { dead: false, error };
    }
  }

  /** Whether the caller runs inside an invocation (not the test's own call). */
  get inInvocation(): boolean {
    return this.current.getStore() !== undefined;
  }

  /** One AWS call: `call(nth)` makes it, nth counting this command's calls in invocations. */
  async around<T>(command: string, input: unknown, call: (nth: number) => Promise<T>): Promise<T> {
    const invocation = this.current.getStore();
    if (!invocation) return call(-1);
    if (invocation.dead) throw new InvocationCrashed('the invocation has died');
    const nth = this.calls.get(command) ?? 0;
    this.calls.set(command, nth + 1);
    const faults = this.faults.filter((f) => f.command === command && f.nth === nth);
    for (const fault of faults) if (fault.when === 'before') this.strike(fault, invocation, input);
    // A lost answer is lost whatever it said, a refusal too (a conditional write that lost a race): the SDK sends
    // the call again either way. Any other fault after a call the service refused is not reached.
    let outcome = await settled(call(nth));
    for (const fault of faults) {
      if (fault.when === 'before') continue;
      if (fault.effect === 'retried') {
        this.hooks.struck?.(fault, input);
        outcome = await settled(call(nth));
      } else if (!('error' in outcome)) this.strike(fault, invocation, input);
    }
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  }

  /** Routes every call of an SDK v3 client through `around`, with the command's name. */
  addTo(client: MiddlewareClient): void {
    client.middlewareStack.add(
      (next, context) => (args) => this.around(context.commandName ?? '', args.input, () => next(args)),
      { step: 'initialize', name: 'callFaults' },
    );
  }

  private strike(fault: CallFault<C>, invocation: Invocation, input: unknown): void {
    if (fault.effect === 'retried') return;
    this.hooks.struck?.(fault, input);
    if (fault.effect === 'stall') {
      this.hooks.stall();
      return;
    }
    const what = `${fault.when} ${fault.command}`;
    if (fault.effect === 'crash') {
      invocation.dead = true;
      throw new InvocationCrashed(`crash ${what}`);
    }
    throw Object.assign(new Error(`connection reset ${what}`), { name: 'TimeoutError' });
  }
}
