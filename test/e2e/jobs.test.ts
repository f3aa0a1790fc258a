import axios from 'axios';
import * as fs from 'fs';
import * as path from 'path';

import { HeyGenSandbox } from '../../dev/heygen-sandbox/server';
import type { JobRecord } from '../../dev/heygen-sandbox/types';
import { createTriggerWorkflow, TRIGGER_NAME, waitForEndpoints, waitUntilVerifying, type TriggerWorkflow } from '../../dev/n8n/heygen';
import { PROJECT_ROOT } from '../../dev/n8n/paths';
import { isDone, N8nInstance, nodeOutput, waitFor, type Execution, type WorkflowNode } from '../../dev/n8n/n8n';

/**
 * HeyGen's jobs from request to result, in a real n8n: per-job callbacks at the trigger's callback
 * URL (unsigned, so each is confirmed with HeyGen's API), and "create a video, continue when it is
 * ready" in one workflow (examples/create-video-and-wait.json).
 */

const API_KEY = 'sk_sandbox_jobs_0123456789';
const UNKNOWN_VIDEO = '0123456789abcdef0123456789abcdef';

describe('HeyGen jobs in real n8n', () => {
	let sandbox: HeyGenSandbox;
	let n8n: N8nInstance;
	let credential: { id: string; name: string };

	beforeAll(async () => {
		// Jobs end only when a test says so; HeyGen's retries come quickly.
		sandbox = await HeyGenSandbox.start({ apiKeys: [API_KEY], jobDurationMs: null, retryScheduleMs: [500, 1000, 2000, 4000] });
		n8n = await N8nInstance.start();
		credential = await n8n.createCredential({ apiKey: API_KEY, baseUrl: sandbox.url });
	});

	afterAll(async () => {
		await n8n?.dispose();
		await sandbox?.stop();
	});

	const callbackUrlOf = (workflow: TriggerWorkflow) => workflow.url.replace(/\/webhook$/, '/callback');
	const videoOf = (execution: Execution) => nodeOutput(execution, TRIGGER_NAME)[0]?.video_id;
	const postCallback = async (url: string, body: unknown) =>
		await axios.post(url, body, { validateStatus: () => true, headers: { 'Content-Type': 'application/json' } });

	/** A genuine job whose callback reaches `url`: once its execution ran, whatever was sent before has been handled. */
	async function callbackMarker(workflow: TriggerWorkflow): Promise<Execution[]> {
		const job = sandbox.createVideoJob({ apiKey: API_KEY, callback_url: callbackUrlOf(workflow), callback_id: 'marker' });
		sandbox.completeJob(job.job_id);
		await waitFor(`the marker ${job.job_id} to run`, async () =>
			(await n8n.executions(workflow.id)).some((execution) => videoOf(execution) === job.job_id && isDone(execution)),
		);
		await waitFor('every execution to finish', async () => (await n8n.executions(workflow.id, false)).every(isDone));
		return await n8n.executions(workflow.id);
	}

	async function publishTrigger(listenTo: 'callbacks' | 'both'): Promise<TriggerWorkflow> {
		const workflow = await createTriggerWorkflow(n8n, credential, { listenTo });
		await n8n.activate(workflow.id);
		if (listenTo === 'both') {
			await waitForEndpoints(sandbox, API_KEY, workflow.url, 1);
			await waitUntilVerifying(workflow.url);
		}
		// Unregistered, n8n answers 404 itself; the trigger's own answers carry an error code.
		await waitFor('the callback URL to answer', async () => (await postCallback(callbackUrlOf(workflow), {})).status === 400);
		return workflow;
	}

	describe('the HeyGen Trigger at its callback URL, Listen To: Per-Job Callbacks', () => {
		let workflow: TriggerWorkflow;
		beforeAll(async () => {
			workflow = await publishTrigger('callbacks');
		});

		it('registers no endpoint with HeyGen', () => {
			expect(sandbox.listEndpoints(API_KEY).filter((endpoint) => endpoint.url === workflow.url)).toEqual([]);
		});

		it('a video whose callback_url is the trigger\'s gives exactly one execution, carrying HeyGen\'s status and URL', async () => {
			const job = sandbox.createVideoJob({ apiKey: API_KEY, callback_url: callbackUrlOf(workflow), callback_id: 'order-42' });
			const ended = sandbox.completeJob(job.job_id);
			const executions = await callbackMarker(workflow);
			const runs = executions.filter((execution) => videoOf(execution) === job.job_id);
			expect(runs).toHaveLength(1);
			expect(nodeOutput(runs[0], TRIGGER_NAME)[0]).toMatchObject({
				source: 'callback',
				event_type: 'avatar_video.success',
				status: 'success',
				callback_id: 'order-42',
				url: ended.video_url,
			});
		});

		it('starts nothing for a forged callback of an unknown job, nor for one of a job still processing', async () => {
			const running = sandbox.createVideoJob({ apiKey: API_KEY });
			sandbox.startJob(running.job_id);
			const unknown = await postCallback(callbackUrlOf(workflow), { event_type: 'avatar_video.success', event_data: { video_id: UNKNOWN_VIDEO } });
			const early = await postCallback(callbackUrlOf(workflow), { event_type: 'avatar_video.success', event_data: { video_id: running.job_id } });
			expect([unknown.status, unknown.data.error]).toEqual([404, 'unknown_job']);
			expect([early.status, early.data.error]).toEqual([503, 'job_running']);
			expect(early.headers['retry-after']).toBe('30');

			const executions = await callbackMarker(workflow);
			expect(executions.filter((execution) => [UNKNOWN_VIDEO, running.job_id].includes(videoOf(execution) as string))).toEqual([]);
		});

		it('a callback claiming success for a job HeyGen failed gives one fail item', async () => {
			const job = sandbox.createVideoJob({ apiKey: API_KEY });
			sandbox.failJob(job.job_id, { message: 'Avatar not found' });
			const answer = await postCallback(callbackUrlOf(workflow), {
				event_type: 'avatar_video.success',
				event_data: { video_id: job.job_id, url: 'https://forged.example/v.mp4' },
			});
			expect(answer.data).toEqual({ received: true });
			const runs = (await callbackMarker(workflow)).filter((execution) => videoOf(execution) === job.job_id);
			expect(runs).toHaveLength(1);
			expect(nodeOutput(runs[0], TRIGGER_NAME)[0]).toMatchObject({ event_type: 'avatar_video.fail', status: 'fail', failure_message: 'Avatar not found' });
			expect(JSON.stringify(runs[0].data)).not.toContain('forged.example');
		});

		it('a restart of n8n between retries of one callback still gives one execution', async () => {
			const job = sandbox.createVideoJob({ apiKey: API_KEY });
			sandbox.completeJob(job.job_id);
			const body = { event_type: 'avatar_video.success', event_data: { video_id: job.job_id } };
			expect((await postCallback(callbackUrlOf(workflow), body)).data).toEqual({ received: true });
			await n8n.restart();
			await waitFor('the trigger after the restart', async () => (await postCallback(callbackUrlOf(workflow), {})).status === 400);
			expect((await postCallback(callbackUrlOf(workflow), body)).data).toEqual({ received: true, ignored: 'duplicate' });

			const runs = (await callbackMarker(workflow)).filter((execution) => videoOf(execution) === job.job_id);
			expect(runs).toHaveLength(1);
		});
	});

	describe('Listen To: Events and Per-Job Callbacks', () => {
		it('the registered event and the callback of the same video give one execution', async () => {
			const workflow = await publishTrigger('both');
			const job = sandbox.createVideoJob({ apiKey: API_KEY, callback_url: callbackUrlOf(workflow), callback_id: 'both' });
			sandbox.completeJob(job.job_id);
			await sandbox.waitForDeliveries(
				(all) => ['endpoint', 'callback'].every((kind) => all.some((a) => a.job_id === job.job_id && a.kind === kind && a.ok)),
				60_000,
			);
			const runs = (await callbackMarker(workflow)).filter((execution) => videoOf(execution) === job.job_id);
			expect(runs).toHaveLength(1);
			expect(nodeOutput(runs[0], TRIGGER_NAME)[0]).toMatchObject({ status: 'success', callback_id: 'both' });
			await n8n.deactivate(workflow.id);
		});
	});

	describe('one workflow: create a video, wait for it, then a message (examples/create-video-and-wait.json)', () => {
		const example = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'examples', 'create-video-and-wait.json'), 'utf8')) as {
			name: string;
			nodes: WorkflowNode[];
			connections: Record<string, unknown>;
		};

		/** The example as a user imports it, with their credential and the sandbox as HeyGen; `adjust` edits the wait step. */
		async function runExample(adjust: (wait: WorkflowNode) => void, endJob: (job: JobRecord) => void): Promise<Execution> {
			const nodes = (JSON.parse(JSON.stringify(example.nodes)) as WorkflowNode[]).map((node) => {
				if (node.credentials) node.credentials = { heyGenWebhooksApi: credential };
				if (node.name === 'Create video') node.parameters = { ...node.parameters, url: `${sandbox.url}/v3/videos` };
				if (node.name === 'Wait for the video') adjust(node);
				return node;
			});
			const before = new Set(sandbox.listJobs({ apiKey: API_KEY }).map((job) => job.job_id));
			const { id } = await n8n.createWorkflow({
				name: example.name,
				nodes,
				connections: example.connections,
				settings: { executionOrder: 'v1', saveManualExecutions: true },
			});
			await n8n.runManually(id, 'Start');
			const job = await waitFor('the workflow to create its video', async () =>
				sandbox.listJobs({ apiKey: API_KEY }).find((candidate) => !before.has(candidate.job_id)),
			);
			endJob(job);
			const [execution] = await waitFor('the execution to finish', async () => {
				const executions = await n8n.executions(id);
				return executions.length > 0 && executions.every(isDone) ? executions : undefined;
			}, 120_000);
			return execution;
		}

		it('ends with the video\'s URL once HeyGen has finished it', async () => {
			let url: string | null = null;
			const execution = await runExample(() => {}, (job) => {
				url = sandbox.completeJob(job.job_id).video_url;
			});
			expect(execution.status).toBe('success');
			expect(nodeOutput(execution, 'Wait for the video')).toEqual([expect.objectContaining({ status: 'success', url, source: 'api' })]);
			expect(nodeOutput(execution, 'Message')).toEqual([expect.objectContaining({ message: `Video ready: ${url}` })]);
		});

		it('a failed video is a fail item, not an error, and the message says why', async () => {
			const execution = await runExample(() => {}, (job) => sandbox.failJob(job.job_id, { message: 'Script too long' }));
			expect(execution.status).toBe('success');
			expect(nodeOutput(execution, 'Wait for the video')).toEqual([expect.objectContaining({ status: 'fail', failure_message: 'Script too long' })]);
			expect(nodeOutput(execution, 'Message')).toEqual([expect.objectContaining({ message: 'Video failed: Script too long' })]);
		});

		it('a short limit gives an error item with On Error → Continue, naming the last status', async () => {
			const execution = await runExample(
				(wait) => {
					wait.parameters = { ...wait.parameters, maxWaitMinutes: 0.05 };
					Object.assign(wait, { onError: 'continueRegularOutput' });
				},
				(job) => sandbox.startJob(job.job_id),
			);
			expect(nodeOutput(execution, 'Wait for the video')).toEqual([
				{ error: expect.stringMatching(/^HeyGen video [0-9a-f]{32} did not finish within 0\.05 minutes: its last status was processing$/) },
			]);
		});
	});
});
