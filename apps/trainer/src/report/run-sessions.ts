/**
 * The sessions of one run in --log-dir (sessions.json): the first start and every resume
 * after an interruption, each with its command, start and end, so the report gives the
 * run's dates and wall time across resumes. A fresh run (not resumed) starts the list anew.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export interface RunSession {
  /** ISO 8601. */
  readonly start: string;
  /** ISO 8601: when it ended, or (no outcome yet) when it was last seen, at its latest epoch end. */
  readonly end?: string;
  readonly command: string;
  /** 1-based epoch this session began with (1 for a fresh run). */
  readonly firstEpoch: number;
  /** How the session ended ("finished", "preempted"); absent while it runs or when it was killed. */
  readonly outcome?: string;
}

function read(file: string): RunSession[] {
  if (!existsSync(file)) return [];
  try {
    const v: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return Array.isArray(v) ? v.filter((s): s is RunSession => typeof s === 'object' && s !== null && typeof (s as RunSession).start === 'string') : [];
  } catch {
    return []; // a torn file from a killed run: the earlier sessions are lost, this one is still recorded
  }
}

export class RunSessions {
  #list: RunSession[] = [];

  constructor(readonly file: string) {}

  get list(): readonly RunSession[] {
    return this.#list;
  }

  /**
   * Records a session that starts now at 0-based `startEpoch`; earlier sessions are kept only
   * when `resumed` (by default when startEpoch > 0; a checkpoint inside the first epoch resumes too).
   */
  begin(startEpoch: number, command: string, now: Date, resumed = startEpoch > 0): void {
    this.#list = [...(resumed ? read(this.file) : []), { start: now.toISOString(), command, firstEpoch: startEpoch + 1 }];
    this.#write();
  }

  /** Records that the current session was alive at `now` (an epoch end), or how it ended. */
  touch(now: Date, outcome?: string): void {
    const last = this.#list[this.#list.length - 1];
    if (!last) return;
    this.#list[this.#list.length - 1] = { ...last, end: now.toISOString(), ...(outcome ? { outcome } : {}) };
    this.#write();
  }

  /** Seconds of all sessions together: each from its start to its end (or last epoch end); the current one up to `now`. */
  wallSeconds(now: Date): number {
    const last = this.#list.length - 1;
    return this.#list.reduce((a, s, i) => {
      const end = i === last && !s.outcome ? now.getTime() : s.end ? Date.parse(s.end) : Date.parse(s.start);
      return a + Math.max(0, end - Date.parse(s.start)) / 1000;
    }, 0);
  }

  #write(): void {
    writeFileSync(this.file, JSON.stringify(this.#list, null, 2) + '\n');
  }
}
