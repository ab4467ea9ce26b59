/**
 * A small typed event emitter for the contract's events, with a throttle for high-rate events
 * (counts and capture statistics reach clients at most 20 times a second, the latest value winning).
 */
import { EVENTS, type EventName, type Events } from '../../shared/contract';

type Listener<E extends EventName> = (payload: Events[E]) => void;

/** THROTTLE_MS is the minimum interval between two deliveries of a throttled event (≤ 20/s). */
export const THROTTLE_MS = 50;

/** EngineEvents delivers contract events to subscribed hosts. */
export class EngineEvents {
  private readonly listeners = new Map<EventName, Set<Listener<EventName>>>();
  private readonly pending = new Map<EventName, unknown>();
  private readonly lastSent = new Map<EventName, number>();
  private readonly timers = new Map<EventName, ReturnType<typeof setTimeout>>();

  /** on subscribes to an event and returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener<EventName>);
    return () => set.delete(listener as Listener<EventName>);
  }

  /** onAny subscribes to every event of the contract's {@link EVENTS} list (hosts forward all of them). */
  onAny(listener: <E extends EventName>(event: E, payload: Events[E]) => void): () => void {
    const offs = EVENTS.map((e) => this.on(e, (p) => listener(e, p as Events[typeof e])));
    return () => offs.forEach((off) => off());
  }

  /** emit delivers an event now. */
  emit<E extends EventName>(event: E, payload: Events[E]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const l of [...set]) {
      try {
        (l as Listener<E>)(payload);
      } catch {
        // A failing listener (a closed socket) must not stop the engine or other listeners.
      }
    }
  }

  /** emitThrottled delivers at most one event per THROTTLE_MS per name, always ending with the latest. */
  emitThrottled<E extends EventName>(event: E, payload: Events[E]): void {
    const now = Date.now();
    const last = this.lastSent.get(event) ?? 0;
    if (now - last >= THROTTLE_MS && !this.timers.has(event)) {
      this.lastSent.set(event, now);
      this.emit(event, payload);
      return;
    }
    this.pending.set(event, payload);
    if (this.timers.has(event)) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(event);
        this.lastSent.set(event, Date.now());
        const latest = this.pending.get(event) as Events[E];
        this.pending.delete(event);
        this.emit(event, latest);
      },
      Math.max(0, THROTTLE_MS - (now - last)),
    );
    timer.unref?.();
    this.timers.set(event, timer);
  }

  /** cancel drops a throttled event's pending payload and window: the next emitThrottled goes out at once. */
  cancel(event: EventName): void {
    clearTimeout(this.timers.get(event));
    this.timers.delete(event);
    this.pending.delete(event);
    this.lastSent.delete(event);
  }

  /** flush delivers pending throttled events now (end of a load, tests). */
  flush(): void {
    for (const [event, timer] of this.timers) {
      clearTimeout(timer);
      this.timers.delete(event);
      const payload = this.pending.get(event);
      this.pending.delete(event);
      this.lastSent.set(event, Date.now());
      this.emit(event, payload as never);
    }
  }
}
