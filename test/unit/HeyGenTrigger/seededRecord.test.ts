import * as fs from 'fs';
import * as path from 'path';

import { buildSeededRecord, seededAcceptedAt, seededDelivery, type SeededKind } from '../../../dev/n8n/seedRecord';
import { keysOf } from '../../../nodes/HeyGenTrigger/deliveryDecision';
import {
	KEY_LENGTH,
	MAX_KEYS,
	RECORD_CAPACITY_DELIVERIES,
	REPLAY_WINDOW_SECONDS,
	ScopeRecord,
} from '../../../nodes/HeyGenTrigger/replayRecord';
import { parseDelivery } from '../../../nodes/shared/deliveryItem';

/**
 * The full record the bench and the e2e suite seed into n8n's database (dev/n8n/seedRecord.ts)
 * must be exactly what the trigger reads: pinned here against the trigger's own key function and
 * reader, the way webhook() uses them (absorb the stored copy, then check), and against the sizes
 * the README states. A change of the persisted format or of the keys fails this test.
 */

const NOW = 1_767_225_600 + 1234; // inside an hour
/** The keys webhook() computes for seeded delivery `index`, under its own event id or another. */
const triggerKeys = (index: number, kind: SeededKind, eventId?: string) => {
	const delivery = seededDelivery(index, 'seed', kind);
	const raw = Buffer.from(delivery.body);
	return keysOf(eventId ?? delivery.eventId, raw, parseDelivery(raw)!);
};
const readme = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');

describe.each([
	['job', 1],
	['plain', 2],
] as Array<[SeededKind, number]>)('the seeded full record of %s events (dev/n8n/seedRecord.ts)', (kind, keysPerDelivery) => {
	const seeded = buildSeededRecord({ now: NOW, kind });
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

	it(`is read by the trigger's record as ${keysPerDelivery} key(s) per delivery; every seeded delivery, its replay under a fresh event id included, is a duplicate; a fresh one is not`, () => {
		const record = new ScopeRecord();
		// false: the stored copy lacks nothing this (new) process knows, so nothing to write back.
		expect(record.absorb(stored, NOW)).toBe(false);
		expect(record.size).toBe(keysPerDelivery * RECORD_CAPACITY_DELIVERIES);
		expect(record.size).toBeLessThanOrEqual(MAX_KEYS);
		for (let index = 0; index < RECORD_CAPACITY_DELIVERIES; index++) {
			expect(record.check(triggerKeys(index, kind), NOW)).toBe('duplicate'); // HeyGen's retry
			expect(record.check(triggerKeys(index, kind, 'evt_fresh'), NOW)).toBe('duplicate'); // a replay
		}
		expect(record.check(triggerKeys(RECORD_CAPACITY_DELIVERIES, kind), NOW)).toBe('new');
	});

	it('is still whole 59 minutes later (no seeded key expires in the hour after seeding)', () => {
		const record = new ScopeRecord();
		record.absorb(stored, NOW + 59 * 60);
		expect(record.size).toBe(keysPerDelivery * RECORD_CAPACITY_DELIVERIES);
		expect(record.check(triggerKeys(0, kind), NOW + 59 * 60)).toBe('duplicate');
	});

	it('is as large as the README says', () => {
		// "It covers 20,000 deliveries per 24 h per trigger in about 160 KB when they end jobs (…), 320 KB when none does"
		const stated = /covers\s+([\d,]+)\s+deliveries\s+per\s+24\s+h\s+per\s+trigger\s+in\s+about\s+(\d+)\s+KB[^.]*?(\d+)\s+KB when none does/.exec(readme);
		expect(stated).not.toBeNull();
		const [, deliveries, jobKilobytes, plainKilobytes] = stated as RegExpExecArray;
		expect(Number(deliveries.replace(/,/g, ''))).toBe(RECORD_CAPACITY_DELIVERIES);
		expect(Math.round(json.length / 1000)).toBe(Number(kind === 'job' ? jobKilobytes : plainKilobytes));
		// 8 characters a key, plus about 13 characters of JSON per hour.
		expect(json.length).toBeGreaterThanOrEqual(keysPerDelivery * RECORD_CAPACITY_DELIVERIES * KEY_LENGTH);
		expect(json.length).toBeLessThan(keysPerDelivery * RECORD_CAPACITY_DELIVERIES * KEY_LENGTH + 25 * 16 + 20);
	});

	it('is reproducible: the same deliveries give the same record', () => {
		expect(JSON.stringify(buildSeededRecord({ now: NOW, kind }))).toBe(json);
		expect(seededDelivery(7, 'seed', kind)).toEqual(seededDelivery(7, 'seed', kind));
		expect(seededDelivery(7, 'other', kind).body).not.toBe(seededDelivery(7, 'seed', kind).body);
	});
});
