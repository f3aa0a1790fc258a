import { parseDelivery, simplifyDelivery, type HeyGenDelivery } from '../../../nodes/shared/deliveryItem';

const raw = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
const SENT = 1_767_225_600; // 2026-01-01T00:00:00Z

describe('parseDelivery', () => {
	it.each([
		['not JSON', 'not json'],
		['truncated JSON', '{"event_type":"avatar_video.success"'],
		['an empty body', ''],
		['a JSON array', '[{"event_type":"avatar_video.success"}]'],
		['JSON null', 'null'],
		['a JSON string', '"avatar_video.success"'],
		['a JSON number', '42'],
		['JSON true', 'true'],
		['an object without event_type', '{"event_data":{}}'],
		['an empty event_type', '{"event_type":"","event_data":{}}'],
		['a blank event_type', '{"event_type":"   ","event_data":{}}'],
		['a numeric event_type', '{"event_type":1,"event_data":{}}'],
		['a null event_type', '{"event_type":null,"event_data":{}}'],
		['an object event_type', '{"event_type":{"a":1},"event_data":{}}'],
		['null event_data', '{"event_type":"avatar_video.success","event_data":null}'],
		['string event_data', '{"event_type":"avatar_video.success","event_data":"x"}'],
		['numeric event_data', '{"event_type":"avatar_video.success","event_data":3}'],
		['boolean event_data', '{"event_type":"avatar_video.success","event_data":false}'],
		['non-UTF-8 bytes', Buffer.from([0xff, 0xfe, 0x00])],
	])('rejects %s', (_name, body) => {
		expect(parseDelivery(Buffer.isBuffer(body) ? body : Buffer.from(body))).toBeUndefined();
	});

	// `typeof [] === 'object'`, so an array passes the event_data check and reaches the workflow as
	// `event_data: [...]` although the contract (and the type) say it is an object.
	it('rejects array event_data', () => {
		expect(parseDelivery(raw({ event_type: 'avatar_video.success', event_data: [1, 2] }))).toBeUndefined();
	});

	it('accepts a known event and returns the whole body', () => {
		const body = { event_type: 'avatar_video.success', event_data: { video_id: 'v_1', url: 'https://x/v.mp4' } };
		expect(parseDelivery(raw(body))).toEqual(body);
	});

	it('accepts event types it does not know (HeyGen adds new ones)', () => {
		const body = { event_type: 'hyperframes_video.success', event_data: { anything: [1, { deep: true }] } };
		expect(parseDelivery(raw(body))).toEqual(body);
		expect(parseDelivery(raw({ event_type: 'something.brand_new' }))).toEqual({ event_type: 'something.brand_new' });
	});

	it('accepts a body without event_data, and keeps extra top-level fields', () => {
		expect(parseDelivery(raw({ event_type: 'batch.finished', extra: 1 }))).toEqual({ event_type: 'batch.finished', extra: 1 });
	});

	it('reads UTF-8 (multibyte characters survive)', () => {
		const body = { event_type: 'avatar_video.success', event_data: { title: 'Grüße 👋 日本語' } };
		expect(parseDelivery(raw(body))?.event_data).toEqual({ title: 'Grüße 👋 日本語' });
	});

	it('tolerates whitespace around the JSON', () => {
		expect(parseDelivery(Buffer.from('\n  {"event_type":"avatar_video.fail"}  \n'))).toEqual({ event_type: 'avatar_video.fail' });
	});
});

describe('simplifyDelivery', () => {
	const headers = { eventId: 'ev_123', timestamp: SENT, signature: 'a'.repeat(64) };

	it('avatar_video.success: video_id, url, callback_id, status success, sent_at in ISO', () => {
		const event_data = {
			video_id: 'v_1',
			url: 'https://files.heygen.ai/v_1.mp4',
			callback_id: 'order-42',
			gif_download_url: 'https://files.heygen.ai/v_1.gif',
			video_share_page_url: 'https://app.heygen.com/share/v_1',
			folder_id: 'f_1',
		};
		const item = simplifyDelivery({ event_type: 'avatar_video.success', event_data }, headers);
		expect(item).toEqual({
			source: 'event',
			event_type: 'avatar_video.success',
			event_id: 'ev_123',
			sent_at: '2026-01-01T00:00:00.000Z',
			status: 'success',
			callback_id: 'order-42',
			video_id: 'v_1',
			url: 'https://files.heygen.ai/v_1.mp4',
			event_data,
		});
		expect(item).not.toHaveProperty('failure_message');
	});

	it('avatar_video.fail: failure_message from msg, status fail', () => {
		const item = simplifyDelivery(
			{ event_type: 'avatar_video.fail', event_data: { video_id: 'v_2', msg: 'Avatar not found', callback_id: 'cb' } },
			headers,
		);
		expect(item).toMatchObject({
			event_type: 'avatar_video.fail',
			status: 'fail',
			video_id: 'v_2',
			callback_id: 'cb',
			failure_message: 'Avatar not found',
		});
		expect(item).not.toHaveProperty('url');
	});

	it('video_translate.success: video_translate_id and url', () => {
		const item = simplifyDelivery(
			{
				event_type: 'video_translate.success',
				event_data: { video_translate_id: 'vt_1', url: 'https://x/t.mp4', callback_id: 'c', output_language: 'de' },
			},
			headers,
		);
		expect(item).toMatchObject({ status: 'success', video_translate_id: 'vt_1', url: 'https://x/t.mp4', callback_id: 'c' });
		expect(item).not.toHaveProperty('video_id');
	});

	it('video_translate.fail: failure_message from message', () => {
		const item = simplifyDelivery(
			{
				event_type: 'video_translate.fail',
				event_data: { video_translate_id: 'vt_2', message: 'Unsupported language', callback_id: null, output_language: 'xx' },
			},
			headers,
		);
		expect(item).toMatchObject({
			status: 'fail',
			video_translate_id: 'vt_2',
			failure_message: 'Unsupported language',
			callback_id: null,
		});
	});

	it('a failure without any message gets failure_message null', () => {
		const item = simplifyDelivery({ event_type: 'avatar_video.fail', event_data: { video_id: 'v' } }, headers);
		expect(item.failure_message).toBeNull();
	});

	it('preflight *_failed events count as failures', () => {
		const item = simplifyDelivery(
			{ event_type: 'video_translate.preflight.validation_failed', event_data: { message: 'bad input' } },
			headers,
		);
		expect(item).toMatchObject({ status: 'fail', failure_message: 'bad input' });
	});

	it('personalized_video: url from video_url, status null (neither success nor fail)', () => {
		const event_data = {
			project_id: 'p_1',
			video_id: 'v_3',
			video_url: 'https://x/p.mp4',
			landing_page_url: 'https://x/landing',
			gif_url: 'https://x/p.gif',
			gif_html: '<img>',
			contact_info: { email: 'someone@example.com' },
		};
		const item = simplifyDelivery({ event_type: 'personalized_video', event_data }, headers);
		expect(item).toMatchObject({ status: null, video_id: 'v_3', url: 'https://x/p.mp4', callback_id: null, event_data });
		expect(item).not.toHaveProperty('failure_message');
	});

	it('an unknown event type passes event_data through untouched', () => {
		const event_data = { nested: { list: [1, 2, { x: null }] }, weird: 0, flag: false, empty: '' };
		const snapshot = JSON.parse(JSON.stringify(event_data));
		const item = simplifyDelivery({ event_type: 'hyperframes_video.rendered', event_data }, headers);
		expect(item.event_data).toEqual(snapshot);
		expect(event_data).toEqual(snapshot); // not mutated
		expect(item).toEqual({
			source: 'event',
			event_type: 'hyperframes_video.rendered',
			event_id: 'ev_123',
			sent_at: '2026-01-01T00:00:00.000Z',
			status: null,
			callback_id: null,
			event_data: snapshot,
		});
	});

	it('no headers: event_id and sent_at are null; no event_data: an empty object', () => {
		expect(simplifyDelivery({ event_type: 'avatar_video.success' }, {})).toEqual({
			source: 'event',
			event_type: 'avatar_video.success',
			event_id: null,
			sent_at: null,
			status: 'success',
			callback_id: null,
			event_data: {},
		});
	});

	it('converts seconds to ISO (not milliseconds)', () => {
		expect(simplifyDelivery({ event_type: 'x' }, { timestamp: 0 }).sent_at).toBe('1970-01-01T00:00:00.000Z');
		expect(simplifyDelivery({ event_type: 'x' }, { timestamp: 1_700_000_000 }).sent_at).toBe('2023-11-14T22:13:20.000Z');
	});

	it('ignores non-string or empty values for the promoted fields', () => {
		const item = simplifyDelivery(
			{ event_type: 'avatar_video.success', event_data: { video_id: 42, url: '', callback_id: { a: 1 } } as never },
			headers,
		);
		expect(item).not.toHaveProperty('video_id');
		expect(item).not.toHaveProperty('url');
		expect(item.callback_id).toBeNull();
	});

	it('prefers url over video_url when both are present', () => {
		const item = simplifyDelivery(
			{ event_type: 'video_agent.success', event_data: { url: 'https://a', video_url: 'https://b' } },
			headers,
		);
		expect(item.url).toBe('https://a');
	});

	it('never includes the signature, the secret or the raw headers', () => {
		const signature = 'f'.repeat(64);
		const delivery: HeyGenDelivery = { event_type: 'avatar_video.success', event_data: { video_id: 'v' } };
		// Whatever else the caller holds (here the signature) does not reach the item.
		const headers = { eventId: 'ev', timestamp: SENT, signature };
		const item = simplifyDelivery(delivery, headers);
		const text = JSON.stringify(item);
		expect(text).not.toContain(signature);
		expect(text).not.toMatch(/whsec_|secret|signature|api[_-]?key/i);
		expect(Object.keys(item).sort()).toEqual(['callback_id', 'event_data', 'event_id', 'event_type', 'sent_at', 'source', 'status', 'video_id']);
	});

	it('parse → simplify round trip on a realistic body', () => {
		const body = raw({
			event_type: 'avatar_video.success',
			event_data: { video_id: 'abc', url: 'https://x', callback_id: 'cb' },
		});
		const delivery = parseDelivery(body);
		expect(delivery).toBeDefined();
		expect(simplifyDelivery(delivery!, { eventId: 'e', timestamp: SENT })).toMatchObject({ video_id: 'abc', url: 'https://x', status: 'success' });
	});
});
