/**
 * Awaiting PJRT_Events without blocking the event loop.
 *
 * 1. PJRT_Event_IsReady: a ready event (the common case once a computation is done) is
 *    settled at once with PJRT_Event_Error, with no thread hop.
 * 2. Otherwise PJRT_Event_Await runs as a koffi asynchronous call on one of koffi's
 *    worker threads; the JS thread keeps running and the promise settles when it returns.
 * 3. The event is destroyed once settled; its error (if any) becomes a BackendError
 *    that names the operation it belonged to.
 *
 * Why not PJRT_Event_OnReady with a koffi.register callback: the plugin runs callbacks
 * on its own threads and koffi blocks those threads until the JS thread has run the
 * callback; PJRT_Client_Destroy joins the same threads, so a callback still queued when
 * the client is destroyed deadlocks the process (observed with the XLA CPU plugin).
 */
import type { PjrtApi } from './pjrt-api';

let pending = 0;

/**
 * Resolves when `event` is ready (rejects with a BackendError if it carries an error).
 * Takes ownership of `event`: it is destroyed once settled.
 */
export async function awaitEvent(api: PjrtApi, event: bigint, context: string): Promise<void> {
  pending++;
  try {
    const ready = api.call('PJRT_Event_IsReady', { event, is_ready: false }).is_ready === true;
    if (ready) api.call('PJRT_Event_Error', { event });
    else await api.callAsync('PJRT_Event_Await', { event });
  } catch (e) {
    if (e instanceof Error && 'detailCode' in e) e.message = e.message.replace(/^\[pjrt\] PJRT_Event_(Error|Await)/, `[pjrt] ${context}`);
    throw e;
  } finally {
    pending--;
    api.call('PJRT_Event_Destroy', { event });
  }
}

/** Number of events still awaited (for leak checks in tests). */
export function pendingEventCount(): number {
  return pending;
}
