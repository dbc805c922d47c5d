/** How long a download may wait for its client to read on before it is dropped. */
export const IDLE_MS = 60_000;

/**
 * Text pieces as a response body, read one at a time as the client asks. A client that stops
 * reading (without closing) would otherwise hold what the pieces hold (an export's own database
 * connection and its read snapshot, which stops WAL checkpoints) for ever: after `idleMs` without
 * a read the body fails and `release` runs. `release` runs once, however the body ends.
 */
export function pieceStream(
  pieces: Iterator<string>,
  release: () => void,
  idleMs: number = IDLE_MS,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let released = false;
  let idle: ReturnType<typeof setTimeout> | undefined;
  const end = () => {
    clearTimeout(idle);
    if (released) return;
    released = true;
    pieces.return?.(undefined);
    release();
  };
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      clearTimeout(idle);
      try {
        const next = pieces.next();
        if (next.done) {
          end();
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(next.value));
        idle = setTimeout(() => {
          end();
          controller.error(new Error(`the download was not read for ${idleMs / 1000} s`));
        }, idleMs);
      } catch (error) {
        end();
        controller.error(error);
      }
    },
    cancel: end,
  });
}
