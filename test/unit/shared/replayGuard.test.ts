import { createHash } from 'node:crypto';

import {
	claimDelivery,
	deliveryKeys,
	forgetProcessMemory,
	MAX_REMEMBERED,
	REPLAY_WINDOW_SECONDS,
	type AcceptedDeliveries,
} from '../../../nodes/HeyGen/shared/replayGuard';

const NOW = 1_767_225_600;
const body = (n: number | string) => Buffer.from(`{"event_type":"avatar_video.success","event_data":{"video_id":"v_${n}"}}`);

let scopeCounter = 0;
/** A fresh scope per test, on top of clearing memory, so tests never see each other. */
const freshScope = () => `workflow-1:HeyGen Trigger:${++scopeCounter}`;

beforeEach(() => forgetProcessMemory());

describe('constants', () => {
	it("cover HeyGen's 24 h retry horizon with a bound", () => {
		expect(REPLAY_WINDOW_SECONDS).toBe(86_400);
		expect(MAX_REMEMBERED).toBeGreaterThanOrEqual(1000);
	});
});

describe('deliveryKeys', () => {
	it('gives a body key, plus an event-id key when there is an event id', () => {
		const withId = deliveryKeys('ev_1', body(1));
		expect(withId).toHaveLength(2);
		expect(withId[0]).toMatch(/^b:[0-9a-f]{16}$/);
		expect(withId[1]).toMatch(/^e:[0-9a-f]{16}$/);
		expect(deliveryKeys(undefined, body(1))).toEqual([withId[0]]);
		expect(deliveryKeys('', body(1))).toEqual([withId[0]]);
	});

	it('is a digest of the raw bytes: stable, and different for one changed byte', () => {
		expect(deliveryKeys(undefined, body(1))).toEqual(deliveryKeys(undefined, body(1)));
		expect(deliveryKeys(undefined, body(1))).not.toEqual(deliveryKeys(undefined, body(2)));
		const expected = createHash('sha256').update(body(1)).digest('hex').slice(0, 16);
		expect(deliveryKeys(undefined, body(1))[0]).toBe(`b:${expected}`);
	});

	it('never stores the raw event id or body (only digests)', () => {
		const keys = deliveryKeys('ev_secretish_123', body('abc'));
		expect(keys.join()).not.toContain('ev_secretish_123');
		expect(keys.join()).not.toContain('video_id');
	});

	it('does not let an event id collide with a body of the same text', () => {
		const [bodyKey] = deliveryKeys(undefined, Buffer.from('ev_1'));
		const [, eventKey] = deliveryKeys('ev_1', body(1));
		expect(bodyKey.slice(2)).toBe(eventKey.slice(2));
		expect(bodyKey).not.toBe(eventKey);
	});
});

describe('claimDelivery', () => {
	it('claims a delivery the first time and records it', () => {
		const persisted: AcceptedDeliveries = {};
		const keys = deliveryKeys('ev_1', body(1));
		expect(claimDelivery(freshScope(), persisted, keys, NOW)).toBe(true);
		expect(persisted).toEqual({ [keys[0]]: NOW, [keys[1]]: NOW });
	});

	it('refuses the exact same delivery twice (HeyGen retry)', () => {
		const scope = freshScope();
		const persisted: AcceptedDeliveries = {};
		expect(claimDelivery(scope, persisted, deliveryKeys('ev_1', body(1)), NOW)).toBe(true);
		expect(claimDelivery(scope, persisted, deliveryKeys('ev_1', body(1)), NOW + 5)).toBe(false);
	});

	it('refuses the same event id with a different body', () => {
		const scope = freshScope();
		const persisted: AcceptedDeliveries = {};
		expect(claimDelivery(scope, persisted, deliveryKeys('ev_1', body(1)), NOW)).toBe(true);
		expect(claimDelivery(scope, persisted, deliveryKeys('ev_1', body(2)), NOW)).toBe(false);
	});

	it('refuses the same body under a different event id (a captured body replayed with fresh headers)', () => {
		const scope = freshScope();
		const persisted: AcceptedDeliveries = {};
		expect(claimDelivery(scope, persisted, deliveryKeys('ev_1', body(1)), NOW)).toBe(true);
		expect(claimDelivery(scope, persisted, deliveryKeys('ev_forged', body(1)), NOW)).toBe(false);
	});

	it('refuses the same body with the event id header stripped', () => {
		const scope = freshScope();
		const persisted: AcceptedDeliveries = {};
		expect(claimDelivery(scope, persisted, deliveryKeys('ev_1', body(1)), NOW)).toBe(true);
		expect(claimDelivery(scope, persisted, deliveryKeys(undefined, body(1)), NOW)).toBe(false);
	});

	it('refuses a later delivery that carries an event id when the first had none', () => {
		const scope = freshScope();
		const persisted: AcceptedDeliveries = {};
		expect(claimDelivery(scope, persisted, deliveryKeys(undefined, body(1)), NOW)).toBe(true);
		expect(claimDelivery(scope, persisted, deliveryKeys('ev_1', body(1)), NOW)).toBe(false);
	});

	it('accepts different events one after the other', () => {
		const scope = freshScope();
		const persisted: AcceptedDeliveries = {};
		for (let i = 0; i < 20; i++) {
			expect(claimDelivery(scope, persisted, deliveryKeys(`ev_${i}`, body(i)), NOW + i)).toBe(true);
		}
		expect(Object.keys(persisted)).toHaveLength(40);
	});

	it('does not record a refused delivery (a refused new event id is not remembered)', () => {
		const scope = freshScope();
		const persisted: AcceptedDeliveries = {};
		claimDelivery(scope, persisted, deliveryKeys('ev_1', body(1)), NOW);
		const before = { ...persisted };
		expect(claimDelivery(scope, persisted, deliveryKeys('ev_2', body(1)), NOW + 1)).toBe(false);
		expect(persisted).toEqual(before);
		// ev_2 with its own body is therefore still new.
		expect(claimDelivery(scope, persisted, deliveryKeys('ev_2', body(2)), NOW + 2)).toBe(true);
	});

	it('keeps scopes (trigger nodes) independent', () => {
		const keys = deliveryKeys('ev_1', body(1));
		expect(claimDelivery('workflow-1:Trigger A', {}, keys, NOW)).toBe(true);
		expect(claimDelivery('workflow-1:Trigger B', {}, keys, NOW)).toBe(true);
		expect(claimDelivery('workflow-2:Trigger A', {}, keys, NOW)).toBe(true);
		expect(claimDelivery('workflow-1:Trigger A', {}, keys, NOW)).toBe(false);
	});

	it('blocks from the persisted record alone (process memory forgotten, as after a restart)', () => {
		const scope = freshScope();
		const persisted: AcceptedDeliveries = {};
		expect(claimDelivery(scope, persisted, deliveryKeys('ev_1', body(1)), NOW)).toBe(true);
		forgetProcessMemory();
		// n8n saves static data as JSON: a round trip must not lose anything.
		const reloaded = JSON.parse(JSON.stringify(persisted)) as AcceptedDeliveries;
		expect(claimDelivery(scope, reloaded, deliveryKeys('ev_1', body(1)), NOW + 60)).toBe(false);
		expect(claimDelivery(scope, reloaded, deliveryKeys('ev_other', body(1)), NOW + 60)).toBe(false);
		expect(claimDelivery(scope, reloaded, deliveryKeys('ev_1', body(9)), NOW + 60)).toBe(false);
	});

	it("blocks from memory alone (a concurrent request's own fresh copy of static data)", () => {
		const scope = freshScope();
		expect(claimDelivery(scope, {}, deliveryKeys('ev_1', body(1)), NOW)).toBe(true);
		expect(claimDelivery(scope, {}, deliveryKeys('ev_1', body(1)), NOW)).toBe(false);
		expect(claimDelivery(scope, {}, deliveryKeys('ev_1', body(2)), NOW)).toBe(false);
		expect(claimDelivery(scope, {}, deliveryKeys('ev_2', body(1)), NOW)).toBe(false);
	});

	it('lets exactly one of many simultaneous copies of the same delivery win', async () => {
		const scope = freshScope();
		const results = await Promise.all(
			Array.from({ length: 10 }, async () => claimDelivery(scope, {}, deliveryKeys('ev_1', body(1)), NOW)),
		);
		expect(results.filter(Boolean)).toHaveLength(1);
	});

	describe('24 h window', () => {
		it('still blocks just before 24 h, accepts again at 24 h (persisted + memory)', () => {
			const scope = freshScope();
			const persisted: AcceptedDeliveries = {};
			const keys = deliveryKeys('ev_1', body(1));
			expect(claimDelivery(scope, persisted, keys, NOW)).toBe(true);
			expect(claimDelivery(scope, persisted, keys, NOW + REPLAY_WINDOW_SECONDS - 1)).toBe(false);
			expect(claimDelivery(scope, persisted, keys, NOW + REPLAY_WINDOW_SECONDS)).toBe(true);
			expect(persisted[keys[0]]).toBe(NOW + REPLAY_WINDOW_SECONDS);
		});

		it('expires entries in the persisted record alone (after a restart)', () => {
			const scope = freshScope();
			const persisted: AcceptedDeliveries = {};
			const keys = deliveryKeys('ev_1', body(1));
			claimDelivery(scope, persisted, keys, NOW);
			forgetProcessMemory();
			expect(claimDelivery(scope, persisted, keys, NOW + REPLAY_WINDOW_SECONDS + 3600)).toBe(true);
		});

		it('expires entries in memory alone', () => {
			const scope = freshScope();
			const keys = deliveryKeys('ev_1', body(1));
			claimDelivery(scope, {}, keys, NOW);
			expect(claimDelivery(scope, {}, keys, NOW + REPLAY_WINDOW_SECONDS - 1)).toBe(false);
			expect(claimDelivery(scope, {}, keys, NOW + REPLAY_WINDOW_SECONDS)).toBe(true);
		});

		it('prunes expired entries out of the persisted record on the next claim', () => {
			const scope = freshScope();
			const persisted: AcceptedDeliveries = {};
			for (let i = 0; i < 5; i++) claimDelivery(scope, persisted, deliveryKeys(`ev_${i}`, body(i)), NOW + i);
			const later = NOW + REPLAY_WINDOW_SECONDS + 2; // entries 0..2 are now older than 24 h
			claimDelivery(scope, persisted, deliveryKeys('ev_new', body('new')), later);
			const kept = Object.values(persisted);
			expect(kept.every((acceptedAt) => later - acceptedAt < REPLAY_WINDOW_SECONDS)).toBe(true);
			expect(Object.keys(persisted)).toHaveLength(2 * 2 + 2);
		});

		it('drops expired entries that a persisted record carries from an old run', () => {
			const scope = freshScope();
			const keys = deliveryKeys('ev_1', body(1));
			const persisted: AcceptedDeliveries = { [keys[0]]: NOW - REPLAY_WINDOW_SECONDS - 10, [keys[1]]: NOW - REPLAY_WINDOW_SECONDS - 10 };
			expect(claimDelivery(scope, persisted, keys, NOW)).toBe(true);
			expect(persisted).toEqual({ [keys[0]]: NOW, [keys[1]]: NOW });
		});
	});

	describe('bounded', () => {
		const EXTRA = 25;
		const TOTAL = MAX_REMEMBERED + EXTRA;
		/** Claims TOTAL distinct deliveries, all inside the window (only the size bound evicts). */
		const fill = (scope: string, persisted: () => AcceptedDeliveries, withEventId: boolean) => {
			const results: boolean[] = [];
			for (let i = 0; i < TOTAL; i++) {
				results.push(claimDelivery(scope, persisted(), deliveryKeys(withEventId ? `ev_${i}` : undefined, body(i)), NOW));
			}
			return results;
		};

		describe('persisted record, two keys per delivery', () => {
			const persisted: AcceptedDeliveries = {};
			let results: boolean[];
			beforeAll(() => {
				forgetProcessMemory();
				results = fill(freshScope(), () => persisted, true);
			});

			it('accepted every distinct delivery', () => {
				expect(results.every(Boolean)).toBe(true);
			});

			it('stays full: exactly MAX_REMEMBERED entries after more claims than that', () => {
				expect(Object.keys(persisted)).toHaveLength(MAX_REMEMBERED);
			});

			it('evicted the oldest and kept the newest', () => {
				const newest = deliveryKeys(`ev_${TOTAL - 1}`, body(TOTAL - 1));
				expect(newest.every((key) => persisted[key] === NOW)).toBe(true);
				for (let i = 0; i < EXTRA; i++) {
					expect(deliveryKeys(`ev_${i}`, body(i)).some((key) => key in persisted)).toBe(false);
				}
				for (let i = TOTAL - MAX_REMEMBERED / 2 + 1; i < TOTAL; i++) {
					expect(deliveryKeys(`ev_${i}`, body(i)).every((key) => key in persisted)).toBe(true);
				}
			});

			it('never holds more than MAX_REMEMBERED entries after a claim', () => {
				expect(Object.keys(persisted).length).toBeLessThanOrEqual(MAX_REMEMBERED);
			});
		});

		it('process memory is bounded too: the oldest are forgotten, the newest MAX_REMEMBERED still block', () => {
			const scope = freshScope();
			// A fresh persisted object per claim: only memory remembers anything.
			expect(fill(scope, () => ({}), false).every(Boolean)).toBe(true);
			// Newest first: refused claims do not change memory.
			const refused: boolean[] = [];
			for (let i = TOTAL - 1; i >= EXTRA; i--) refused.push(claimDelivery(scope, {}, deliveryKeys(undefined, body(i)), NOW));
			expect(refused.some(Boolean)).toBe(false);
			// The oldest EXTRA were evicted from memory, so only the persisted record could stop them.
			const again: boolean[] = [];
			for (let i = 0; i < EXTRA; i++) again.push(claimDelivery(scope, {}, deliveryKeys(undefined, body(i)), NOW));
			expect(again.every(Boolean)).toBe(true);
		});
	});
});
