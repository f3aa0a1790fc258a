import {
	decideCallback,
	screenCallback,
	type CallbackInput,
	type CallbackJob,
	type JobLookup,
} from '../../../nodes/HeyGenTrigger/callbackDecision';
import { keysOf, type DeliveryOptions } from '../../../nodes/HeyGenTrigger/deliveryDecision';
import { ScopeRecord } from '../../../nodes/HeyGenTrigger/replayRecord';
import { RETRY_AFTER_SECONDS, type TriggerAnswer } from '../../../nodes/HeyGenTrigger/triggerAnswer';
import { parseDelivery } from '../../../nodes/shared/deliveryItem';
import { readmeAnswerCodes } from '../../support/readme';

/** Every row of the README's table "What happens to a callback", in its order. */

const NOW = 1_767_225_600;
const VIDEO = '0123456789abcdef0123456789abcdef';
const TRANSLATION = 'fedcba9876543210fedcba9876543210';

const body = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
const videoCallback = (eventType = 'avatar_video.success', data: Record<string, unknown> = {}) =>
	body({ event_type: eventType, event_data: { video_id: VIDEO, url: 'https://forged.example/x.mp4', callback_id: 'order-42', ...data } });

/** HeyGen's answer to GET /v3/videos/{id}. */
const video = (status: string, extra: Record<string, unknown> = {}): JobLookup => ({
	state: 'found',
	job: {
		id: VIDEO,
		video_id: VIDEO,
		status,
		video_url: status === 'completed' ? 'https://files.heygen.ai/v.mp4' : null,
		callback_id: 'order-42',
		...(status === 'failed' ? { failure_code: 'render_failed', failure_message: 'The avatar could not be rendered' } : {}),
		...extra,
	},
});

interface Row {
	rawBody?: Buffer;
	options?: Partial<DeliveryOptions>;
	/** Signed events already accepted by this trigger (the same record serves both paths). */
	accepted?: Buffer[];
	held?: Buffer[];
	/** What HeyGen's API says; none: the callback must be answered without asking. */
	lookup?: JobLookup;
	/** False: Listen To is Events only. */
	listening?: boolean;
	/** False: activation has not stored the record id yet. */
	registered?: boolean;
}

function run(row: Row) {
	const record = new ScopeRecord();
	for (const event of row.accepted ?? []) record.claim(keysOf('evt_1', event, parseDelivery(event)!), NOW - 60);
	for (const event of row.held ?? []) record.hold(keysOf('evt_1', event, parseDelivery(event)!), NOW - 5);
	const input: CallbackInput = {
		listening: row.listening ?? true,
		registered: row.registered ?? true,
		rawBody: row.rawBody ?? videoCallback(),
		options: { events: [], ...row.options },
		now: NOW,
		record,
		persistedRecord: undefined,
	};
	const screened = screenCallback(input);
	if ('answer' in screened) return { answer: screened.answer, asked: false, record };
	if (!row.lookup) throw new Error('this row asks HeyGen: give it a lookup');
	return { answer: decideCallback(screened.job, row.lookup, input), asked: true, job: screened.job, record };
}

const rejected = (status: number, error: string) =>
	expect.objectContaining({ outcome: 'rejected', status, body: { error, message: expect.any(String) } });
const retryLater = (error: string) =>
	expect.objectContaining({ outcome: 'rejected', status: 503, body: { error, message: expect.any(String) }, retryAfter: RETRY_AFTER_SECONDS });
const ignored = (reason: string) =>
	expect.objectContaining({ outcome: 'ignored', status: 200, body: { received: true, ignored: reason } });
const accepted = (item: Record<string, unknown> = {}) =>
	expect.objectContaining({ outcome: 'accepted', status: 200, body: { received: true }, item: expect.objectContaining(item) });

const signedEvent = (eventType: string, data: Record<string, unknown>) => body({ event_type: eventType, event_data: data });

describe('screenCallback / decideCallback: the README callback table', () => {
	const rows: Array<[string, Row, ReturnType<typeof expect.objectContaining>, boolean]> = [
		// name, row, answer, whether HeyGen was asked
		['Listen To: Events only → 404 not_listening', { listening: false }, rejected(404, 'not_listening'), false],
		['before activation stored the record → 503 not_ready', { registered: false }, retryLater('not_ready'), false],
		['not JSON → 400 invalid_body', { rawBody: body('{"event_type":') }, rejected(400, 'invalid_body'), false],
		['a JSON array → 400 invalid_body', { rawBody: body('[]') }, rejected(400, 'invalid_body'), false],
		['no job id → 400 invalid_body', { rawBody: body({ event_type: 'avatar_video.success', event_data: { url: 'x' } }) }, rejected(400, 'invalid_body'), false],
		['a job the API cannot confirm (a GIF) → 422 unverifiable_callback', { rawBody: videoCallback('avatar_video_gif.success') }, rejected(422, 'unverifiable_callback'), false],
		['the outcome already ran from the signed event → 200 duplicate, HeyGen not asked', { accepted: [signedEvent('avatar_video.success', { video_id: VIDEO })] }, ignored('duplicate'), false],
		['the signed event for it is being recorded → 503 in_flight', { held: [signedEvent('avatar_video.success', { video_id: VIDEO })] }, retryLater('in_flight'), false],
		['over the ration of HeyGen calls → 503 rate_limited', { lookup: { state: 'unavailable', reason: 'rate_limited' } }, retryLater('rate_limited'), true],
		['HeyGen\'s API failed → 503 heygen_unavailable', { lookup: { state: 'unavailable', reason: 'heygen_error' } }, retryLater('heygen_unavailable'), true],
		['HeyGen has no such job (404) → 404 unknown_job', { lookup: { state: 'unknown' } }, rejected(404, 'unknown_job'), true],
		['HeyGen says the job still runs → 503 job_running', { lookup: video('processing') }, retryLater('job_running'), true],
		['HeyGen says it is waiting (the create answer\'s word) → 503 job_running', { lookup: video('waiting') }, retryLater('job_running'), true],
		['event type not selected → 200 ignored event_type', { options: { events: ['avatar_video.fail'] }, lookup: video('completed') }, ignored('event_type'), true],
		['callback id not matching → 200 ignored callback_id', { options: { callbackId: 'order-7' }, lookup: video('completed') }, ignored('callback_id'), true],
		['HeyGen says completed → accepted', { lookup: video('completed') }, accepted(), true],
	];

	it.each(rows)('%s', (_name, row, expected, asks) => {
		const { answer, asked } = run(row);
		expect(answer).toEqual(expected);
		expect(asked).toBe(asks);
	});

	it('covers every answer the README lists, and the README lists every answer', () => {
		const answers = new Set(rows.map(([, row]) => code(run(row).answer)));
		expect([...answers].sort()).toEqual([...readmeAnswerCodes('#### What happens to a callback'), 'accepted'].sort());
	});
});

const code = (answer: TriggerAnswer) =>
	answer.outcome === 'rejected' ? answer.body.error : answer.outcome === 'ignored' ? answer.body.ignored : 'accepted';


describe('the item: built from HeyGen\'s answer, never from the callback', () => {
	it('a completed video: HeyGen\'s URL and status, the callback only adding nothing it says itself', () => {
		const { answer } = run({ lookup: video('completed') });
		expect(answer).toEqual(
			accepted({
				source: 'callback',
				event_type: 'avatar_video.success',
				event_id: null,
				sent_at: null,
				status: 'success',
				callback_id: 'order-42',
				video_id: VIDEO,
				url: 'https://files.heygen.ai/v.mp4',
			}),
		);
		expect(JSON.stringify(answer)).not.toContain('forged.example');
	});

	it('a callback claiming success for a job HeyGen says failed → one fail item with HeyGen\'s message', () => {
		const { answer } = run({ rawBody: videoCallback('avatar_video.success'), lookup: video('failed') });
		expect(answer).toEqual(
			accepted({ event_type: 'avatar_video.fail', status: 'fail', failure_message: 'The avatar could not be rendered' }),
		);
		expect((answer as { item: Record<string, unknown> }).item.url).toBeUndefined();
	});

	it('a callback claiming failure for a job HeyGen says completed → a success item', () => {
		expect(run({ rawBody: videoCallback('avatar_video.fail', { msg: 'forged failure' }), lookup: video('completed') }).answer).toEqual(
			accepted({ event_type: 'avatar_video.success', status: 'success' }),
		);
	});

	it('the callback\'s callback_id fills in only where HeyGen\'s answer has no such field', () => {
		const withoutField = video('completed');
		if (withoutField.state === 'found') delete withoutField.job.callback_id;
		expect(run({ rawBody: videoCallback(), lookup: withoutField }).answer).toEqual(accepted({ callback_id: 'order-42' }));
		expect(run({ rawBody: videoCallback(), lookup: video('completed', { callback_id: null }) }).answer).toEqual(accepted({ callback_id: null }));
		expect(run({ rawBody: videoCallback(), lookup: video('completed', { callback_id: 'order-1' }), options: { callbackId: 'order-42' } }).answer).toEqual(
			ignored('callback_id'),
		);
	});

	it('a video translation: asked at its own API, its id under the event\'s field name', () => {
		const { answer, job } = run({
			rawBody: body({ event_type: 'video_translate.success', event_data: { video_translate_id: TRANSLATION, callback_id: 'tr-1', output_language: 'es' } }),
			lookup: { state: 'found', job: { id: TRANSLATION, status: 'completed', video_url: 'https://files.heygen.ai/t.mp4', callback_id: 'tr-1', output_language: 'Spanish' } },
		});
		expect(job).toMatchObject({ kind: 'videoTranslation', id: TRANSLATION });
		expect(answer).toEqual(accepted({ event_type: 'video_translate.success', video_translate_id: TRANSLATION, url: 'https://files.heygen.ai/t.mp4' }));
	});

	it('an envelope without event_type is read by the id it carries', () => {
		expect(run({ rawBody: body({ event_data: { video_translation_id: TRANSLATION } }), lookup: { state: 'unknown' } }).job).toMatchObject({ kind: 'videoTranslation', id: TRANSLATION });
		expect(run({ rawBody: body({ event_data: { video_id: VIDEO } }), lookup: { state: 'unknown' } }).job).toMatchObject({ kind: 'video', id: VIDEO });
	});

	it('Raw output: the callback as sent and HeyGen\'s answer, labelled', () => {
		const lookup = video('completed');
		const { answer } = run({ options: { output: 'raw' }, lookup });
		expect((answer as { item: unknown }).item).toEqual({ source: 'callback', body: JSON.parse(videoCallback().toString()), job: (lookup as { job: unknown }).job });
	});
});

describe('one execution per job outcome, across both paths', () => {
	it('a callback held for a job makes its signed event wait, and once confirmed, a duplicate', () => {
		const record = new ScopeRecord();
		const input: CallbackInput = { listening: true, registered: true, rawBody: videoCallback(), options: { events: [] }, now: NOW, record, persistedRecord: undefined };
		const screened = screenCallback(input) as { job: CallbackJob };
		const answer = decideCallback(screened.job, video('completed'), input) as Extract<TriggerAnswer, { outcome: 'accepted' }>;
		const event = signedEvent('avatar_video.success', { video_id: VIDEO, url: 'https://files.heygen.ai/v.mp4' });
		expect(record.check(keysOf('evt_9', event, parseDelivery(event)!), NOW)).toBe('in_flight');
		answer.hold.confirm();
		expect(record.check(keysOf('evt_9', event, parseDelivery(event)!), NOW)).toBe('duplicate');
	});

	it('a Video Agent callback and its Video Agent event are one outcome; another family of the same video is not', () => {
		expect(run({ rawBody: videoCallback('video_agent.success'), accepted: [signedEvent('video_agent.success', { video_id: VIDEO })] }).answer).toEqual(ignored('duplicate'));
		expect(run({ rawBody: videoCallback('video_agent.success'), accepted: [signedEvent('avatar_video.success', { video_id: VIDEO })], lookup: video('completed') }).answer).toEqual(
			accepted({ event_type: 'video_agent.success' }),
		);
	});

	it('the GIF event of the same video is another outcome: it does not make the video\'s callback a duplicate', () => {
		const { answer } = run({ accepted: [signedEvent('avatar_video_gif.success', { video_id: VIDEO })], lookup: video('completed') });
		expect(answer).toEqual(accepted());
	});

	it('the record can change while HeyGen is asked: the later copy is then a duplicate', () => {
		const record = new ScopeRecord();
		const input: CallbackInput = { listening: true, registered: true, rawBody: videoCallback(), options: { events: [] }, now: NOW, record, persistedRecord: undefined };
		const screened = screenCallback(input) as { job: CallbackJob };
		const event = signedEvent('avatar_video.success', { video_id: VIDEO });
		record.claim(keysOf('evt_1', event, parseDelivery(event)!), NOW); // the signed event won meanwhile
		expect(decideCallback(screened.job, video('completed'), input)).toEqual(ignored('duplicate'));
	});
});
