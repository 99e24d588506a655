/**
 * A server-sent-events response that polls a value server-side and pushes it whenever it
 * changes. Used by /live (data version) and /sync/events (sync progress). Stops when the
 * client goes away; a failing poll is reported as an `error` event and retried, not fatal.
 */
export interface PollStreamOptions {
  /** Reads the current value; it is sent when its serialisation differs from the last one. */
  poll: () => Promise<unknown>;
  /** Name of the event carrying the value. */
  event: string;
  intervalMs?: number;
  /** Send the first value at once (sync progress), or only changes after it (live signal). */
  sendInitial?: boolean;
  /** The value the client already has: the first poll is compared with it instead of being taken as the start. */
  baseline?: unknown;
  signal: AbortSignal;
}

const HEARTBEAT_MS = 15_000;

export function formatEvent(event: string, data: string): string {
  // A data line may not contain a newline; JSON.stringify never produces one.
  return `event: ${event}\ndata: ${data}\n\n`;
}

export function pollStream(options: PollStreamOptions): Response {
  const { poll, event, intervalMs = 1000, sendInitial = true, signal, baseline } = options;
  const encoder = new TextEncoder();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let last: string | undefined = baseline === undefined ? undefined : JSON.stringify(baseline);
      let lastWrite = Date.now();
      const write = (text: string) => {
        if (closed) return;
        controller.enqueue(encoder.encode(text));
        lastWrite = Date.now();
      };
      const close = () => {
        if (closed) return;
        closed = true;
        clearTimeout(timer);
        try {
          controller.close();
        } catch {
          // already closed by the runtime
        }
      };
      signal.addEventListener('abort', close, { once: true });
      // The client may be gone already (an abort before the listener is never replayed).
      if (signal.aborted) return close();
      // Tell EventSource how soon to reconnect after a dropped connection.
      write(`retry: 2000\n\n`);
      const tick = async () => {
        if (closed || signal.aborted) return close();
        try {
          const value = JSON.stringify(await poll());
          if (last === undefined && !sendInitial) last = value;
          if (value !== last) {
            last = value;
            write(formatEvent(event, value));
          } else if (Date.now() - lastWrite >= HEARTBEAT_MS) {
            write(': keep-alive\n\n');
          }
        } catch (error) {
          write(
            formatEvent(
              'error',
              JSON.stringify({ message: error instanceof Error ? error.message : 'erro' }),
            ),
          );
        }
        if (!closed) timer = setTimeout(tick, intervalMs);
      };
      await tick();
    },
    cancel() {
      closed = true;
      clearTimeout(timer);
    },
  });
  return new Response(stream, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    },
  });
}
