import { createHmac } from 'node:crypto';

import { decideDelivery, keysOf, type DeliveryInput, type DeliveryOptions } from '../../../nodes/HeyGenTrigger/deliveryDecision';
import { RETRY_AFTER_SECONDS, type TriggerAnswer as DeliveryDecision } from '../../../nodes/HeyGenTrigger/triggerAnswer';
import { deliveryKeys, HOLD_SECONDS, ScopeRecord } from '../../../nodes/HeyGenTrigger/replayRecord';
import type { SigningSecret } from '../../../nodes/HeyGenTrigger/signingSecret';
import { parseDelivery, simplifyDelivery } from '../../../nodes/shared/deliveryItem';
import { readmeAnswerCodes } from '../../support/readme';

/** Every row of the README's table "What happens to a delivery", in its order. */

const SECRET = 'whsec_decision_0123456789';
const NOW = 1_767_225_600; // 2026-01-01T00:00:00Z
const OPEN: SigningSecret = { state: 'open', secret: SECRET };

const DELIVERY = {
	event_type: 'avatar_video.success',
	event_data: { video_id: 'v_1', url: 'https://files.example.com/v_1.mp4', callback_id: 'order-42' },
};
const RAW = Buffer.from(JSON.stringify(DELIVERY));
const OTHER_RAW = Buffer.from(JSON.stringify({ ...DELIVERY, event_data: { ...DELIVERY.event_data, video_id: 'v_2' } }));
/** The same video's success, as a HeyGen retry might re-encode it: another body, the same job outcome. */
const REENCODED = Buffer.from(JSON.stringify({ event_data: DELIVERY.event_data, event_type: DELIVERY.event_type }));
/** Events that end no job: kept by their body and their event id. */
const PLAIN = Buffer.from(JSON.stringify({ event_type: 'photo_avatar_train.success', event_data: { group_id: 'g_1' } }));
const OTHER_PLAIN = Buffer.from(JSON.stringify({ event_type: 'photo_avatar_train.success', event_data: { group_id: 'g_2' } }));

const sign = (rawBody: Buffer | string, secret = SECRET) => createHmac('sha256', secret).update(rawBody).digest('hex');

type Headers = DeliveryInput['headers'];
/** The headers HeyGen sends with `rawBody`, signed with the endpoint's secret. */
const genuine = (rawBody: Buffer = RAW, extra: Headers = {}): Headers => ({
	'heygen-signature': sign(rawBody),
	'heygen-timestamp': String(NOW),
	'heygen-event-id': 'evt_1',
	...extra,
});

interface Row {
	headers?: Headers;
	rawBody?: Buffer;
	options?: Partial<DeliveryOptions>;
	secret?: SigningSecret;
	/** Keys this process has already accepted. */
	known?: Array<[eventId: string | undefined, rawBody: Buffer]>;
	/** Keys only another process's write to static data holds. */
	persisted?: Array<[eventId: string | undefined, rawBody: Buffer]>;
	/** Keys of deliveries this process holds while n8n creates their executions. */
	held?: Array<[eventId: string | undefined, rawBody: Buffer]>;
	/** False: the trigger listens to per-job callbacks only. */
	listening?: boolean;
}

/** The keys the trigger records for a delivery (its job outcome, or its body; and its event id). */
const keysFor = (eventId: string | undefined, rawBody: Buffer) =>
	parseDelivery(rawBody) ? keysOf(eventId, rawBody, parseDelivery(rawBody)!) : deliveryKeys(eventId, rawBody);

function decide(row: Row = {}) {
	const record = new ScopeRecord();
	for (const [eventId, rawBody] of row.known ?? []) record.claim(keysFor(eventId, rawBody), NOW - 60);
	for (const [eventId, rawBody] of row.held ?? []) record.hold(keysFor(eventId, rawBody), NOW - 5);
	let persistedRecord: unknown;
	if (row.persisted) {
		const other = new ScopeRecord();
		for (const [eventId, rawBody] of row.persisted) other.claim(keysFor(eventId, rawBody), NOW - 60);
		persistedRecord = JSON.parse(JSON.stringify(other.toPersisted()));
	}
	const sizeBefore = record.size;
	const decision = decideDelivery({
		listening: row.listening ?? true,
		headers: row.headers ?? genuine(row.rawBody),
		rawBody: row.rawBody ?? RAW,
		options: { events: [], ...row.options },
		now: NOW,
		secret: row.secret ?? OPEN,
		record,
		persistedRecord,
	});
	return { decision, record, claimed: record.size - sizeBefore };
}

const rejected = (status: number, error: string) =>
	expect.objectContaining({ outcome: 'rejected', status, body: { error, message: expect.any(String) } });
const ignored = (reason: string) =>
	expect.objectContaining({ outcome: 'ignored', status: 200, body: { received: true, ignored: reason } });
const accepted = () =>
	expect.objectContaining({ outcome: 'accepted', status: 200, body: { received: true }, hold: expect.anything() });
const retryLater = (error: string) =>
	expect.objectContaining({ outcome: 'rejected', status: 503, body: { error, message: expect.any(String) }, retryAfter: RETRY_AFTER_SECONDS });

describe('decideDelivery: the README delivery table', () => {
	const oneSecondPastTolerance = String(NOW - 301);
	const rows: Array<[string, Row, ReturnType<typeof expect.objectContaining>]> = [
		// 0. the event URL at all
		['Listen To: Per-Job Callbacks only → 404 not_listening', { listening: false }, rejected(404, 'not_listening')],
		// 1. a signature at all
		['no signature header → 401 missing_signature', { headers: { 'heygen-timestamp': String(NOW), 'heygen-event-id': 'evt_1' } }, rejected(401, 'missing_signature')],
		['blank Heygen-Signature → 401 missing_signature', { headers: genuine(RAW, { 'heygen-signature': '  ' }) }, rejected(401, 'missing_signature')],
		// 2. the signing secret
		['no secret stored yet (activation still saving it) → 503 not_ready', { secret: { state: 'none' } }, retryLater('not_ready')],
		['secret sealed under another API key → 503 secret_unavailable', { secret: { state: 'unopenable' } }, retryLater('secret_unavailable')],
		// 3. the signature
		['wrong signature → 401 invalid_signature', { headers: genuine(RAW, { 'heygen-signature': sign(RAW, 'whsec_other') }) }, rejected(401, 'invalid_signature')],
		['signature of another body (altered body) → 401 invalid_signature', { rawBody: OTHER_RAW, headers: genuine(RAW) }, rejected(401, 'invalid_signature')],
		['signature that is not hex → 401 invalid_signature', { headers: genuine(RAW, { 'heygen-signature': 'not-a-signature' }) }, rejected(401, 'invalid_signature')],
		['legacy Signature header only → accepted', { headers: { signature: sign(RAW), 'heygen-timestamp': String(NOW), 'heygen-event-id': 'evt_1' } }, accepted()],
		['Heygen-Signature wins over the legacy Signature header → 401 invalid_signature', { headers: genuine(RAW, { 'heygen-signature': sign(RAW, 'whsec_other'), signature: sign(RAW) }) }, rejected(401, 'invalid_signature')],
		['header names in any case → accepted', { headers: { 'HEYGEN-SIGNATURE': sign(RAW), 'Heygen-Timestamp': String(NOW) } }, accepted()],
		['sha256= prefix → accepted', { headers: genuine(RAW, { 'heygen-signature': `sha256=${sign(RAW)}` }) }, accepted()],
		['a comma-separated list holding the signature → accepted', { headers: genuine(RAW, { 'heygen-signature': `${sign(RAW, 'whsec_old')},${sign(RAW)}` }) }, accepted()],
		// 4. the timestamp
		['no Heygen-Timestamp → 401 missing_timestamp', { headers: { 'heygen-signature': sign(RAW) } }, rejected(401, 'missing_timestamp')],
		['Heygen-Timestamp not a Unix time → 401 invalid_timestamp', { headers: genuine(RAW, { 'heygen-timestamp': '2026-01-01T00:00:00Z' }) }, rejected(401, 'invalid_timestamp')],
		['Heygen-Timestamp 301 s old → 401 stale_timestamp', { headers: genuine(RAW, { 'heygen-timestamp': oneSecondPastTolerance }) }, rejected(401, 'stale_timestamp')],
		['Heygen-Timestamp 301 s ahead → 401 stale_timestamp', { headers: genuine(RAW, { 'heygen-timestamp': String(NOW + 301) }) }, rejected(401, 'stale_timestamp')],
		['Heygen-Timestamp exactly 300 s old → accepted', { headers: genuine(RAW, { 'heygen-timestamp': String(NOW - 300) }) }, accepted()],
		['Heygen-Timestamp in milliseconds → accepted', { headers: genuine(RAW, { 'heygen-timestamp': String(NOW * 1000) }) }, accepted()],
		['a tighter tolerance (10 s) rejects a 60 s old delivery → 401 stale_timestamp', { headers: genuine(RAW, { 'heygen-timestamp': String(NOW - 60) }), options: { timestampTolerance: 10 } }, rejected(401, 'stale_timestamp')],
		['tolerance 0 accepts a delivery without timestamp', { headers: { 'heygen-signature': sign(RAW) }, options: { timestampTolerance: 0 } }, accepted()],
		['tolerance 0 accepts a day-old timestamp', { headers: genuine(RAW, { 'heygen-timestamp': String(NOW - 86_400) }), options: { timestampTolerance: 0 } }, accepted()],
		['tolerance 0 still refuses a timestamp no date can hold → 401 invalid_timestamp', { headers: genuine(RAW, { 'heygen-timestamp': '9999999999999999' }), options: { timestampTolerance: 0 } }, rejected(401, 'invalid_timestamp')],
		['tolerance 0 still refuses a timestamp that is not a Unix time → 401 invalid_timestamp', { headers: genuine(RAW, { 'heygen-timestamp': 'yesterday' }), options: { timestampTolerance: 0 } }, rejected(401, 'invalid_timestamp')],
		// 5. the body
		['malformed JSON → 400 invalid_body', { rawBody: Buffer.from('{"event_type":') }, rejected(400, 'invalid_body')],
		['empty body → 400 invalid_body', { rawBody: Buffer.alloc(0) }, rejected(400, 'invalid_body')],
		['a JSON array → 400 invalid_body', { rawBody: Buffer.from('[]') }, rejected(400, 'invalid_body')],
		['no event_type → 400 invalid_body', { rawBody: Buffer.from('{"event_data":{}}') }, rejected(400, 'invalid_body')],
		['event_data not an object → 400 invalid_body', { rawBody: Buffer.from('{"event_type":"avatar_video.success","event_data":[1]}') }, rejected(400, 'invalid_body')],
		// 6. duplicates
		['an event of a job outcome already accepted, re-encoded under another event id → 200 ignored duplicate', { known: [['evt_9', REENCODED]] }, ignored('duplicate')],
		['an event that ends no job, same Heygen-Event-Id as an accepted one, other body → 200 ignored duplicate', { rawBody: PLAIN, headers: genuine(PLAIN), known: [['evt_1', OTHER_PLAIN]] }, ignored('duplicate')],
		['an event that ends no job, same body under a fresh event id (a replay) → 200 ignored duplicate', { rawBody: PLAIN, headers: genuine(PLAIN), known: [['evt_0', PLAIN]] }, ignored('duplicate')],
		['another job\'s outcome under the same event id → accepted (the job decides)', { known: [['evt_1', OTHER_RAW]] }, accepted()],
		['same body as an accepted delivery, fresh event id (a replay) → 200 ignored duplicate', { known: [['evt_0', RAW]] }, ignored('duplicate')],
		['same body, no event id header → 200 ignored duplicate', { headers: genuine(RAW, { 'heygen-event-id': '' }), known: [[undefined, RAW]] }, ignored('duplicate')],
		['known only from static data written by another process → 200 ignored duplicate', { persisted: [['evt_1', RAW]] }, ignored('duplicate')],
		['a duplicate with Ignore Duplicates off → accepted', { known: [['evt_1', RAW]], options: { ignoreDuplicates: false } }, accepted()],
		['a copy of a delivery whose execution n8n has not confirmed yet → 503 in_flight', { held: [['evt_9', REENCODED]] }, retryLater('in_flight')],
		// 7. filters
		['event type not selected → 200 ignored event_type', { options: { events: ['avatar_video.fail'] } }, ignored('event_type')],
		['event type selected → accepted', { options: { events: ['avatar_video.fail', 'avatar_video.success'] } }, accepted()],
		['callback id not matching → 200 ignored callback_id', { options: { callbackId: 'order-7' } }, ignored('callback_id')],
		['no callback id in the event while one is wanted → 200 ignored callback_id', { rawBody: Buffer.from('{"event_type":"avatar_video.success","event_data":{}}'), options: { callbackId: 'order-42' } }, ignored('callback_id')],
		['callback id matching (the option trimmed) → accepted', { options: { callbackId: ' order-42 ' } }, accepted()],
		['a blank Callback ID option filters nothing → accepted', { options: { callbackId: '  ' } }, accepted()],
		// 8. otherwise
		['an event type unknown to the package, all events wanted → accepted', { rawBody: Buffer.from('{"event_type":"brand_new.success","event_data":{}}') }, accepted()],
	];

	it.each(rows)('%s', (_row, row, expected) => {
		expect(decide(row).decision).toEqual(expected);
	});

	it('covers every answer the README lists, and the README lists every answer', () => {
		const answers = new Set(rows.map(([, row]) => {
			const { decision } = decide(row);
			return decision.outcome === 'rejected' ? decision.body.error : decision.outcome === 'ignored' ? decision.body.ignored : 'accepted';
		}));
		expect([...answers].sort()).toEqual([...readmeAnswerCodes('#### What happens to a delivery'), 'accepted'].sort());
	});
});


describe('decideDelivery: the order of the checks', () => {
	it('a forged replay is rejected as forged, before the record is consulted or changed', () => {
		const { decision, record } = decide({ headers: genuine(RAW, { 'heygen-signature': sign(RAW, 'whsec_x') }), known: [['evt_1', RAW]], persisted: [['evt_9', OTHER_RAW]] });
		expect(decision).toEqual(rejected(401, 'invalid_signature'));
		expect(record.size).toBe(1); // the persisted copy was not folded in
	});

	it('an unsigned request is 401 whatever the state of the secret: it cannot be HeyGen\'s', () => {
		for (const secret of [{ state: 'unopenable' }, { state: 'none' }, OPEN] as SigningSecret[]) {
			expect(decide({ secret, headers: {} }).decision).toEqual(rejected(401, 'missing_signature'));
		}
	});

	it('the secret comes before the signature check: a signed request is 503 while the secret cannot be had', () => {
		const wrong = genuine(RAW, { 'heygen-signature': sign(RAW, 'whsec_other') });
		expect(decide({ secret: { state: 'none' }, headers: wrong }).decision).toEqual(retryLater('not_ready'));
		expect(decide({ secret: { state: 'unopenable' }, headers: wrong }).decision).toEqual(retryLater('secret_unavailable'));
	});

	it('the timestamp comes before the body: a stale malformed delivery is 401, not 400', () => {
		const rawBody = Buffer.from('nope');
		const { decision } = decide({ rawBody, headers: genuine(rawBody, { 'heygen-timestamp': String(NOW - 3600) }) });
		expect(decision).toEqual(rejected(401, 'stale_timestamp'));
	});

	it('the body comes before duplicates: a malformed body is 400 and claims nothing', () => {
		const rawBody = Buffer.from('nope');
		const { decision, claimed } = decide({ rawBody, headers: genuine(rawBody), known: [['evt_1', rawBody]] });
		expect(decision).toEqual(rejected(400, 'invalid_body'));
		expect(claimed).toBe(0);
	});

	it('duplicates come before the filters: a filtered-out replay answers "duplicate"', () => {
		expect(decide({ known: [['evt_1', RAW]], options: { events: ['avatar_video.fail'], callbackId: 'x' } }).decision).toEqual(ignored('duplicate'));
	});

	it('the event type comes before the callback id', () => {
		expect(decide({ options: { events: ['avatar_video.fail'], callbackId: 'x' } }).decision).toEqual(ignored('event_type'));
	});
});

describe('decideDelivery: the item and the record', () => {
	it('accepted, Simplified: the simplified item, and the job outcome\'s key held until n8n confirms the execution', () => {
		const { decision, record, claimed } = decide();
		expect(decision).toEqual(accepted());
		expect((decision as Extract<DeliveryDecision, { outcome: 'accepted' }>).item).toEqual(
			simplifyDelivery(DELIVERY, { eventId: 'evt_1', timestamp: NOW }),
		);
		expect((decision as Extract<DeliveryDecision, { outcome: 'accepted' }>).item).toMatchObject({
			event_type: 'avatar_video.success',
			event_id: 'evt_1',
			sent_at: '2026-01-01T00:00:00.000Z',
			callback_id: 'order-42',
			url: 'https://files.example.com/v_1.mp4',
		});
		expect(claimed).toBe(0);
		expect(record.check(keysFor('evt_1', RAW), NOW)).toBe('in_flight');
		(decision as Extract<DeliveryDecision, { outcome: 'accepted' }>).hold.confirm();
		expect(record.size).toBe(1);
		expect(record.check(keysFor('evt_1', RAW), NOW)).toBe('duplicate');
	});

	it('accepted, Raw: the body as sent and the event id and timestamp headers, never the signature', () => {
		const headers = genuine(RAW, { 'heygen-signature': `sha256=${sign(RAW)}` });
		const { decision } = decide({ headers, options: { output: 'raw' } });
		expect(decision).toEqual({
			outcome: 'accepted',
			status: 200,
			body: { received: true },
			hold: expect.anything(),
			item: {
				body: DELIVERY,
				headers: { 'heygen-event-id': 'evt_1', 'heygen-timestamp': String(NOW) },
			},
		});
		expect(JSON.stringify((decision as Extract<DeliveryDecision, { outcome: 'accepted' }>).item)).not.toContain(sign(RAW));
	});

	it('accepted, Raw, without the optional headers: nulls, and no signature by any name', () => {
		const { decision } = decide({ headers: { signature: sign(RAW) }, options: { output: 'raw', timestampTolerance: 0 } });
		const item = (decision as Extract<DeliveryDecision, { outcome: 'accepted' }>).item;
		expect(item.headers).toEqual({ 'heygen-event-id': null, 'heygen-timestamp': null });
		expect(JSON.stringify(item)).not.toContain(sign(RAW));
	});

	describe('the hold: final once n8n has the execution, released when n8n fails to create it', () => {
		const input = (record: ScopeRecord, now = NOW): DeliveryInput => ({
			listening: true,
			headers: genuine(RAW, { 'heygen-timestamp': String(now) }),
			rawBody: RAW,
			options: { events: [] },
			now,
			secret: OPEN,
			record,
			persistedRecord: undefined,
		});
		const holdOf = (decision: DeliveryDecision) => (decision as Extract<DeliveryDecision, { outcome: 'accepted' }>).hold;

		it('a copy arriving while the first is being recorded → 503 in_flight, so HeyGen retries it', () => {
			const record = new ScopeRecord();
			expect(decideDelivery(input(record))).toEqual(accepted());
			expect(decideDelivery(input(record))).toEqual(retryLater('in_flight'));
		});

		it('confirmed: every later copy → 200 duplicate, and the keys are in what is persisted', () => {
			const record = new ScopeRecord();
			holdOf(decideDelivery(input(record))).confirm();
			expect(decideDelivery(input(record))).toEqual(ignored('duplicate'));
			const restarted = new ScopeRecord();
			restarted.absorb(JSON.parse(JSON.stringify(record.toPersisted())), NOW);
			expect(restarted.check(keysFor('evt_1', RAW), NOW)).toBe('duplicate');
		});

		it('released (n8n answered 5xx): HeyGen\'s retry is accepted', () => {
			const record = new ScopeRecord();
			const first = holdOf(decideDelivery(input(record)));
			first.release();
			expect(decideDelivery(input(record))).toEqual(accepted());
			first.confirm(); // a settled hold does nothing more
			expect(record.size).toBe(0);
		});

		it('held keys are never persisted before n8n confirms', () => {
			const record = new ScopeRecord();
			decideDelivery(input(record));
			expect(record.toPersisted()).toEqual({ v: 1, hours: {} });
		});

		it(`a hold neither confirmed nor released lapses after ${HOLD_SECONDS} s: the retry runs`, () => {
			const record = new ScopeRecord();
			decideDelivery(input(record));
			expect(decideDelivery(input(record, NOW + HOLD_SECONDS - 1))).toEqual(retryLater('in_flight'));
			expect(decideDelivery(input(record, NOW + HOLD_SECONDS))).toEqual(accepted());
		});
	});

	it('a hostile timestamp header claims nothing and throws nothing, whatever the tolerance', () => {
		for (const tolerance of [0, 300]) {
			for (const timestamp of ['9999999999999999', '8640000000001000', '00000000000000001', '-1', '1e99', 'Infinity']) {
				const { decision, record } = decide({ headers: genuine(RAW, { 'heygen-timestamp': timestamp }), options: { timestampTolerance: tolerance } });
				expect(decision).toMatchObject({ outcome: 'rejected', status: 401 });
				expect(record.check(keysFor('evt_1', RAW), NOW)).toBe('new');
			}
		}
	});

	it.each([
		['event_type', { options: { events: ['avatar_video.fail'] } }],
		['callback_id', { options: { callbackId: 'order-7' } }],
		['duplicate', { known: [['evt_1', RAW]] }],
	] as Array<[string, Row]>)('ignored (%s): claims nothing', (_reason, row) => {
		expect(decide(row).claimed).toBe(0);
	});

	it('ignored: the record is saved only when static data lacks keys this process knows', () => {
		const inSync = new ScopeRecord();
		inSync.claim(deliveryKeys('evt_0', OTHER_RAW), NOW - 60);
		const persisted = JSON.parse(JSON.stringify(inSync.toPersisted()));
		const filtered = (persistedRecord: unknown) =>
			decideDelivery({ listening: true, headers: genuine(), rawBody: RAW, options: { events: ['avatar_video.fail'] }, now: NOW, secret: OPEN, record: inSync, persistedRecord });

		expect(filtered(persisted)).toEqual(ignored('event_type'));
		expect(filtered(persisted)).toMatchObject({ saveRecord: false });
		expect(filtered(undefined)).toMatchObject({ outcome: 'ignored', saveRecord: true }); // a write lost this process's keys
	});

	it('rejected deliveries neither claim nor fold in anything', () => {
		for (const row of [{ secret: { state: 'unopenable' } }, { headers: {} }, { rawBody: Buffer.from('x'), headers: genuine(Buffer.from('x')) }] as Row[]) {
			const { record, claimed } = decide({ ...row, persisted: [['evt_5', OTHER_RAW]] });
			expect(claimed).toBe(0);
			expect(record.size).toBe(0);
		}
	});
});
