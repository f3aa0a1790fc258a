import { HeyGenSandbox, signBody } from '../../../dev/heygen-sandbox/server';
import { heygen } from '../../support/heygenClient';
import { hostTrigger, type TriggerHost } from '../../support/triggerHost';

/**
 * The HeyGen Trigger's per-job callbacks in n8n-core's contexts, against the sandbox's jobs:
 * HeyGen does not sign them, so every one is confirmed with HeyGen's API before it counts.
 */

const API_KEY = 'sandbox-api-key';
let sandbox: HeyGenSandbox;
let host: TriggerHost;

beforeAll(async () => {
	sandbox = await HeyGenSandbox.start({ retryScheduleMs: [200, 400], jobDurationMs: null });
});
afterAll(async () => await sandbox.stop());

async function publish(listenTo: 'events' | 'callbacks' | 'both') {
	host = await hostTrigger({ listenTo, events: [], options: {} }, { apiKey: API_KEY, baseUrl: sandbox.url });
	await host.activate();
}

beforeEach(() => sandbox.reset());
afterEach(async () => await host.close());

/** POSTs a callback body to the trigger, as HeyGen (or anyone who learnt the URL) would. */
async function postCallback(body: unknown, url = host.callbackUrl) {
	const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
	return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const jobCalls = () => sandbox.calls().filter((call) => call.path.startsWith('/v3/videos/') || call.path.startsWith('/v3/video-translations/'));

describe('HeyGen Trigger, Listen To: Per-Job Callbacks', () => {
	beforeEach(async () => await publish('callbacks'));

	it('registers no endpoint with HeyGen, so other videos of the account start nothing', () => {
		expect(sandbox.listEndpoints()).toEqual([]);
	});

	it('a finished video whose callback_url is the trigger\'s: one execution with HeyGen\'s status and URL', async () => {
		const job = sandbox.createVideoJob({ callback_url: host.callbackUrl, callback_id: 'order-42' });
		const ended = sandbox.completeJob(job.job_id);
		await sandbox.waitForDeliveries((all) => all.some((a) => a.job_id === job.job_id && a.kind === 'callback' && a.final));

		expect(sandbox.deliveries({ job_id: job.job_id, kind: 'callback' }).map((a) => a.status)).toEqual([200]);
		expect(host.executions).toHaveLength(1);
		expect(host.executions[0][0].json).toMatchObject({
			source: 'callback',
			event_type: 'avatar_video.success',
			status: 'success',
			video_id: job.job_id,
			callback_id: 'order-42',
			url: ended.video_url,
		});
		expect(jobCalls()).toHaveLength(1);
	});

	it('a callback claiming success for a job HeyGen failed: one fail item with HeyGen\'s message', async () => {
		const job = sandbox.createVideoJob({ callback_id: 'order-7' });
		sandbox.failJob(job.job_id, { message: 'Avatar not found', code: 'avatar_not_found' });

		const answer = await postCallback({ event_type: 'avatar_video.success', event_data: { video_id: job.job_id, url: 'https://forged.example/v.mp4', callback_id: 'order-7' } });

		expect(answer).toEqual({ status: 200, body: { received: true } });
		expect(host.executions).toHaveLength(1);
		expect(host.executions[0][0].json).toMatchObject({ event_type: 'avatar_video.fail', status: 'fail', failure_message: 'Avatar not found' });
		expect(JSON.stringify(host.executions[0][0].json)).not.toContain('forged.example');
	});

	it('a forged callback for a job HeyGen does not know: 404 unknown_job, no execution', async () => {
		const answer = await postCallback({ event_type: 'avatar_video.success', event_data: { video_id: '0123456789abcdef0123456789abcdef' } });
		expect(answer).toEqual({ status: 404, body: { error: 'unknown_job', message: expect.any(String) } });
		expect(host.executions).toHaveLength(0);
	});

	it('a callback for a job still processing: 503 job_running (HeyGen retries), no execution', async () => {
		const job = sandbox.createVideoJob({});
		sandbox.startJob(job.job_id);
		const answer = await postCallback({ event_type: 'avatar_video.success', event_data: { video_id: job.job_id } });
		expect(answer).toEqual({ status: 503, body: { error: 'job_running', message: expect.any(String) } });
		expect(host.executions).toHaveLength(0);
	});

	it('copies of a callback, and a flood of forged ones for the same job, start one execution and cost one HeyGen call', async () => {
		const job = sandbox.createVideoJob({});
		sandbox.completeJob(job.job_id);
		const body = { event_type: 'avatar_video.success', event_data: { video_id: job.job_id } };
		expect(await postCallback(body)).toEqual({ status: 200, body: { received: true } });
		const copies = await Promise.all(Array.from({ length: 20 }, async () => await postCallback(body)));

		expect(copies.map((copy) => copy.body)).toEqual(Array(20).fill({ received: true, ignored: 'duplicate' }));
		expect(host.executions).toHaveLength(1);
		expect(jobCalls()).toHaveLength(1);
	});

	it('the event URL answers 404 not_listening: this trigger takes callbacks only', async () => {
		const body = JSON.stringify({ event_type: 'avatar_video.success', event_data: {} });
		const response = await fetch(host.webhookUrl, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', 'Heygen-Signature': signBody('whsec_x', body), 'Heygen-Timestamp': String(Math.floor(Date.now() / 1000)) },
			body,
		});
		expect(response.status).toBe(404);
		expect(await response.json()).toEqual({ error: 'not_listening', message: expect.any(String) });
	});
});

describe('HeyGen Trigger, Listen To: Events and Per-Job Callbacks', () => {
	beforeEach(async () => await publish('both'));

	it('the registered event and the callback for the same video start one execution', async () => {
		const job = sandbox.createVideoJob({ callback_url: host.callbackUrl, callback_id: 'both-1' });
		sandbox.completeJob(job.job_id);
		await sandbox.waitForDeliveries(
			(all) => ['endpoint', 'callback'].every((kind) => all.some((a) => a.job_id === job.job_id && a.kind === kind && a.final)),
			10_000,
		);
		const attempts = sandbox.deliveries({ job_id: job.job_id });
		expect(attempts.filter((a) => a.final).every((a) => a.ok)).toBe(true);
		expect(host.executions).toHaveLength(1);
		expect(host.executions[0][0].json).toMatchObject({ video_id: job.job_id, status: 'success', callback_id: 'both-1' });
	});

	it('the Events filter applies to callbacks: a failed video is ignored when only successes are wanted', async () => {
		await host.deactivate();
		host.setParameters({ listenTo: 'both', events: ['avatar_video.success'], options: {} });
		await host.activate();
		const job = sandbox.createVideoJob({});
		sandbox.failJob(job.job_id);
		expect(await postCallback({ event_type: 'avatar_video.fail', event_data: { video_id: job.job_id } })).toEqual({
			status: 200,
			body: { received: true, ignored: 'event_type' },
		});
		expect(host.executions).toHaveLength(0);
	});
});

describe('HeyGen Trigger, Listen To: Events (the default)', () => {
	beforeEach(async () => await publish('events'));

	it('a callback gets 404 not_listening, naming the setting to change', async () => {
		const answer = await postCallback({ event_type: 'avatar_video.success', event_data: { video_id: '0123456789abcdef0123456789abcdef' } });
		expect(answer).toEqual({ status: 404, body: { error: 'not_listening', message: expect.stringContaining('Listen To') } });
		expect(jobCalls()).toHaveLength(0);
	});

	it('switching a published trigger to callbacks only deletes its endpoint; back to events registers one', async () => {
		expect(sandbox.listEndpoints()).toHaveLength(1);
		await host.deactivate();
		host.setParameters({ listenTo: 'callbacks', events: [], options: {} });
		await host.activate();
		expect(sandbox.listEndpoints()).toEqual([]);
		await host.deactivate();
		host.setParameters({ listenTo: 'events', events: [], options: {} });
		await host.activate();
		expect(sandbox.listEndpoints().map((endpoint) => endpoint.url)).toEqual([host.webhookUrl]);
	});

	it('callbacks only, with an endpoint left on the event URL (static data lost): activation removes it', async () => {
		const lost = await hostTrigger({ listenTo: 'callbacks', events: [], options: {} }, { apiKey: API_KEY, baseUrl: sandbox.url });
		try {
			// An earlier registration of this URL whose static data is gone.
			const left = await heygen(sandbox.url, API_KEY).post('/v3/webhooks/endpoints', { url: lost.webhookUrl, events: null });
			expect(left.status).toBe(200);
			await lost.activate();
			expect(sandbox.listEndpoints().filter((endpoint) => endpoint.url === lost.webhookUrl)).toEqual([]);
			expect(sandbox.listEndpoints().map((endpoint) => endpoint.url)).toEqual([host.webhookUrl]);
		} finally {
			await lost.close();
		}
	});
});
