import { createHash } from 'crypto';

/**
 * Remembers accepted deliveries so that none starts a second execution: HeyGen retries the same
 * event (same `Heygen-Event-Id`), and because only the body is signed, a captured body can be
 * replayed under fresh headers (same body digest). Either key seen within HeyGen's 24 h retry
 * horizon marks a duplicate.
 *
 * Two stores, both bounded: the node's static data (survives restarts; n8n saves it after each
 * webhook request) and process memory (n8n gives each concurrent request its own copy of static
 * data, so only memory sees a twin that is still in flight).
 */

export const REPLAY_WINDOW_SECONDS = 24 * 60 * 60;
export const MAX_REMEMBERED = 5000;

/** key → Unix seconds it was accepted, oldest first. */
export type AcceptedDeliveries = Record<string, number>;

const memory = new Map<string, Map<string, number>>();

// 64 bits of SHA-256: collisions are negligible at this scale, and the record n8n saves stays small.
const digest = (value: Buffer | string) => createHash('sha256').update(value).digest('hex').slice(0, 16);

export function deliveryKeys(eventId: string | undefined, rawBody: Buffer): string[] {
	const keys = [`b:${digest(rawBody)}`];
	if (eventId) keys.push(`e:${digest(eventId)}`);
	return keys;
}

function pruneMap(entries: Map<string, number>, now: number): void {
	for (const [key, acceptedAt] of entries) {
		if (entries.size <= MAX_REMEMBERED && now - acceptedAt < REPLAY_WINDOW_SECONDS) break;
		entries.delete(key);
	}
}

function pruneRecord(entries: AcceptedDeliveries, now: number): void {
	const keys = Object.keys(entries);
	let excess = keys.length - MAX_REMEMBERED;
	for (const key of keys) {
		if (excess <= 0 && now - entries[key] < REPLAY_WINDOW_SECONDS) break;
		delete entries[key];
		excess--;
	}
}

/**
 * Claims a delivery: true the first time, false for a duplicate. Synchronous from check to
 * record, so two concurrent deliveries cannot both win.
 */
export function claimDelivery(
	scope: string,
	persisted: AcceptedDeliveries,
	keys: string[],
	now = Math.floor(Date.now() / 1000),
): boolean {
	let recent = memory.get(scope);
	if (!recent) {
		recent = new Map();
		memory.set(scope, recent);
	}
	const fresh = (acceptedAt: number | undefined) =>
		acceptedAt !== undefined && now - acceptedAt < REPLAY_WINDOW_SECONDS;
	const seen = (key: string) => fresh(recent.get(key)) || fresh(persisted[key]);
	if (keys.some(seen)) return false;

	for (const key of keys) {
		recent.set(key, now);
		persisted[key] = now;
	}
	// Pruned once the new keys are in, so neither store ever holds more than the bound.
	pruneMap(recent, now);
	pruneRecord(persisted, now);
	return true;
}

/** Test seam: forget what this process remembers (as a restart would). */
export function forgetProcessMemory(): void {
	memory.clear();
}
