/**
 * Awaiting PJRT_Events without blocking the event loop.
 *
 * 1. One koffi-registered C callback (PJRT_Event_OnReadyCallback) serves every event;
 *    `user_arg` carries a numeric ticket, not a pointer.
 * 2. PJRT_Event_OnReady attaches it. The plugin calls it from its own thread (or at once
 *    if the event is ready); koffi queues the call onto the JS thread.
 * 3. The callback settles the ticket's promise (the PJRT_Error it receives becomes a
 *    BackendError and is destroyed) and destroys the event.
 * 4. While tickets are pending a ref'd timer keeps the process alive, so a pending
 *    device computation is never abandoned by an exiting event loop.
 */
import { koffi } from './koffi';
import type { PjrtApi } from './pjrt-api';

/** Keep-alive period; the timer only exists while events are pending. */
const KEEPALIVE_MS = 1 << 30;

interface Ticket {
  readonly api: PjrtApi;
  readonly event: bigint;
  readonly context: string;
  resolve(): void;
  reject(e: unknown): void;
}

const pending = new Map<number, Ticket>();
let nextTicket = 1;
let callbackPtr: bigint | null = null;
let keepAlive: NodeJS.Timeout | null = null;

function onReady(error: bigint | null, userArg: bigint | null): void {
  const id = Number(userArg ?? 0n);
  const ticket = pending.get(id);
  if (!ticket) return;
  pending.delete(id);
  if (pending.size === 0 && keepAlive) {
    clearInterval(keepAlive);
    keepAlive = null;
  }
  let failure: unknown = null;
  if (error) failure = ticket.api.toError(error, ticket.context);
  try {
    ticket.api.call('PJRT_Event_Destroy', { event: ticket.event });
  } catch (e) {
    failure ??= e;
  }
  if (failure) ticket.reject(failure);
  else ticket.resolve();
}

function registeredCallback(): bigint {
  if (callbackPtr === null) {
    const proto = koffi.proto('void PJRT_Event_OnReadyCallback(void* error, void* user_arg)');
    callbackPtr = koffi.register(onReady, koffi.pointer(proto));
  }
  return callbackPtr;
}

/**
 * Resolves when `event` is ready (rejects with a BackendError if it carries an error).
 * Takes ownership of `event`: it is destroyed once ready.
 */
export function awaitEvent(api: PjrtApi, event: bigint, context: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const id = nextTicket++;
    pending.set(id, { api, event, context, resolve, reject });
    keepAlive ??= setInterval(() => undefined, KEEPALIVE_MS);
    try {
      api.call('PJRT_Event_OnReady', { event, callback: registeredCallback(), user_arg: BigInt(id) });
    } catch (e) {
      pending.delete(id);
      if (pending.size === 0 && keepAlive) {
        clearInterval(keepAlive);
        keepAlive = null;
      }
      api.call('PJRT_Event_Destroy', { event });
      reject(e);
    }
  });
}

/** Number of events still awaited (for leak checks in tests). */
export function pendingEventCount(): number {
  return pending.size;
}
