/**
 * Ctrl-C for the long-running commands (load, prune): the first stops after the batch in flight, so
 * what was written stays whole; a second quits at once.
 */
export interface Interrupt {
  signal: AbortSignal;
  /** Stops listening (the command is done). */
  release: () => void;
}

export function stopAfterBatchOnSigint(): Interrupt {
  const controller = new AbortController();
  const onSigint = () => {
    process.stderr.write('\nstopping after the batch in flight (Ctrl-C again to quit at once)\n');
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  };
  process.once('SIGINT', onSigint);
  return { signal: controller.signal, release: () => process.removeListener('SIGINT', onSigint) };
}
