import { createHash } from 'crypto';

import type { JobEvent } from '../shared/jobApi';

/**
 * The record of accepted deliveries, so that one HeyGen event (one job outcome) starts one
 * execution. An event that ends a job is kept by that outcome (`outcomeKey`): its retries, its
 * replays under fresh headers and the job's callback share it. Any other event is kept by its body
 * and its `Heygen-Event-Id` (`deliveryKeys`): HeyGen retries under the same id, and because it signs
 * only the body, a captured body can be replayed under fresh headers. A key seen within HeyGen's
 * 24 h retry horizon marks a duplicate.
 *
 * Two copies, because of how n8n stores static data: for every webhook request it loads the
 * workflow's static data, and afterwards writes the whole blob back, last write wins. Concurrent
 * requests (and, in queue mode, other webhook processes) therefore overwrite each other's keys.
 * So each process keeps its own copy in memory (which also catches twins still in flight), folds
 * in every persisted copy it loads, and every write carries all of it: a key lost in one write
 * comes back with the next write of the process that knows it.
 *
 * Persisted as one string per hour of 8-character keys (48-bit digests in base64url): 20,000 job
 * events take about 160 KB, 20,000 other events (40,000 keys) about 320 KB; closed hours are
 * neither decoded nor re-encoded.
 */

export const REPLAY_WINDOW_SECONDS = 24 * 60 * 60;
/** Deliveries the record covers per 24 h at least: one key for a job event, at most two for others. */
export const RECORD_CAPACITY_DELIVERIES = 20_000;
export const MAX_KEYS = 2 * RECORD_CAPACITY_DELIVERIES;
export const KEY_LENGTH = 8;
/**
 * How long a delivery whose execution n8n has not confirmed holds its keys. A hold that neither
 * n8n's answer confirmed nor its error released (the sender hung up first) lapses after this, so
 * the retry runs: a later retry is cheaper than a lost event.
 */
export const HOLD_SECONDS = 300;

const HOUR = 3600;

/** What the trigger keeps in static data: hour (Unix seconds / 3600) → concatenated keys. */
export interface PersistedRecord {
	v: 1;
	hours: Record<string, string>;
}

// 48 bits of SHA-256, 6 bytes = exactly 8 base64url characters. With the record full (40,000
// keys), a new delivery is mistaken for a duplicate with probability 2 × 40,000 / 2^48 ≈ 3e-10.
const digest = (domain: string, value: Buffer | string) =>
	createHash('sha256').update(domain).update(value).digest().subarray(0, 6).toString('base64url');

/** The body key, plus the event-id key when HeyGen sent one. Never the raw values. */
export function deliveryKeys(eventId: string | undefined, rawBody: Buffer): string[] {
	const keys = [digest('body\0', rawBody)];
	if (eventId) keys.push(digest('event\0', eventId));
	return keys;
}

/**
 * One key per job outcome and event type family, however HeyGen told it: a signed event, a
 * confirmed per-job callback, or both. The GIF event of a video is another family: it stays apart.
 */
export function outcomeKey(job: JobEvent): string {
	return digest('outcome\0', `${job.family}\0${job.id}`);
}

const hourOf = (seconds: number) => Math.floor(seconds / HOUR);
/** The oldest hour that may still hold a key accepted less than 24 h ago. */
const oldestLiveHour = (now: number) => hourOf(now - REPLAY_WINDOW_SECONDS);

function isPersistedRecord(value: unknown): value is PersistedRecord {
	return (
		typeof value === 'object' &&
		value !== null &&
		(value as PersistedRecord).v === 1 &&
		typeof (value as PersistedRecord).hours === 'object' &&
		(value as PersistedRecord).hours !== null
	);
}

/** What the record says of a delivery's keys. */
export type RecordVerdict =
	/** Not seen within 24 h. */
	| 'new'
	/** Accepted before: its execution exists. */
	| 'duplicate'
	/** Held by a delivery whose execution n8n has not confirmed yet. */
	| 'in_flight';

/**
 * A provisional claim: `confirm` once n8n has the execution, `release` when it failed to create it
 * (also after `confirm`, when n8n 1.x failed after reading the answer).
 */
export interface Hold {
	confirm(): void;
	release(): void;
}

/** One trigger's record in this process. */
export class ScopeRecord {
	/** key → the hold on it and when it began (Unix seconds); never persisted. */
	private readonly held = new Map<string, { hold: Hold; since: number }>();
	/** key → when it was withdrawn (see `withdraw`). */
	private readonly withdrawn = new Map<string, number>();
	/** hour → keys in the order they became known. */
	private readonly hours = new Map<number, string[]>();
	private readonly known = new Set<string>();
	/** hour → the persisted string last folded in or written, so unchanged hours are skipped. */
	private readonly settled = new Map<number, string>();
	/** hour → its keys joined, until the hour changes. */
	private readonly encoded = new Map<number, string>();

	get size(): number {
		return this.known.size;
	}

	/**
	 * Folds a persisted copy into this one and drops what expired. Returns true when the
	 * persisted copy lacks something this process knows, so that it should be written again.
	 */
	absorb(persisted: unknown, now: number): boolean {
		this.expire(now);
		const stored = isPersistedRecord(persisted) ? persisted.hours : {};
		const oldest = oldestLiveHour(now);
		for (const [hourKey, keys] of Object.entries(stored)) {
			const hour = Number(hourKey);
			if (!(hour >= oldest) || typeof keys !== 'string') continue;
			// The usual case: the copy this process last saw, or it with keys appended by another
			// request. Only what is new is read: a full hour holds thousands of keys.
			const seen = this.settled.get(hour) ?? '';
			if (seen.startsWith(keys)) continue;
			const from = keys.startsWith(seen) ? seen.length : 0;
			for (let at = from; at + KEY_LENGTH <= keys.length; at += KEY_LENGTH) {
				this.add(hour, keys.slice(at, at + KEY_LENGTH));
			}
			this.settled.set(hour, keys);
		}
		this.bound();
		for (const [hour, keys] of this.hours) {
			if ((stored[hour]?.length ?? 0) !== keys.length * KEY_LENGTH) return true;
		}
		return false;
	}

	isDuplicate(keys: string[]): boolean {
		return keys.some((key) => this.known.has(key));
	}

	check(keys: string[], now: number): RecordVerdict {
		if (this.isDuplicate(keys)) return 'duplicate';
		return keys.some((key) => this.isHeld(key, now)) ? 'in_flight' : 'new';
	}

	/** Records the keys of an accepted delivery for good. */
	claim(keys: string[], now: number): void {
		this.expire(now);
		for (const key of keys) {
			this.withdrawn.delete(key);
			this.add(hourOf(now), key);
		}
		this.bound();
	}

	/**
	 * Holds the keys of a delivery until n8n has its execution: a concurrent copy sees it
	 * `in_flight`, nothing is persisted, and `release` (n8n failed to create the execution) frees
	 * them for HeyGen's retry. Synchronous, so concurrent twins cannot both be held.
	 */
	hold(keys: string[], now: number): Hold {
		if (this.held.size > 1000) this.dropLapsedHolds(now);
		let state: 'held' | 'confirmed' | 'released' = 'held';
		const hold: Hold = {
			confirm: () => {
				if (state !== 'held') return;
				state = 'confirmed';
				this.unhold(keys, hold);
				this.claim(keys, now);
			},
			release: () => {
				if (state === 'released') return;
				if (state === 'confirmed') this.withdraw(keys, now);
				state = 'released';
				this.unhold(keys, hold);
			},
		};
		for (const key of keys) this.held.set(key, { hold, since: now });
		return hold;
	}

	/**
	 * Takes back the keys of a delivery that n8n failed after confirming it (n8n 1.x reads the
	 * answer before it creates the execution). Static data may hold them already: they are kept out
	 * of what is folded in for the replay window, and the next write leaves them out.
	 */
	private withdraw(keys: string[], now: number): void {
		for (const key of keys) {
			if (!this.known.delete(key)) continue;
			this.withdrawn.set(key, now);
			for (const [hour, hourKeys] of this.hours) {
				const at = hourKeys.indexOf(key);
				if (at < 0) continue;
				hourKeys.splice(at, 1);
				this.encoded.delete(hour);
				this.settled.delete(hour);
				break;
			}
		}
	}

	private isHeld(key: string, now: number): boolean {
		const entry = this.held.get(key);
		return entry !== undefined && now - entry.since < HOLD_SECONDS;
	}

	private unhold(keys: string[], hold: Hold): void {
		for (const key of keys) {
			if (this.held.get(key)?.hold === hold) this.held.delete(key);
		}
	}

	private dropLapsedHolds(now: number): void {
		for (const [key, entry] of this.held) {
			if (now - entry.since >= HOLD_SECONDS) this.held.delete(key);
		}
	}

	/** Everything this process knows and has not expired, in the persisted form. */
	toPersisted(): PersistedRecord {
		const hours: Record<string, string> = {};
		for (const [hour, keys] of this.hours) {
			let joined = this.encoded.get(hour);
			if (joined === undefined) {
				joined = keys.join('');
				this.encoded.set(hour, joined);
			}
			hours[hour] = joined;
			this.settled.set(hour, joined);
		}
		return { v: 1, hours };
	}

	private add(hour: number, key: string): void {
		if (key.length !== KEY_LENGTH || this.known.has(key) || this.withdrawn.has(key)) return;
		let keys = this.hours.get(hour);
		if (!keys) {
			keys = [];
			this.hours.set(hour, keys);
		}
		keys.push(key);
		this.known.add(key);
		this.encoded.delete(hour);
	}

	private expire(now: number): void {
		const oldest = oldestLiveHour(now);
		for (const hour of [...this.hours.keys()]) {
			if (hour < oldest) this.dropHour(hour);
		}
		for (const hour of [...this.settled.keys()]) {
			if (hour < oldest) this.settled.delete(hour);
		}
		for (const [key, since] of this.withdrawn) {
			if (now - since >= REPLAY_WINDOW_SECONDS) this.withdrawn.delete(key);
		}
	}

	/** Past the capacity the oldest keys go first. */
	private bound(): void {
		let excess = this.known.size - MAX_KEYS;
		if (excess <= 0) return;
		for (const hour of [...this.hours.keys()].sort((a, b) => a - b)) {
			const keys = this.hours.get(hour) as string[];
			if (keys.length <= excess) {
				excess -= keys.length;
				this.dropHour(hour);
			} else {
				for (const key of keys.splice(0, excess)) this.known.delete(key);
				this.encoded.delete(hour);
				this.settled.delete(hour);
				excess = 0;
			}
			if (excess <= 0) return;
		}
	}

	private dropHour(hour: number): void {
		for (const key of this.hours.get(hour) ?? []) this.known.delete(key);
		this.hours.delete(hour);
		this.encoded.delete(hour);
		this.settled.delete(hour);
	}
}

/** The records of every trigger this process serves, by scope (workflow, node, mode). */
export class ReplayRecords {
	private readonly scopes = new Map<string, ScopeRecord>();

	get(scope: string): ScopeRecord {
		let record = this.scopes.get(scope);
		if (!record) {
			record = new ScopeRecord();
			this.scopes.set(scope, record);
		}
		return record;
	}

	/** A new registration (activation, a new test listener) or deactivation: old keys no longer apply. */
	forget(scope: string): void {
		this.scopes.delete(scope);
	}
}
