import { createHash } from 'node:crypto';

import {
	deliveryKeys,
	HOLD_SECONDS,
	KEY_LENGTH,
	MAX_KEYS,
	RECORD_CAPACITY_DELIVERIES,
	REPLAY_WINDOW_SECONDS,
	ReplayRecords,
	ScopeRecord,
	type PersistedRecord,
} from '../../../nodes/HeyGenTrigger/replayRecord';

const NOW = 1_767_225_600; // an hour boundary
const body = (n: number | string) => Buffer.from(`{"event_type":"avatar_video.success","event_data":{"video_id":"v_${n}"}}`);
const keysOf = (n: number) => deliveryKeys(`evt_${n}`, body(n));

/** A JSON round trip, as n8n's database gives static data back. */
const stored = (record: ScopeRecord): PersistedRecord => JSON.parse(JSON.stringify(record.toPersisted()));

describe('deliveryKeys', () => {
	it('gives a body key and, with an event id, an event-id key: 8 base64url characters each', () => {
		const keys = deliveryKeys('evt_1', body(1));
		expect(keys).toHaveLength(2);
		for (const key of keys) expect(key).toMatch(/^[A-Za-z0-9_-]{8}$/);
		expect(deliveryKeys(undefined, body(1))).toEqual([keys[0]]);
		expect(deliveryKeys('', body(1))).toEqual([keys[0]]);
	});

	it('is 48 bits of SHA-256 over the raw bytes: stable, and different for one changed byte', () => {
		const expected = createHash('sha256').update('body\0').update(body(1)).digest().subarray(0, 6).toString('base64url');
		expect(deliveryKeys(undefined, body(1))[0]).toBe(expected);
		expect(deliveryKeys(undefined, body(2))[0]).not.toBe(expected);
	});

	it('keeps event ids and bodies apart, and never holds the raw values', () => {
		expect(deliveryKeys(undefined, Buffer.from('evt_1'))[0]).not.toBe(deliveryKeys('evt_1', body(1))[1]);
		expect(deliveryKeys('evt_secretish', body('abc')).join('')).not.toContain('evt_');
	});
});

describe('ScopeRecord', () => {
	it('marks a delivery as a duplicate by its body or by its event id', () => {
		const record = new ScopeRecord();
		record.claim(deliveryKeys('evt_1', body(1)), NOW);
		expect(record.isDuplicate(deliveryKeys('evt_1', body(1)))).toBe(true);
		expect(record.isDuplicate(deliveryKeys('evt_other', body(1)))).toBe(true); // replay under a fresh id
		expect(record.isDuplicate(deliveryKeys('evt_1', body(2)))).toBe(true); // retry, body re-encoded
		expect(record.isDuplicate(deliveryKeys(undefined, body(1)))).toBe(true);
		expect(record.isDuplicate(deliveryKeys('evt_2', body(2)))).toBe(false);
	});

	it('survives a restart through its persisted form', () => {
		const before = new ScopeRecord();
		for (let i = 0; i < 50; i++) before.claim(keysOf(i), NOW + i);
		const after = new ScopeRecord(); // a new process: empty memory
		expect(after.absorb(stored(before), NOW + 60)).toBe(false);
		for (let i = 0; i < 50; i++) expect(after.isDuplicate(keysOf(i))).toBe(true);
		expect(after.isDuplicate(keysOf(50))).toBe(false);
	});

	describe('merge: last write wins in n8n, so every write carries everything', () => {
		it('puts back keys a concurrent request overwrote', () => {
			const process1 = new ScopeRecord();
			const loaded = stored(process1); // both requests load the same copy
			process1.claim(keysOf(1), NOW);
			const writeA = stored(process1);
			process1.claim(keysOf(2), NOW);
			const writeB = stored(process1);
			// The later write carries the earlier request's keys as well as its own.
			const hour = String(NOW / 3600);
			expect(writeA.hours[hour]).toBe(keysOf(1).join(''));
			expect(writeB.hours[hour]).toBe([...keysOf(1), ...keysOf(2)].join(''));
			expect(loaded.hours).toEqual({});
		});

		it('folds in what another process wrote, and asks for a rewrite when the stored copy lacks its own keys', () => {
			const webhook1 = new ScopeRecord();
			const webhook2 = new ScopeRecord();
			webhook1.claim(keysOf(1), NOW);
			webhook2.claim(keysOf(2), NOW);
			// webhook2 wrote last and overwrote webhook1's key: webhook1 sees the loss on its next load.
			expect(webhook1.absorb(stored(webhook2), NOW + 1)).toBe(true);
			const healed = stored(webhook1);
			const fresh = new ScopeRecord();
			fresh.absorb(healed, NOW + 2);
			expect(fresh.isDuplicate(keysOf(1))).toBe(true);
			expect(fresh.isDuplicate(keysOf(2))).toBe(true);
			// And once the stored copy holds everything, nothing needs writing.
			expect(webhook1.absorb(healed, NOW + 3)).toBe(false);
		});

		it('reads only what another request appended to an hour it has seen, and still knows every key', () => {
			const a = new ScopeRecord();
			for (let i = 0; i < 100; i++) a.claim(keysOf(i), NOW);
			const written = stored(a);
			const b = new ScopeRecord();
			b.absorb(written, NOW);
			b.claim(keysOf(100), NOW); // appended after a's keys
			expect(a.absorb(stored(b), NOW + 1)).toBe(false);
			for (let i = 0; i <= 100; i++) expect(a.isDuplicate(keysOf(i))).toBe(true);
			// An older copy (a prefix of what a knows) brings nothing, and asks for a rewrite.
			expect(a.absorb(written, NOW + 2)).toBe(true);
			expect(a.size).toBe(202);
		});

		it('ignores a stored copy of another shape (damaged, or not a record)', () => {
			const record = new ScopeRecord();
			expect(record.absorb({ 'b:0123456789abcdef': NOW }, NOW)).toBe(false);
			expect(record.absorb({ v: 1, hours: { x: 'abc', [NOW / 3600]: 12 } }, NOW)).toBe(false);
			expect(record.absorb(null, NOW)).toBe(false);
			expect(record.size).toBe(0);
		});
	});

	describe('expiry', () => {
		it("remembers a delivery for HeyGen's 24 h retry horizon, and forgets it after 25 h", () => {
			const record = new ScopeRecord();
			record.claim(keysOf(1), NOW);
			record.claim(keysOf(2), NOW + 10);
			expect(record.isDuplicate(keysOf(1))).toBe(true);
			record.claim(keysOf(3), NOW + REPLAY_WINDOW_SECONDS - 1);
			expect(record.isDuplicate(keysOf(1))).toBe(true);
			record.claim(keysOf(4), NOW + REPLAY_WINDOW_SECONDS + 3600);
			expect(record.isDuplicate(keysOf(1))).toBe(false);
			expect(record.isDuplicate(keysOf(4))).toBe(true);
		});

		it('keeps a key accepted mid-hour for at least 24 h and forgets it in the hour after (not an hour early or late)', () => {
			const accepted = NOW + 1800; // 00:30
			// As the trigger does for every delivery: fold in static data (which expires), then look.
			const seenAt = (record: ScopeRecord, at: number, persisted?: PersistedRecord) => {
				record.absorb(persisted, at);
				return record.check(keysOf(1), at);
			};
			const record = new ScopeRecord();
			record.claim(keysOf(1), accepted);
			const saved = stored(record);
			expect(seenAt(record, accepted + REPLAY_WINDOW_SECONDS - 1)).toBe('duplicate'); // 00:29:59 next day
			expect(seenAt(record, NOW + REPLAY_WINDOW_SECONDS + 3599)).toBe('duplicate'); // 00:59:59 next day
			expect(seenAt(record, NOW + REPLAY_WINDOW_SECONDS + 3600)).toBe('new'); // 01:00 next day
			// The same for a restarted process that only has the persisted copy.
			expect(seenAt(new ScopeRecord(), accepted + REPLAY_WINDOW_SECONDS - 1, saved)).toBe('duplicate');
			expect(seenAt(new ScopeRecord(), NOW + REPLAY_WINDOW_SECONDS + 3600, saved)).toBe('new');
		});

		it('drops expired hours from what it writes and from what it loads', () => {
			const old = new ScopeRecord();
			old.claim(keysOf(1), NOW);
			const later = NOW + REPLAY_WINDOW_SECONDS + 3600;
			const record = new ScopeRecord();
			record.absorb(stored(old), later);
			expect(record.isDuplicate(keysOf(1))).toBe(false);
			old.claim(keysOf(2), later);
			expect(Object.keys(stored(old).hours)).toEqual([String((later - (later % 3600)) / 3600)]);
		});
	});

	describe('bound', () => {
		it(`covers ${RECORD_CAPACITY_DELIVERIES} deliveries, then forgets the oldest first`, () => {
			expect(RECORD_CAPACITY_DELIVERIES).toBeGreaterThanOrEqual(20_000);
			const record = new ScopeRecord();
			const extra = 500;
			// Spread over 20 hours, in time order.
			const at = (i: number) => NOW + Math.floor((i * 20 * 3600) / (RECORD_CAPACITY_DELIVERIES + extra));
			for (let i = 0; i < RECORD_CAPACITY_DELIVERIES + extra; i++) record.claim(keysOf(i), at(i));
			expect(record.size).toBe(MAX_KEYS);
			for (let i = 0; i < extra; i++) expect(record.isDuplicate(keysOf(i))).toBe(false);
			for (let i = extra; i < RECORD_CAPACITY_DELIVERIES + extra; i += 97) expect(record.isDuplicate(keysOf(i))).toBe(true);

			const persisted = stored(record);
			const bytes = JSON.stringify(persisted).length;
			expect(bytes).toBeLessThan(MAX_KEYS * KEY_LENGTH + 1000);
			const reloaded = new ScopeRecord();
			reloaded.absorb(persisted, at(RECORD_CAPACITY_DELIVERIES + extra));
			expect(reloaded.size).toBe(MAX_KEYS);
		});
	});
});

describe('holds: provisional until n8n has the execution', () => {
	it('a held delivery is in flight, then a duplicate once confirmed, and only then persisted', () => {
		const record = new ScopeRecord();
		const hold = record.hold(keysOf(1), NOW);
		expect(record.check(keysOf(1), NOW)).toBe('in_flight');
		expect(stored(record).hours).toEqual({});
		hold.confirm();
		expect(record.check(keysOf(1), NOW)).toBe('duplicate');
		expect(stored(record).hours[String(NOW / 3600)]).toBe(keysOf(1).join(''));
	});

	it('a released hold leaves nothing behind', () => {
		const record = new ScopeRecord();
		record.hold(keysOf(1), NOW).release();
		expect(record.check(keysOf(1), NOW)).toBe('new');
		expect(record.size).toBe(0);
	});

	it(`a hold lapses after ${HOLD_SECONDS} s`, () => {
		const record = new ScopeRecord();
		record.hold(keysOf(1), NOW);
		expect(record.check(keysOf(1), NOW + HOLD_SECONDS - 1)).toBe('in_flight');
		expect(record.check(keysOf(1), NOW + HOLD_SECONDS)).toBe('new');
	});

	describe('released after confirming (n8n 1.x failed after reading the answer)', () => {
		function confirmedThenFailed() {
			const record = new ScopeRecord();
			record.claim(keysOf(0), NOW);
			const hold = record.hold(keysOf(1), NOW);
			hold.confirm();
			const savedMeanwhile = stored(record); // n8n 1.x saved static data before the failure
			hold.release();
			return { record, savedMeanwhile };
		}

		it('the delivery is new again, and the next write leaves it out', () => {
			const { record } = confirmedThenFailed();
			expect(record.check(keysOf(1), NOW + 1)).toBe('new');
			expect(record.check(keysOf(0), NOW + 1)).toBe('duplicate');
			expect(stored(record).hours[String(NOW / 3600)]).toBe(keysOf(0).join(''));
		});

		it('the copy static data kept is not folded back in, and is marked for a rewrite', () => {
			const { record, savedMeanwhile } = confirmedThenFailed();
			expect(record.absorb(savedMeanwhile, NOW + 1)).toBe(true);
			expect(record.check(keysOf(1), NOW + 1)).toBe('new');
		});

		it('HeyGen\'s retry is accepted and confirmed like any delivery', () => {
			const { record, savedMeanwhile } = confirmedThenFailed();
			record.hold(keysOf(1), NOW + 60).confirm();
			expect(record.check(keysOf(1), NOW + 61)).toBe('duplicate');
			expect(record.absorb(savedMeanwhile, NOW + 62)).toBe(false);
		});
	});
});

describe('ReplayRecords', () => {
	it('keeps one record per scope, and forgets one on request', () => {
		const records = new ReplayRecords();
		records.get('wf1:Trigger:webhook').claim(keysOf(1), NOW);
		expect(records.get('wf1:Trigger:webhook').isDuplicate(keysOf(1))).toBe(true);
		expect(records.get('wf1:Trigger:manual').isDuplicate(keysOf(1))).toBe(false);
		expect(records.get('wf2:Trigger:webhook').isDuplicate(keysOf(1))).toBe(false);
		records.forget('wf1:Trigger:webhook');
		expect(records.get('wf1:Trigger:webhook').isDuplicate(keysOf(1))).toBe(false);
	});
});
