/**
 * Subjects the broker refuses (no permission, no stream stores them), each with its own backoff: their alerts
 * wait (set aside in the PublishQueue), and only their oldest is tried again once its backoff has passed, so
 * the refused ones never fill the publish window and hold back the alerts of the subjects the broker takes
 * (they did: `maxInFlight` refused alerts at the head of the spool and nothing behind them was ever sent).
 * The sink's pump decides what to send; this keeps the backoffs and the timer that wakes the pump for them.
 */
import { backoffDelayMs } from '../../pipeline/backoff.js';

/** A failed publish's backoff: a held subject's, and the whole pump's after an outage (sink.ts). */
export const RETRY_BACKOFF_MIN_MS = 250;
export const RETRY_BACKOFF_MAX_MS = 15_000;

export class HeldSubjects {
  private readonly backoff = new Map<string, { failures: number; retryAt: number }>();
  /** Held subjects whose oldest alert is being tried now. */
  private readonly trying = new Set<string>();
  private wakeTimer: NodeJS.Timeout | null = null;

  /** `wake`: runs the pump when a held subject's next try is due. */
  constructor(private readonly wake: () => void) {}

  get size(): number {
    return this.backoff.size;
  }

  /**
   * Holds `subject` after a refusal, its next try after its own backoff. False when a refusal came in the
   * window of the one that held it (another of its alerts in flight then): one refusal, one step of backoff.
   */
  hold(subject: string, now: number): boolean {
    const b = this.backoff.get(subject) ?? { failures: 0, retryAt: 0 };
    if (b.retryAt > now) return false;
    b.retryAt = now + backoffDelayMs(b.failures++, RETRY_BACKOFF_MIN_MS, RETRY_BACKOFF_MAX_MS);
    this.backoff.set(subject, b);
    return true;
  }

  /** Held subjects not being tried now, with when their next try is due, in the order they were held. */
  *waiting(): Generator<{ subject: string; retryAt: number }> {
    for (const [subject, { retryAt }] of this.backoff) if (!this.trying.has(subject)) yield { subject, retryAt };
  }

  /** `subject`'s oldest alert is being published. */
  startTry(subject: string): void {
    this.trying.add(subject);
  }

  /** A publish on `subject` failed (its backoff stays). */
  endTry(subject: string): void {
    this.trying.delete(subject);
  }

  /** A publish on `subject` was acked: true when it was held (its alerts go back in their places). */
  release(subject: string): boolean {
    this.trying.delete(subject);
    return this.backoff.delete(subject);
  }

  /** The earliest next try of any held subject (+Infinity when none is held). */
  nextRetryAt(): number {
    return Math.min(...[...this.backoff.values()].map((x) => x.retryAt));
  }

  /** Wakes the pump just after `at`; replaces the timer set before. */
  wakeAt(at: number): void {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = setTimeout(
      () => {
        this.wakeTimer = null;
        this.wake();
      },
      Math.max(1, at - Date.now() + 1),
    );
  }

  close(): void {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
  }
}
