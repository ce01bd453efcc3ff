/**
 * Listeners (onEvent): the sandbox page hears what the bot sent, edited, answered or had refused,
 * and which updates users caused. Listening changes nothing in how the server answers.
 */
import type { FakeTelegramEvent, FakeTelegramListener } from "./types.js";

export class EventHub {
  private readonly listeners = new Set<FakeTelegramListener>();

  /** `reportBug` gets a listener's exception. */
  constructor(private readonly reportBug: (error: unknown) => void) {}

  /** Whether anyone listens; callers build an event only then. */
  get listening(): boolean {
    return this.listeners.size > 0;
  }

  subscribe(listener: FakeTelegramListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(event: FakeTelegramEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        // A listener's bug must not change what the bot is answered.
        this.reportBug(error);
      }
    }
  }
}
