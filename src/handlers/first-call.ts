/**
 * A Lambda handler that configures itself on its first call (environment, clients, secrets, templates) and reuses
 * what it made for every later call in its execution environment, so the cold start to a ready handler only
 * compiles the code. A configuration that fails fails that call and is tried again on the next: a secret that
 * could not be read once does not spoil the environment.
 */
export function configuredOnFirstCall<E, R>(
  configure: () => ((event: E) => Promise<R>) | Promise<(event: E) => Promise<R>>,
): (event: E) => Promise<R> {
  let configured: Promise<(event: E) => Promise<R>> | undefined;
  return async (event) => {
    configured ??= Promise.resolve()
      .then(configure)
      .catch((error: unknown) => {
        configured = undefined;
        throw error;
      });
    return (await configured)(event);
  };
}
