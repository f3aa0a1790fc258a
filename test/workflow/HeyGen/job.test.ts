import { useSandbox } from '../../support/sandboxFixture';

/** Video and Video Translation → Get and Wait for Completion, in n8n-core against the sandbox's jobs. */

const heygen = useSandbox();
// Waiting polls HeyGen for real: 2 s, then 4 s, 8 s…
jest.setTimeout(30_000);

async function run(resource: 'video' | 'videoTranslation', parameters: Record<string, unknown>, options: { continueOnFail?: boolean } = {}) {
	const result = await heygen.run([{ n: 1 }], { resource, ...parameters }, { typeVersion: 2, ...options });
	return { output: result.output('HeyGen'), error: result.error };
}

const jobCalls = () => heygen.calls().filter((call) => call.method === 'GET');

describe('Video → Get', () => {
	it('a running video: HeyGen\'s own word for its status, no URL yet', async () => {
		const job = heygen.sandbox.createVideoJob({ callback_id: 'order-1' });
		heygen.sandbox.startJob(job.job_id);
		const { output } = await run('video', { operation: 'get', videoId: job.job_id });
		expect(output.map((item) => item.json)).toEqual([
			expect.objectContaining({ source: 'api', event_type: null, status: 'processing', video_id: job.job_id, callback_id: 'order-1' }),
		]);
		expect(output[0].json.url).toBeUndefined();
		expect(output[0].pairedItem).toEqual({ item: 0 });
	});

	it('a completed video: the trigger\'s field names, the URL, and HeyGen\'s whole answer', async () => {
		const job = heygen.sandbox.createVideoJob({});
		const ended = heygen.sandbox.completeJob(job.job_id);
		const { output } = await run('video', { operation: 'get', videoId: job.job_id });
		expect(output[0].json).toMatchObject({
			event_type: 'avatar_video.success',
			status: 'success',
			url: ended.video_url,
			event_data: expect.objectContaining({ status: 'completed', thumbnail_url: ended.thumbnail_url }),
		});
	});

	it('an unknown video: "Video … not found", with HeyGen\'s words', async () => {
		const { error } = await run('video', { operation: 'get', videoId: '0123456789abcdef0123456789abcdef' });
		expect(error?.message).toBe('Video 0123456789abcdef0123456789abcdef not found');
	});

	it('an ID that is not one never reaches HeyGen', async () => {
		const { error } = await run('video', { operation: 'get', videoId: '../webhooks/endpoints' });
		expect(error?.message).toBe('"../webhooks/endpoints" is not a HeyGen video ID');
		expect(jobCalls()).toEqual([]);
	});
});

describe('Video → Wait for Completion', () => {
	it('polls until HeyGen says completed, then outputs the final item', async () => {
		const job = heygen.sandbox.createVideoJob({ duration_ms: 2_500 });
		const { output, error } = await run('video', { operation: 'waitForCompletion', videoId: job.job_id });
		expect(error).toBeUndefined();
		expect(output[0].json).toMatchObject({ status: 'success', video_id: job.job_id, url: expect.stringMatching(/^https:/) });
		expect(jobCalls().length).toBeGreaterThanOrEqual(2);
	});

	it('a failed video is a fail item, not an error', async () => {
		const job = heygen.sandbox.createVideoJob({});
		heygen.sandbox.failJob(job.job_id, { message: 'Script too long', code: 'script_too_long' });
		const { output, error } = await run('video', { operation: 'waitForCompletion', videoId: job.job_id });
		expect(error).toBeUndefined();
		expect(output[0].json).toMatchObject({ event_type: 'avatar_video.fail', status: 'fail', failure_message: 'Script too long' });
	});

	it('a limit that runs out: an error naming the last status; with On Error → Continue, an error item', async () => {
		const job = heygen.sandbox.createVideoJob({});
		heygen.sandbox.startJob(job.job_id);
		const stopped = await run('video', { operation: 'waitForCompletion', videoId: job.job_id, maxWaitMinutes: 0.05 });
		expect(stopped.error?.message).toBe(`HeyGen video ${job.job_id} did not finish within 0.05 minutes: its last status was processing`);

		const continued = await run('video', { operation: 'waitForCompletion', videoId: job.job_id, maxWaitMinutes: 0.05 }, { continueOnFail: true });
		expect(continued.error).toBeUndefined();
		expect(continued.output.map((item) => item.json)).toEqual([{ error: expect.stringContaining('did not finish within 0.05 minutes') }]);
	});

	it('waits out a 429 with Retry-After instead of failing', async () => {
		const job = heygen.sandbox.createVideoJob({});
		heygen.sandbox.completeJob(job.job_id);
		heygen.sandbox.injectFault({ method: 'GET', path: '/v3/videos/*', status: 429, retryAfter: 1, count: 2 });
		const started = Date.now();
		const { output, error } = await run('video', { operation: 'waitForCompletion', videoId: job.job_id });
		expect(error).toBeUndefined();
		expect(output[0].json).toMatchObject({ status: 'success' });
		expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
		expect(jobCalls().map((call) => call.status)).toEqual([429, 429, 200]);
	});
});

describe('Video Translation → Get and Wait for Completion', () => {
	it('reads a translation at its own API, under the trigger\'s field name', async () => {
		const [job] = heygen.sandbox.createTranslationJobs({ output_languages: ['Spanish'], callback_id: 'tr-1' });
		heygen.sandbox.completeJob(job.job_id);
		const { output } = await run('videoTranslation', { operation: 'waitForCompletion', videoTranslationId: job.job_id });
		expect(output[0].json).toMatchObject({
			event_type: 'video_translate.success',
			status: 'success',
			video_translate_id: job.job_id,
			callback_id: 'tr-1',
			url: expect.stringMatching(/^https:/),
		});
		expect(jobCalls()[0].path).toBe(`/v3/video-translations/${job.job_id}`);
	});

	it('a failed translation is a fail item with HeyGen\'s message', async () => {
		const [job] = heygen.sandbox.createTranslationJobs({ output_languages: ['French'] });
		heygen.sandbox.failJob(job.job_id, { message: 'No speech detected' });
		const { output } = await run('videoTranslation', { operation: 'get', videoTranslationId: job.job_id });
		expect(output[0].json).toMatchObject({ event_type: 'video_translate.fail', status: 'fail', failure_message: 'No speech detected' });
	});
});
