// Cursor pagination as HeyGen v3 does it: opaque `token` in, `has_more` + `next_token` out.
// Tokens point at a position (a creation sequence number, or an index for static lists) rather
// than an offset, so deleting items between pages neither skips nor repeats anything.
import { randomBytes } from 'node:crypto';
import { ApiError } from './errors';

const MAX_TOKENS = 10000;

export interface Page<T> {
	items: T[];
	has_more: boolean;
	next_token: string | null;
}

export function parseLimit(raw: string | null, fallback = 10, max = 100): number {
	if (raw === null) return fallback;
	if (!/^\d+$/.test(raw)) throw ApiError.invalid('limit', `limit must be an integer between 1 and ${max}`);
	const n = Number(raw);
	if (n < 1 || n > max) throw ApiError.invalid('limit', `limit must be an integer between 1 and ${max}`);
	return n;
}

export class CursorStore {
	private readonly tokens = new Map<string, { scope: string; position: number }>();

	/** `scope` ties a token to one account and one list: a token is useless elsewhere. */
	resolve(scope: string, token: string | null): number | null {
		if (token === null || token === '') return null;
		const entry = this.tokens.get(token);
		if (!entry || entry.scope !== scope) throw ApiError.invalid('token', 'Invalid or expired pagination token');
		return entry.position;
	}

	/**
	 * One page of `ordered` (already filtered and sorted), starting after `cursor`.
	 * `position(item)` must increase along the order for 'asc' and decrease for 'desc'.
	 */
	page<T>(
		scope: string,
		ordered: readonly T[],
		limit: number,
		cursor: number | null,
		position: (item: T) => number,
		direction: 'asc' | 'desc',
	): Page<T> {
		const rest =
			cursor === null
				? ordered
				: ordered.filter((item) => (direction === 'asc' ? position(item) > cursor : position(item) < cursor));
		const items = rest.slice(0, limit);
		const hasMore = rest.length > limit;
		return {
			items,
			has_more: hasMore,
			next_token: hasMore ? this.issue(scope, position(items[items.length - 1])) : null,
		};
	}

	clear(): void {
		this.tokens.clear();
	}

	private issue(scope: string, position: number): string {
		if (this.tokens.size >= MAX_TOKENS) {
			const oldest = this.tokens.keys().next();
			if (!oldest.done) this.tokens.delete(oldest.value);
		}
		const token = randomBytes(18).toString('base64url');
		this.tokens.set(token, { scope, position });
		return token;
	}
}
