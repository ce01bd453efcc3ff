import type { ActivityLine, ChatEntry, SandboxEvent } from "./page/protocol.js";

/**
 * What the sandbox page's event streams are told, and what of it is kept for a page that connects
 * later: each chat's transcript and the activity log. SandboxState says what changed; this knows
 * nothing of readers, channels or groups.
 */

/** A chat keeps its newest entries only; the page is for watching, not an archive. */
const TRANSCRIPT_LIMIT = 200;
const ACTIVITY_LIMIT = 100;

export class PageStream {
  private readonly transcripts = new Map<number, ChatEntry[]>();
  private readonly activity: ActivityLine[] = [];
  private readonly listeners = new Set<(event: SandboxEvent) => void>();

  subscribe(listener: (event: SandboxEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  get listening(): number {
    return this.listeners.size;
  }

  close(): void {
    this.listeners.clear();
  }

  /** Each chat's transcript and the activity log so far: a snapshot's share. */
  kept(): { transcripts: Record<string, ChatEntry[]>; activity: ActivityLine[] } {
    return {
      transcripts: Object.fromEntries([...this.transcripts].map(([chatId, entries]) => [String(chatId), entries])),
      activity: [...this.activity],
    };
  }

  log(level: ActivityLine["level"], text: string): void {
    const line: ActivityLine = { at: Date.now(), level, text };
    this.activity.push(line);
    if (this.activity.length > ACTIVITY_LIMIT) this.activity.splice(0, this.activity.length - ACTIVITY_LIMIT);
    this.broadcast({ type: "activity", line });
  }

  broadcast(event: SandboxEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** A chat's new entry, or a newer version of one it has (an edited message). */
  record(chatId: number, entry: ChatEntry): void {
    const entries = this.transcripts.get(chatId) ?? [];
    const at = entries.findIndex((e) => e.key === entry.key);
    if (at >= 0) entries[at] = entry;
    else entries.push(entry);
    if (entries.length > TRANSCRIPT_LIMIT) entries.splice(0, entries.length - TRANSCRIPT_LIMIT);
    this.transcripts.set(chatId, entries);
    this.broadcast({ type: "entry", chatId, entry });
  }
}
