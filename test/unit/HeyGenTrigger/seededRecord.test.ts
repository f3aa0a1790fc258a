import * as fs from 'fs';
import * as path from 'path';

import { buildSeededRecord, seededAcceptedAt, seededDelivery } from '../../../dev/n8n/seedRecord';
import {
	deliveryKeys,
	KEY_LENGTH,
	MAX_KEYS,
	RECORD_CAPACITY_DELIVERIES,
	REPLAY_WINDOW_SECONDS,
	ScopeRecord,
} from '../../../nodes/HeyGenTrigger/replayRecord';

/**
 * The full record the bench and the e2e suite seed into n8n's database (dev/n8n/seedRecord.ts)
 * must be exactly what the trigger reads: pinned here against the trigger's own reader, the way
 * webhook() uses it (absorb the stored copy, then isDuplicate), and against the size the README
 * states. A change of the persisted format or of the key function fails this test.
 */

const NOW = 1_767_225_600 + 1234; // inside an hour
const keysOf = (index: number) => {
	const { eventId, body } = seededDelivery(index);
	return deliveryKeys(eventId, Buffer.from(body));
};

describe('the seeded full record (dev/n8n/seedRecord.ts)', () => {
	const seeded = buildSeededRecord({ now: NOW });
	/** A JSON round trip, as n8n's database gives static data back. */
	const stored = JSON.parse(JSON.stringify(seeded));
	const json = JSON.stringify(seeded);

	it('has the persisted shape: {v: 1, hours: {<Unix hour>: <8-character keys, concatenated>}}', () => {
		expect(Object.keys(stored).sort()).toEqual(['hours', 'v']);
		expect(stored.v).toBe(1);
		const hours = Object.keys(stored.hours).map(Number);
		for (const hour of hours) expect(Number.isInteger(hour)).toBe(true);
		for (const keys of Object.values(stored.hours) as string[]) {
			expect(keys.length % KEY_LENGTH).toBe(0);
			expect(keys).toMatch(/^[A-Za-z0-9_-]+$/);
		}
		// Every hour lies within the last 24 h; the oldest delivery is 23 h old, so none expires for an hour.
		expect(Math.min(...hours)).toBeGreaterThanOrEqual(Math.floor((NOW - REPLAY_WINDOW_SECONDS) / 3600));
		expect(Math.max(...hours)).toBe(Math.floor(NOW / 3600));
		expect(seededAcceptedAt(0, { now: NOW })).toBe(NOW - REPLAY_WINDOW_SECONDS + 3600);
		expect(seededAcceptedAt(RECORD_CAPACITY_DELIVERIES - 1, { now: NOW })).toBe(NOW);
	});

	it("is read by the trigger's record as 40,000 keys (2 per delivery), every seeded delivery a duplicate, a fresh one not", () => {
		const record = new ScopeRecord();
		// false: the stored copy lacks nothing this (new) process knows, so nothing to write back.
		expect(record.absorb(stored, NOW)).toBe(false);
		expect(record.size).toBe(2 * RECORD_CAPACITY_DELIVERIES);
		expect(record.size).toBe(MAX_KEYS);
		for (let index = 0; index < RECORD_CAPACITY_DELIVERIES; index++) {
			const [bodyKey, eventKey] = keysOf(index);
			// A replayed body under a fresh event id, and a retry under the same id.
			expect(record.isDuplicate([bodyKey])).toBe(true);
			expect(record.isDuplicate([eventKey])).toBe(true);
		}
		const fresh = seededDelivery(RECORD_CAPACITY_DELIVERIES);
		expect(record.isDuplicate(deliveryKeys(fresh.eventId, Buffer.from(fresh.body)))).toBe(false);
		expect(record.isDuplicate(deliveryKeys('evt_other', Buffer.from('{"event_type":"avatar_video.success"}')))).toBe(false);
	});

	it('is still whole 59 minutes later (no seeded key expires in the hour after seeding)', () => {
		const record = new ScopeRecord();
		record.absorb(stored, NOW + 59 * 60);
		expect(record.size).toBe(MAX_KEYS);
		expect(record.isDuplicate(keysOf(0))).toBe(true);
	});

	it('is as large as the README says ("20,000 deliveries per 24 h per trigger in about 320 KB")', () => {
		const readme = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
		const stated = /covers\s+([\d,]+)\s+deliveries\s+per\s+24\s+h\s+per\s+trigger\s+in\s+about\s+(\d+)\s+KB/.exec(readme);
		expect(stated).not.toBeNull();
		const [, deliveries, kilobytes] = stated as RegExpExecArray;
		expect(Number(deliveries.replace(/,/g, ''))).toBe(RECORD_CAPACITY_DELIVERIES);
		expect(Math.round(json.length / 1000)).toBe(Number(kilobytes));
		// 40,000 keys of 8 characters, plus about 13 characters of JSON per hour.
		expect(json.length).toBeGreaterThanOrEqual(MAX_KEYS * KEY_LENGTH);
		expect(json.length).toBeLessThan(MAX_KEYS * KEY_LENGTH + 25 * 16 + 20);
	});

	it('is reproducible: the same deliveries give the same record', () => {
		expect(JSON.stringify(buildSeededRecord({ now: NOW }))).toBe(json);
		expect(seededDelivery(7)).toEqual(seededDelivery(7));
		expect(seededDelivery(7, 'other').body).not.toBe(seededDelivery(7).body);
	});
});
