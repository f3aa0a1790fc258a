// Jobs (videos, video translations): the v3 routes, the lifecycle, the control routes, and what a
// job's end sends: the signed event to endpoints and the same envelope, unsigned, to its callback_url.
import { createHmac } from 'node:crypto';
import { HeyGenSandbox, type DeliveryAttempt, type EndpointRecord, type JobRecord } from '../../dev/heygen-sandbox/server';
import { heygen, type EitherBody, type Envelope, type ErrorEnvelope } from '../support/heygenClient';
import { receiverPool, type Received } from '../support/receiver';

/** Computed independently of the sandbox's own signing code. */
const hmacHex = (secret: string, raw: Buffer): string => createHmac('sha256', secret).update(raw).digest('hex');
const HEX32 = /^[0-9a-f]{32}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const PRESIGNED = /^https:\/\/files2\.heygen\.ai\/.+\?Expires=\d+&Signature=[0-9a-f]+$/;

type Created = { video_id: string; status: string; output_format: string };
type Translations = { video_translation_ids: string[] };
type Body = { event_type: string; event_data: Record<string, unknown> };
const body = (request: Received): Body => JSON.parse(request.raw.toString('utf8')) as Body;

describe('HeyGen sandbox: jobs', () => {
	let sandbox: HeyGenSandbox;
	const receivers = receiverPool();

	beforeAll(async () => {
		// Jobs here end only when a test says so; the lifecycle tests start their own timed sandbox.
		sandbox = await HeyGenSandbox.start({ apiKeys: ['key-a', 'key-b'], retryScheduleMs: [50, 100, 200], jobDurationMs: null });
	});
	afterAll(async () => {
		await sandbox.stop();
	});
	beforeEach(() => sandbox.reset());
	afterEach(() => receivers.closeAll());

	const receiver = receivers.start;
	const api = (key: string | null = 'key-a', on = sandbox) => heygen(on.url, key);
	const createVideo = (payload: Record<string, unknown>, key: string | null = 'key-a', on = sandbox) =>
		api(key, on).post<EitherBody<Created>>('/v3/videos', payload);
	const createTranslations = (payload: Record<string, unknown>, key: string | null = 'key-a', on = sandbox) =>
		api(key, on).post<EitherBody<Translations>>('/v3/video-translations', payload);
	const video = async (payload: Record<string, unknown> = {}, on = sandbox): Promise<string> => {
		const res = await createVideo({ type: 'avatar', avatar_id: 'Daisy-inskirt-20220818', ...payload }, 'key-a', on);
		expect(res.status).toBe(200);
		return res.data.data.video_id;
	};
	const translations = async (payload: Record<string, unknown> = {}, on = sandbox): Promise<string[]> => {
		const res = await createTranslations({ video: 'https://example.com/talk.mp4', output_languages: ['Spanish'], ...payload }, 'key-a', on);
		expect(res.status).toBe(200);
		return res.data.data.video_translation_ids;
	};
	const getVideo = (id: string, key = 'key-a', on = sandbox) => api(key, on).get<EitherBody<Record<string, unknown>>>(`/v3/videos/${id}`);
	const getTranslation = (id: string, key = 'key-a', on = sandbox) =>
		api(key, on).get<EitherBody<Record<string, unknown>>>(`/v3/video-translations/${id}`);
	const register = async (payload: Record<string, unknown>): Promise<EndpointRecord> => {
		const res = await api().post<Envelope<EndpointRecord>>('/v3/webhooks/endpoints', payload);
		expect(res.status).toBe(200);
		return res.data.data;
	};
	const delivered = (jobId: string, kind: DeliveryAttempt['kind']) => (all: readonly DeliveryAttempt[]) =>
		all.some((a) => a.job_id === jobId && a.kind === kind && a.ok);

	describe('POST /v3/videos and GET /v3/videos/{video_id}', () => {
		it('answers waiting with a 32-hex id; GET shows the job pending, wrapped', async () => {
			const created = await createVideo({ type: 'avatar', avatar_id: 'a1', callback_id: 'cb-1', callback_url: 'https://example.com/cb' });
			expect(created.status).toBe(200);
			expect(created.data).toEqual({ data: { video_id: expect.stringMatching(HEX32), status: 'waiting', output_format: 'mp4' }, error: null });
			const id = created.data.data.video_id;

			const got = await getVideo(id);
			expect(got.status).toBe(200);
			expect(got.data).toEqual({
				data: {
					id,
					video_id: id,
					status: 'pending',
					video_url: null,
					captioned_video_url: null,
					subtitle_url: null,
					thumbnail_url: null,
					duration: null,
					callback_id: 'cb-1',
					created_at: expect.stringMatching(ISO),
				},
				error: null,
			});
			expect(sandbox.job(id)).toMatchObject({
				job_type: 'video',
				video_type: 'avatar',
				avatar_id: 'a1',
				account: 'account_1',
				callback_url: 'https://example.com/cb',
				duration_ms: null,
				event_id: null,
			});
		});

		it('accepts every video type with its required fields', async () => {
			const bodies: Array<Record<string, unknown>> = [
				{ type: 'avatar', avatar_id: 'a' },
				{ type: 'image', image: { type: 'url', url: 'https://example.com/face.png' } },
				{ type: 'studio', scenes: [{ script: 'Hello' }] },
				{ type: 'cinematic_avatar', avatar_id: 'a', prompt: 'A walk on the beach' },
			];
			for (const payload of bodies) {
				const res = await createVideo(payload);
				expect(res.status).toBe(200);
				expect(sandbox.job(res.data.data.video_id)?.video_type).toBe(payload.type);
			}
		});

		it('ignores callback fields on cinematic_avatar, whose schema has none', async () => {
			const id = await video({ type: 'cinematic_avatar', prompt: 'p', callback_url: 'https://example.com/cb', callback_id: 'c' });
			expect(sandbox.job(id)).toMatchObject({ callback_url: null, callback_id: null });
		});

		const invalid: Array<[string, Record<string, unknown>, string]> = [
			['no type', { avatar_id: 'a' }, 'type'],
			['unknown type', { type: 'hologram' }, 'type'],
			['avatar without avatar_id', { type: 'avatar' }, 'avatar_id'],
			['avatar with a blank avatar_id', { type: 'avatar', avatar_id: ' ' }, 'avatar_id'],
			['image without image', { type: 'image' }, 'image'],
			['studio with no scenes', { type: 'studio', scenes: [] }, 'scenes'],
			['cinematic_avatar without prompt', { type: 'cinematic_avatar', avatar_id: 'a' }, 'prompt'],
			['cinematic_avatar without avatar_id', { type: 'cinematic_avatar', prompt: 'p' }, 'avatar_id'],
			['callback_url over plain http to a public host', { type: 'avatar', avatar_id: 'a', callback_url: 'http://example.com/cb' }, 'callback_url'],
			['callback_url not a URL', { type: 'avatar', avatar_id: 'a', callback_url: 'not a url' }, 'callback_url'],
			['callback_url not a string', { type: 'avatar', avatar_id: 'a', callback_url: 5 }, 'callback_url'],
			['callback_id not a string', { type: 'avatar', avatar_id: 'a', callback_id: 5 }, 'callback_id'],
		];
		it.each(invalid)('400 for %s', async (_name, payload, param) => {
			const res = await createVideo(payload);
			expect(res.status).toBe(400);
			expect(res.data.error).toMatchObject({ code: 'invalid_parameter', param, doc_url: expect.any(String) });
			expect(res.data.error.message).toMatch(param);
			expect(sandbox.listJobs()).toEqual([]);
		});

		it('400 for a body that is not JSON', async () => {
			const res = await api().post<ErrorEnvelope>('/v3/videos', '{"type": ', { headers: { 'Content-Type': 'application/json' } });
			expect(res.status).toBe(400);
			expect(res.data.error).toMatchObject({ code: 'invalid_parameter', param: 'body' });
		});

		it('never probes a callback URL', async () => {
			const rcv = await receiver();
			await video({ callback_url: rcv.url });
			// A probe would have run before the answer came back.
			expect(sandbox.probes()).toEqual([]);
			expect(rcv.requests).toEqual([]);
		});
	});

	describe('POST /v3/video-translations and GET /v3/video-translations/{id}', () => {
		it('makes one job per language, each readable on its own', async () => {
			const res = await createTranslations({
				video: { type: 'url', url: 'https://example.com/talk.mp4' },
				output_languages: ['Spanish', 'French'],
				callback_id: 'tr-1',
			});
			expect(res.status).toBe(200);
			expect(res.data.error).toBeNull();
			const ids = res.data.data.video_translation_ids;
			expect(Object.keys(res.data.data)).toEqual(['video_translation_ids']);
			expect(ids).toHaveLength(2);
			expect(new Set(ids).size).toBe(2);
			for (const id of ids) expect(id).toMatch(HEX32);

			const got = await getTranslation(ids[1]);
			expect(got.status).toBe(200);
			expect(got.data).toEqual({
				data: {
					id: ids[1],
					video_translation_id: ids[1],
					status: 'pending',
					video_url: null,
					callback_id: 'tr-1',
					output_language: 'French',
					created_at: expect.stringMatching(ISO),
				},
				error: null,
			});
			expect((await getTranslation(ids[0])).data.data.output_language).toBe('Spanish');
			// A string URL is a video too.
			expect((await createTranslations({ video: 'https://example.com/talk.mp4', output_languages: ['German'] })).status).toBe(200);
		});

		const invalid: Array<[string, Record<string, unknown>, string]> = [
			['no video', { output_languages: ['Spanish'] }, 'video'],
			['a blank video', { video: '', output_languages: ['Spanish'] }, 'video'],
			['no output_languages', { video: 'https://example.com/v.mp4' }, 'output_languages'],
			['empty output_languages', { video: 'https://example.com/v.mp4', output_languages: [] }, 'output_languages'],
			['output_languages not a list', { video: 'https://example.com/v.mp4', output_languages: 'Spanish' }, 'output_languages'],
			['a language that is not a string', { video: 'https://example.com/v.mp4', output_languages: ['Spanish', 3] }, 'output_languages'],
			['a bad callback_url', { video: 'https://example.com/v.mp4', output_languages: ['Spanish'], callback_url: 'ftp://x/cb' }, 'callback_url'],
		];
		it.each(invalid)('400 for %s', async (_name, payload, param) => {
			const res = await createTranslations(payload);
			expect(res.status).toBe(400);
			expect(res.data.error).toMatchObject({ code: 'invalid_parameter', param, doc_url: expect.any(String) });
			expect(sandbox.listJobs()).toEqual([]);
		});
	});

	describe('auth, accounts, call log and faults', () => {
		it('answers 401 without a valid key on every job route, and takes a bearer', async () => {
			const id = await video();
			const calls = [
				() => createVideo({ type: 'avatar', avatar_id: 'a' }, null),
				() => createTranslations({ video: 'https://example.com/v.mp4', output_languages: ['Spanish'] }, 'nope'),
				() => getVideo(id, 'nope'),
				() => getTranslation(id, 'nope'),
			];
			for (const call of calls) {
				const res = await call();
				expect(res.status).toBe(401);
				expect(res.data).toEqual({
					error: { code: 'unauthorized', message: 'Invalid API key', doc_url: 'https://docs.heygen.com/reference/errors' },
				});
			}
			expect(sandbox.listJobs()).toHaveLength(1);
			const bearer = await heygen(sandbox.url, null).get(`/v3/videos/${id}`, { headers: { Authorization: 'Bearer key-a' } });
			expect(bearer.status).toBe(200);
		});

		it('answers 404 for an unknown id, another account\'s job, or an id of the other resource', async () => {
			const id = await video();
			const [translationId] = await translations();
			const notFound = [
				[await getVideo('0'.repeat(32)), 'Video 00000000000000000000000000000000 not found'],
				[await getTranslation('0'.repeat(32)), 'Video translation 00000000000000000000000000000000 not found'],
				[await getVideo(id, 'key-b'), `Video ${id} not found`],
				[await getTranslation(translationId, 'key-b'), `Video translation ${translationId} not found`],
				[await getVideo(translationId), `Video ${translationId} not found`],
				[await getTranslation(id), `Video translation ${id} not found`],
			] as const;
			for (const [res, message] of notFound) {
				expect(res.status).toBe(404);
				expect(res.data).toEqual({ error: { code: 'not_found', message, doc_url: expect.any(String) } });
			}
			expect(sandbox.listJobs({ apiKey: 'key-b' })).toEqual([]);
			expect(sandbox.listJobs({ apiKey: 'key-a' }).map((job) => job.job_id)).toEqual([id, translationId]);
		});

		it('logs job calls under the account, never the key', async () => {
			const id = await video({ callback_id: 'logged' });
			await getVideo(id);
			expect(sandbox.calls({ path: '/v3/videos*' }).map((c) => [c.method, c.path, c.status, c.account])).toEqual([
				['POST', '/v3/videos', 200, 'account_1'],
				['GET', `/v3/videos/${id}`, 200, 'account_1'],
			]);
			expect(sandbox.calls({ method: 'POST', path: '/v3/videos' })[0].body).toMatchObject({ callback_id: 'logged' });
			expect(JSON.stringify(sandbox.calls())).not.toMatch(/key-a/);
		});

		it('takes injected faults before any work, like the other routes', async () => {
			sandbox.injectFault({ method: 'POST', path: '/v3/videos', status: 503, retryAfter: 2 });
			sandbox.injectFault({ method: 'GET', path: '/v3/video-translations/*', status: 429 });
			const failed = await createVideo({ type: 'avatar', avatar_id: 'a' });
			expect(failed.status).toBe(503);
			expect(failed.headers['retry-after']).toBe('2');
			expect(failed.data.error.code).toBe('service_unavailable');
			expect(sandbox.listJobs()).toEqual([]);
			const [id] = await translations();
			const limited = await getTranslation(id);
			expect(limited.status).toBe(429);
			expect(limited.headers['retry-after']).toBe('1');
			expect((await getTranslation(id)).status).toBe(200);
		});
	});

	describe('lifecycle', () => {
		let timed: HeyGenSandbox;
		beforeAll(async () => {
			timed = await HeyGenSandbox.start({ apiKeys: ['key-a'], retryScheduleMs: [], jobDurationMs: 600 });
		});
		afterAll(async () => {
			await timed.stop();
		});

		/** Polls like a client does, until the status is `wanted`; fails on a status past it. */
		const poll = async (get: () => Promise<{ data: EitherBody<Record<string, unknown>> }>, order: string[], wanted: string) => {
			const deadline = Date.now() + 5000;
			for (;;) {
				const { data } = await get();
				const status = String(data.data.status);
				if (status === wanted) return data.data;
				expect(order.indexOf(status)).toBeLessThan(order.indexOf(wanted));
				if (Date.now() > deadline) throw new Error(`still ${status}`);
				await new Promise((resolve) => setTimeout(resolve, 20));
			}
		};

		it('a video goes pending -> processing -> completed by itself after jobDurationMs', async () => {
			const sent = Date.now();
			const id = await video({}, timed);
			const order = ['pending', 'processing', 'completed'];
			expect((await getVideo(id, 'key-a', timed)).data.data.status).toBe('pending');
			await poll(() => getVideo(id, 'key-a', timed), order, 'processing');
			const done = await poll(() => getVideo(id, 'key-a', timed), order, 'completed');
			expect(Date.now() - sent).toBeGreaterThanOrEqual(590);
			expect(done).toEqual({
				id,
				video_id: id,
				status: 'completed',
				video_url: expect.stringMatching(PRESIGNED),
				captioned_video_url: expect.stringMatching(PRESIGNED),
				subtitle_url: expect.stringMatching(PRESIGNED),
				thumbnail_url: expect.stringMatching(PRESIGNED),
				duration: expect.any(Number),
				callback_id: null,
				created_at: expect.stringMatching(ISO),
				completed_at: expect.stringMatching(ISO),
			});
			expect(String(done.video_url)).toContain(`/${id}.mp4?`);
			const job = timed.job(id) as JobRecord;
			expect(Date.parse(job.started_at as string) - Date.parse(job.created_at)).toBeGreaterThanOrEqual(290);
			expect(job.event_id).toMatch(/^evt_/);
			expect(timed.events()[0]).toMatchObject({ event_id: job.event_id, event_type: 'avatar_video.success' });
		});

		it('a translation goes pending -> running -> completed', async () => {
			const [id] = await translations({}, timed);
			const order = ['pending', 'running', 'completed'];
			await poll(() => getTranslation(id, 'key-a', timed), order, 'running');
			const done = await poll(() => getTranslation(id, 'key-a', timed), order, 'completed');
			expect(done).toMatchObject({ video_url: expect.stringMatching(PRESIGNED), output_language: 'Spanish' });
			expect(done).not.toHaveProperty('failure_message');
		});

		it('waitForJob resolves on a state and rejects with the state it saw', async () => {
			const job = timed.createVideoJob();
			await expect(timed.waitForJob(job.job_id, 'completed')).resolves.toMatchObject({ status: 'completed' });
			await expect(timed.waitForJob(job.job_id, 'failed', 50)).rejects.toThrow(/timed out after 50 ms; job \w+ is completed/);
			await expect(timed.waitForJob('nope', 'completed')).rejects.toThrow(/Job nope not found/);
		});

		it('with no duration a job ends only when told to', async () => {
			const idle = timed.createVideoJob({ duration_ms: null });
			const zero = timed.createVideoJob({ duration_ms: 0 });
			// A marker created later with a short duration: once it completed, any timer of the others would have fired.
			const marker = timed.createVideoJob({ duration_ms: 40 });
			await timed.waitForJob(marker.job_id, 'completed');
			expect(timed.job(idle.job_id)).toMatchObject({ status: 'pending', duration_ms: null });
			expect(timed.job(zero.job_id)).toMatchObject({ status: 'pending', duration_ms: null });
			expect(timed.completeJob(idle.job_id).status).toBe('completed');
		});

		it('an ended job does not end again when its time comes', async () => {
			const early = timed.createVideoJob({ duration_ms: 100 });
			timed.failJob(early.job_id);
			const marker = timed.createVideoJob({ duration_ms: 150 });
			await timed.waitForJob(marker.job_id, 'completed');
			expect(timed.job(early.job_id)?.status).toBe('failed');
			expect(timed.events().filter((event) => event.event_id === timed.job(early.job_id)?.event_id)).toHaveLength(1);
		});
	});

	describe('ending a job by hand', () => {
		it('startJob moves a video to processing and a translation to running, once', async () => {
			const id = await video();
			const [translationId] = await translations();
			expect(sandbox.startJob(id)).toMatchObject({ status: 'processing', started_at: expect.stringMatching(ISO) });
			expect(sandbox.startJob(translationId).status).toBe('running');
			expect((await getVideo(id)).data.data.status).toBe('processing');
			expect((await getTranslation(translationId)).data.data.status).toBe('running');
			expect(() => sandbox.startJob(id)).toThrow(/is processing, not pending/);
		});

		it('failJob shows failure_code and failure_message on GET, only once failed', async () => {
			const id = await video();
			const failed = sandbox.failJob(id, { message: 'Avatar not found', code: 'AVATAR_NOT_FOUND' });
			expect(failed).toMatchObject({ status: 'failed', failure_code: 'AVATAR_NOT_FOUND', failure_message: 'Avatar not found' });
			const got = (await getVideo(id)).data.data;
			expect(got).toMatchObject({ status: 'failed', failure_code: 'AVATAR_NOT_FOUND', failure_message: 'Avatar not found', video_url: null });
			expect(got).not.toHaveProperty('completed_at');

			const [translationId] = await translations();
			sandbox.failJob(translationId);
			expect((await getTranslation(translationId)).data.data).toMatchObject({
				status: 'failed',
				failure_message: 'The job could not be completed (sandbox failure)',
				video_url: null,
			});
			expect(sandbox.job(translationId)?.failure_code).toBe('sandbox_failure');
		});

		it('refuses to end a job twice (409), leaving it as it was', async () => {
			const id = await video();
			const completed = sandbox.completeJob(id);
			expect(() => sandbox.failJob(id)).toThrow(expect.objectContaining({ status: 409, message: `Job ${id} has already completed` }));
			expect(() => sandbox.completeJob(id)).toThrow(expect.objectContaining({ status: 409 }));
			expect(sandbox.job(id)).toEqual(completed);
			expect(sandbox.events()).toHaveLength(1);
			expect(() => sandbox.completeJob('nope')).toThrow(expect.objectContaining({ status: 404 }));
		});
	});

	describe('control routes', () => {
		const control = () => heygen(sandbox.url, null);

		it('POST /_sandbox/jobs creates a video on an account, or one translation job per language', async () => {
			const made = await control().post('/_sandbox/jobs', {
				api_key: 'key-b',
				avatar_id: 'Daisy',
				callback_url: 'https://example.com/cb?x=1',
				callback_id: 'ctl',
				duration_ms: null,
			});
			expect(made.status).toBe(201);
			const [job] = made.data.jobs as JobRecord[];
			expect(job).toMatchObject({ job_type: 'video', video_type: 'avatar', avatar_id: 'Daisy', account: 'account_2', status: 'pending' });
			expect(job).toMatchObject({ callback_url: 'https://example.com/cb?x=1', callback_id: 'ctl', duration_ms: null });
			expect((await getVideo(job.job_id, 'key-b')).data.data.callback_id).toBe('ctl');

			const both = await control().post('/_sandbox/jobs', { job_type: 'video_translation', output_languages: ['Spanish', 'French'] });
			expect(both.status).toBe(201);
			expect((both.data.jobs as JobRecord[]).map((j) => [j.job_type, j.output_language, j.account])).toEqual([
				['video_translation', 'Spanish', 'account_1'],
				['video_translation', 'French', 'account_1'],
			]);
		});

		it.each([
			[{ job_type: 'podcast' }, /job_type/],
			[{ type: 'hologram' }, /type must be one of/],
			[{ job_type: 'video_translation' }, /output_languages/],
			[{ job_type: 'video_translation', output_languages: [] }, /output_languages/],
			[{ callback_url: 'http://example.com/cb' }, /callback_url must use HTTPS/],
			[{ duration_ms: 'soon' }, /duration_ms must be a number/],
			[{ duration_ms: -1 }, /duration_ms must be a non-negative number/],
			[{ api_key: 'unknown' }, /unknown api_key/],
		])('POST /_sandbox/jobs answers 400 to %j', async (payload, message) => {
			const res = await control().post('/_sandbox/jobs', payload);
			expect(res.status).toBe(400);
			expect(res.data.error.message).toMatch(message);
			expect(sandbox.listJobs()).toEqual([]);
		});

		it('GET /_sandbox/jobs lists every account\'s jobs, filtered by api_key or status', async () => {
			const a = sandbox.createVideoJob();
			const b = sandbox.createVideoJob({ apiKey: 'key-b' });
			sandbox.completeJob(b.job_id);
			const ids = async (params: Record<string, string> = {}) =>
				((await control().get('/_sandbox/jobs', { params })).data.jobs as JobRecord[]).map((job) => job.job_id);
			expect(await ids()).toEqual([a.job_id, b.job_id]);
			expect(await ids({ api_key: 'key-b' })).toEqual([b.job_id]);
			expect(await ids({ status: 'pending' })).toEqual([a.job_id]);
			const one = await control().get(`/_sandbox/jobs/${b.job_id}`);
			expect(one.data).toEqual({ job: sandbox.job(b.job_id) });
			expect((await control().get('/_sandbox/jobs/nope')).status).toBe(404);
		});

		it('start, complete and fail a job; a second end is 409 and changes nothing', async () => {
			const video = sandbox.createVideoJob();
			const started = await control().post(`/_sandbox/jobs/${video.job_id}/start`);
			expect(started.status).toBe(200);
			expect(started.data.job.status).toBe('processing');
			const again = await control().post(`/_sandbox/jobs/${video.job_id}/start`);
			expect(again.status).toBe(409);
			expect(again.data.error).toEqual({ code: 'conflict', message: `Job ${video.job_id} is processing, not pending` });

			const completed = await control().post(`/_sandbox/jobs/${video.job_id}/complete`);
			expect(completed.status).toBe(200);
			expect(completed.data.job).toMatchObject({ status: 'completed', event_id: expect.stringMatching(/^evt_/) });
			for (const step of ['complete', 'fail', 'start']) {
				const res = await control().post(`/_sandbox/jobs/${video.job_id}/${step}`, { message: 'late' });
				expect(res.status).toBe(409);
				expect(res.data.error.code).toBe('conflict');
			}
			expect(sandbox.job(video.job_id)).toEqual(completed.data.job);
			expect(sandbox.events()).toHaveLength(1);

			const [translation] = sandbox.createTranslationJobs({ output_languages: ['Hindi'] });
			const failed = await control().post(`/_sandbox/jobs/${translation.job_id}/fail`, { message: 'Bad audio', code: 'AUDIO' });
			expect(failed.data.job).toMatchObject({ status: 'failed', failure_message: 'Bad audio', failure_code: 'AUDIO' });
			expect((await control().post(`/_sandbox/jobs/${translation.job_id}/complete`)).status).toBe(409);
			expect((await control().post(`/_sandbox/jobs/${translation.job_id}/fail`, { message: 5 })).status).toBe(400);

			for (const step of ['start', 'complete', 'fail']) {
				const res = await control().post(`/_sandbox/jobs/${'0'.repeat(32)}/${step}`);
				expect(res.status).toBe(404);
				expect(res.data.error.code).toBe('not_found');
			}
		});

		it('GET /_sandbox/deliveries filters by kind and job_id', async () => {
			const callbacks = await receiver();
			const job = sandbox.createVideoJob({ callback_url: callbacks.url });
			sandbox.completeJob(job.job_id);
			await sandbox.waitForDeliveries(delivered(job.job_id, 'callback'));
			const list = async (params: Record<string, string>) => (await control().get('/_sandbox/deliveries', { params })).data.deliveries;
			expect(await list({ kind: 'callback', job_id: job.job_id })).toEqual([expect.objectContaining({ kind: 'callback', url: callbacks.url })]);
			expect(await list({ kind: 'endpoint' })).toEqual([]);
			expect((await control().get('/_sandbox/deliveries', { params: { kind: 'webhook' } })).status).toBe(400);
		});
	});

	describe('what a job\'s end sends', () => {
		it('completion: the signed avatar_video.success to endpoints, and the same envelope unsigned to the callback, query kept', async () => {
			const hooks = await receiver();
			const callbacks = await receiver();
			const ep = await register({ url: hooks.url, events: ['avatar_video.success', 'avatar_video.fail'] });
			const callbackUrl = `${callbacks.url}?token=s3cr3t&n=1`;
			const id = await video({ callback_url: callbackUrl, callback_id: 'order-7' });

			const job = sandbox.completeJob(id);
			const log = await sandbox.waitForDeliveries((all) => delivered(id, 'endpoint')(all) && delivered(id, 'callback')(all));

			const [signed] = hooks.posts();
			expect(signed.headers['heygen-signature']).toBe(hmacHex(ep.secret as string, signed.raw));
			expect(signed.headers['heygen-event-id']).toBe(job.event_id);
			const event = body(signed);
			expect(event.event_type).toBe('avatar_video.success');
			expect(event.event_data).toMatchObject({ video_id: id, url: job.video_url, callback_id: 'order-7' });
			expect((await getVideo(id)).data.data.video_url).toBe(event.event_data.url);

			const [callback] = callbacks.posts();
			expect(callback.path).toBe('/hook?token=s3cr3t&n=1');
			expect(callback.headers['content-type']).toBe('application/json');
			for (const header of ['heygen-signature', 'signature', 'heygen-event-id', 'heygen-timestamp']) {
				expect(callback.headers).not.toHaveProperty(header);
			}
			expect(body(callback)).toEqual(event);
			expect(callback.raw.equals(signed.raw)).toBe(true);

			const byKind = (kind: string) => log.filter((a) => a.job_id === id && a.kind === kind);
			expect(byKind('endpoint')).toEqual([expect.objectContaining({ endpoint_id: ep.endpoint_id, event_id: job.event_id, attempt: 1, ok: true })]);
			expect(byKind('callback')).toEqual([
				expect.objectContaining({ endpoint_id: 'callback', event_id: job.event_id, url: callbackUrl, attempt: 1, status: 200, ok: true, final: true }),
			]);
			expect(sandbox.deliveries({ kind: 'callback' })).toEqual(byKind('callback'));
			expect(sandbox.deliveries({ job_id: id })).toHaveLength(2);
		});

		it('failure: avatar_video.fail with msg, video_translate.fail with message, to endpoints and callbacks', async () => {
			const hooks = await receiver();
			const callbacks = await receiver();
			const ep = await register({ url: hooks.url });
			const id = await video({ callback_url: callbacks.url, callback_id: 'v' });
			const [translationId] = await translations({ callback_url: callbacks.url, callback_id: 't', output_languages: ['Japanese'] });

			sandbox.failJob(id, { message: 'Not enough credits', code: 'INSUFFICIENT_CREDIT' });
			sandbox.failJob(translationId);
			await sandbox.waitForDeliveries((all) => [id, translationId].every((job) => delivered(job, 'endpoint')(all) && delivered(job, 'callback')(all)));

			const events = hooks.posts().map(body);
			const videoFail = events.find((e) => e.event_type === 'avatar_video.fail') as Body;
			expect(videoFail.event_data).toEqual({ video_id: id, msg: 'Not enough credits', callback_id: 'v' });
			const translateFail = events.find((e) => e.event_type === 'video_translate.fail') as Body;
			expect(translateFail.event_data).toEqual({
				video_translate_id: translationId,
				message: 'The job could not be completed (sandbox failure)',
				callback_id: 't',
				output_language: 'Japanese',
			});
			for (const post of hooks.posts()) expect(post.headers['heygen-signature']).toBe(hmacHex(ep.secret as string, post.raw));
			expect(callbacks.posts().map(body).sort((a, b) => a.event_type.localeCompare(b.event_type))).toEqual([videoFail, translateFail]);
		});

		it('translation success: video_translate.success with the job\'s url and language', async () => {
			const hooks = await receiver();
			await register({ url: hooks.url });
			const [, french] = await translations({ output_languages: ['Spanish', 'French'], callback_id: 'both' });
			const job = sandbox.completeJob(french);
			await sandbox.waitForDeliveries(delivered(french, 'endpoint'));
			const [event] = hooks.posts().map(body);
			expect(event).toEqual({
				event_type: 'video_translate.success',
				event_data: { video_translate_id: french, url: job.video_url, callback_id: 'both', output_language: 'French' },
			});
			expect(sandbox.listJobs().map((j) => j.status)).toEqual(['pending', 'completed']);
		});

		it('retries a callback on non-2xx along retryScheduleMs until a 2xx', async () => {
			const callbacks = await receiver((_req, i) => (i < 2 ? { status: 500, body: 'busy' } : { status: 202 }));
			const id = await video({ callback_url: callbacks.url });
			const job = sandbox.completeJob(id);
			const log = (await sandbox.waitForDeliveries(delivered(id, 'callback'))).filter((a) => a.kind === 'callback');
			expect(log.map((a) => [a.attempt, a.status, a.ok, a.next_retry_in_ms, a.final])).toEqual([
				[1, 500, false, 50, false],
				[2, 500, false, 100, false],
				[3, 202, true, null, true],
			]);
			expect(log[0].response_body).toBe('busy');
			expect(new Set(log.map((a) => a.delivery_id)).size).toBe(1);
			expect(new Set(log.map((a) => a.event_id))).toEqual(new Set([job.event_id]));
			const posts = callbacks.posts();
			expect(new Set(posts.map((p) => p.raw.toString()))).toEqual(new Set([posts[0].raw.toString()]));
			expect(posts[1].at - posts[0].at).toBeGreaterThanOrEqual(45);
			expect(posts[2].at - posts[1].at).toBeGreaterThanOrEqual(95);
		});

		it('the callback goes whatever endpoints subscribe to; a job without callback_url sends none', async () => {
			const hooks = await receiver();
			const callbacks = await receiver();
			await register({ url: hooks.url, events: ['video_translate.success'] });
			const unsubscribed = await video({ callback_url: callbacks.url });
			const silent = await video();
			const [marker] = await translations();

			sandbox.completeJob(unsubscribed);
			sandbox.completeJob(silent);
			sandbox.completeJob(marker);
			await sandbox.waitForDeliveries((all) => delivered(unsubscribed, 'callback')(all) && delivered(marker, 'endpoint')(all));

			// The endpoint got the translation only; the only callback was the first video's.
			expect(hooks.posts().map((p) => body(p).event_type)).toEqual(['video_translate.success']);
			expect(callbacks.posts().map((p) => body(p).event_data.video_id)).toEqual([unsubscribed]);
			expect(sandbox.deliveries({ job_id: silent })).toEqual([]);
			// Both videos are in the account's event history all the same.
			expect(sandbox.events().map((e) => e.event_type)).toEqual(['video_translate.success', 'avatar_video.success', 'avatar_video.success']);
		});

		it('reset forgets jobs and drops pending callback retries', async () => {
			const callbacks = await receiver((_req, i) => (i <= 1 ? { status: 500 } : { status: 200 }));
			const id = await video({ callback_url: callbacks.url });
			sandbox.completeJob(id);
			await sandbox.waitForDeliveries((all) => all.some((a) => a.job_id === id));
			sandbox.reset();
			expect(sandbox.listJobs()).toEqual([]);
			expect(sandbox.deliveries()).toEqual([]);
			expect((await getVideo(id)).status).toBe(404);
			// A marker after the reset, failing once too: once its retry went out, the cancelled retry
			// (due earlier) would have gone out as well.
			const marker = await video({ callback_url: callbacks.url });
			sandbox.completeJob(marker);
			await sandbox.waitForDeliveries(delivered(marker, 'callback'));
			expect(callbacks.posts().map((p) => body(p).event_data.video_id)).toEqual([id, marker, marker]);
		});
	});
});
