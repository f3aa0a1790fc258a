// Idempotency-Key handling: the first response for a key (per account and route) is replayed
// exactly for 24 h; a duplicate that arrives while the first is still running gets 409.
import { ApiError } from './errors';

export interface StoredResponse {
	status: number;
	body: unknown;
	headers: Record<string, string>;
}

type Entry = { state: 'pending'; at: number } | { state: 'done'; at: number; response: StoredResponse };

export type Begin = { kind: 'new' } | { kind: 'replay'; response: StoredResponse } | { kind: 'conflict' };

export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

export function validateIdempotencyKey(key: string | undefined): string | null {
	if (key === undefined) return null;
	if (key.length < 1 || key.length > 255) {
		throw ApiError.invalid('Idempotency-Key', 'Idempotency-Key must be between 1 and 255 characters');
	}
	return key;
}

export class IdempotencyStore {
	private readonly entries = new Map<string, Entry>();

	constructor(private readonly ttlMs = IDEMPOTENCY_TTL_MS) {}

	begin(scope: string, key: string): Begin {
		const id = `${scope}\u0000${key}`;
		const entry = this.entries.get(id);
		if (entry && Date.now() - entry.at < this.ttlMs) {
			return entry.state === 'pending' ? { kind: 'conflict' } : { kind: 'replay', response: entry.response };
		}
		this.entries.set(id, { state: 'pending', at: Date.now() });
		return { kind: 'new' };
	}

	complete(scope: string, key: string, response: StoredResponse): void {
		const id = `${scope}\u0000${key}`;
		const entry = this.entries.get(id);
		this.entries.set(id, { state: 'done', at: entry?.at ?? Date.now(), response });
	}

	/** Forget a key whose request crashed, so a retry may run it again. */
	abandon(scope: string, key: string): void {
		this.entries.delete(`${scope}\u0000${key}`);
	}

	clear(): void {
		this.entries.clear();
	}
}
