import { randomUUID } from 'crypto';

import { HeyGenSandbox } from '../../dev/heygen-sandbox/server';
import { allowExecutions, refuseExecutions } from '../../dev/n8n/database';
import {
	afterMarker,
	createTriggerWorkflow,
	deliver,
	triggerEventId,
	waitForEndpoints,
	waitUntilVerifying,
	type TriggerWorkflow,
} from '../../dev/n8n/heygen';
import { N8N_VERSION } from '../../dev/n8n/paths';
import { N8nInstance, waitFor, type Execution } from '../../dev/n8n/n8n';

/**
 * The two promises of a webhook receiver, in a real n8n: a delivery answered 2xx has its execution
 * recorded (even when n8n is killed right after answering), and a delivery accepted once never
 * starts a second execution (even after a crash, concurrent acceptance, and past 2,500
 * deliveries). Also: the signing secret is not readable through n8n's API, and a credential whose
 * API key changed makes HeyGen retry instead of dropping deliveries.
 */

const API_KEY = 'sk_sandbox_delivery_0123456789';
// n8n 1.x answers onReceived webhooks before it records the execution, its own Webhook node
// included: there a crash can lose answered deliveries, and the promise 1.x allows is that a
// shutdown (SIGTERM) at the last answer loses none.
const ANSWERS_AFTER_RECORDING = !N8N_VERSION.startsWith('1.');
const STOP = ANSWERS_AFTER_RECORDING ? 'killed (SIGKILL)' : 'stopped (SIGTERM; n8n 1.x answers before it records)';

const eventBody = (marker: string) =>
	JSON.stringify({
		event_type: 'avatar_video.success',
		event_data: { video_id: `v_${randomUUID()}`, url: 'https://example.com/v.mp4', callback_id: marker },
	});

/** Runs `task(i)` for i < count, at most `concurrency` at a time. */
async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
	let next = 0;
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < count) await task(next++);
		}),
	);
}

/** The markers (callback ids) an execution carries, wherever n8n keeps the trigger's item. */
const markersIn = (execution: Execution, prefix: string): string[] =>
	JSON.stringify(execution.data ?? {}).match(new RegExp(`${prefix}-\\d+`, 'g')) ?? [];

const FAILED_EXECUTION_IS_RETRIED = ANSWERS_AFTER_RECORDING
	? 'a delivery whose execution n8n fails to create gets a 5xx, and its retry runs: one execution in all'
	: 'a delivery whose execution n8n 1.x fails to create, if answered 5xx, has its retry run (1.x may answer 2xx first: then it is lost)';

describe('HeyGen Trigger: no delivery lost, none run twice', () => {
	let sandbox: HeyGenSandbox;
	let n8n: N8nInstance;
	let credential: { id: string; name: string };

	beforeAll(async () => {
		sandbox = await HeyGenSandbox.start({ apiKeys: [API_KEY] });
		n8n = await N8nInstance.start();
		credential = await n8n.createCredential({ apiKey: API_KEY, baseUrl: sandbox.url });
	});

	afterAll(async () => {
		await n8n?.dispose();
		await sandbox?.stop();
	});

	async function activeTrigger(): Promise<TriggerWorkflow & { secret: string }> {
		const workflow = await createTriggerWorkflow(n8n, credential);
		await n8n.activate(workflow.id);
		const [endpoint] = await waitForEndpoints(sandbox, API_KEY, workflow.url, 1);
		await waitUntilVerifying(workflow.url);
		return { ...workflow, secret: endpoint.secret as string };
	}

	/** Sends one genuine delivery and waits for its execution: whatever was sent before has been handled. */
	async function marker(workflow: TriggerWorkflow & { secret: string }, expectedTotal: number): Promise<number> {
		const answer = await deliver(workflow.url, { body: eventBody(`marker-${Date.now()}`), secret: workflow.secret });
		expect(answer.status).toBe(200);
		await waitFor(`${expectedTotal} executions`, async () => (await n8n.executions(workflow.id, false)).length >= expectedTotal, 60_000);
		return (await n8n.executions(workflow.id, false)).length;
	}

	it(
		`has an execution for every delivery it answered 2xx when n8n is ${STOP} at the last answer (2 rounds of 300, concurrency 8)`,
		async () => {
			const workflow = await activeTrigger();
			const answered: string[] = [];
			for (const round of [1, 2]) {
				await pool(300, 8, async (i) => {
					const id = `kill${round}-${i}`;
					const answer = await deliver(workflow.url, { body: eventBody(id), secret: workflow.secret });
					if (answer.status >= 200 && answer.status < 300) answered.push(id);
				});
				// The moment the last answer arrived.
				if (ANSWERS_AFTER_RECORDING) {
					await n8n.kill();
					await n8n.bootAgain();
				} else {
					await n8n.restart();
				}
			}
			expect(answered.length).toBe(600);
			const recorded = new Set(
				(await n8n.executions(workflow.id)).flatMap((execution) => markersIn(execution, 'kill\\d')),
			);
			const lost = answered.filter((id) => !recorded.has(id));
			expect(lost).toEqual([]);
		},
		600_000,
	);

	it(FAILED_EXECUTION_IS_RETRIED, async () => {
		const workflow = await activeTrigger();
		const delivery = { body: eventBody('refused-1'), eventId: `evt_${randomUUID()}`, secret: workflow.secret };
		refuseExecutions(n8n.userFolder);
		const first = await deliver(workflow.url, delivery).finally(() => allowExecutions(n8n.userFolder));
		// HeyGen retries what was not answered 2xx, with the same body and event id.
		const retry = await deliver(workflow.url, delivery);
		// n8n 2.x answers only once the execution exists. n8n 1.x answers while it creates it: its
		// 500 wins when the failure is quicker than the answer, its 200 otherwise.
		const answeredFailure = first.status >= 500;
		if (ANSWERS_AFTER_RECORDING) expect(answeredFailure).toBe(true);
		else expect([200, 500]).toContain(first.status);
		if (answeredFailure) {
			expect(retry).toMatchObject({ status: 200, data: { received: true } });
			expect((await deliver(workflow.url, delivery)).data).toEqual({ received: true, ignored: 'duplicate' });
		} else {
			expect(first.data).toEqual({ received: true });
			expect(retry.data).toEqual({ received: true, ignored: 'duplicate' });
		}
		const executions = await afterMarker(n8n, workflow, workflow.secret);
		const runs = executions.filter((execution) => triggerEventId(execution) === delivery.eventId);
		// Never a 5xx without its retry running; a 2xx without an execution only on n8n 1.x.
		expect(runs).toHaveLength(answeredFailure ? 1 : 0);
	});

	it('starts no execution for replays after a crash, of 2,600 deliveries accepted at concurrency 8 (past the old bound)', async () => {
		const workflow = await activeTrigger();
		const total = 2600;
		const sent: Array<{ body: string; eventId: string }> = [];
		await pool(total, 8, async (i) => {
			const delivery = { body: eventBody(`crash-${i}`), eventId: `evt_${randomUUID()}` };
			const answer = await deliver(workflow.url, { ...delivery, secret: workflow.secret });
			expect(answer.status).toBe(200);
			sent[i] = delivery;
		});
		await n8n.kill();
		await n8n.bootAgain();
		const before = await marker(workflow, total + 1);
		expect(before).toBe(total + 1);

		// The oldest 50 and the 200 accepted concurrently right before the kill; half the replays
		// reuse the event id (a HeyGen retry), half come under a fresh one (a captured body).
		const replayed = [...sent.slice(0, 50), ...sent.slice(total - 200)];
		await pool(replayed.length, 8, async (i) => {
			const { body, eventId } = replayed[i];
			const answer = await deliver(workflow.url, {
				body,
				secret: workflow.secret,
				eventId: i % 2 === 0 ? eventId : `evt_${randomUUID()}`,
			});
			expect(answer.status).toBe(200);
			expect(answer.data).toEqual({ received: true, ignored: 'duplicate' });
		});
		// Only the second marker runs.
		expect(await marker(workflow, before + 1)).toBe(before + 1);
	}, 900_000);

	it("keeps the signing secret out of n8n's API: the workflow, and the answers to activate and deactivate", async () => {
		const workflow = await activeTrigger();
		const read = await n8n.getWorkflow(workflow.id);
		const deactivated = (await n8n.api.post(`/workflows/${workflow.id}/deactivate`, {})).data;
		await waitForEndpoints(sandbox, API_KEY, workflow.url, 0);
		const activated = (await n8n.api.post(`/workflows/${workflow.id}/activate`, {})).data;
		const [endpoint] = await waitForEndpoints(sandbox, API_KEY, workflow.url, 1);
		const reread = (await n8n.rest.get(`/workflows/${workflow.id}`)).data;

		for (const secret of [workflow.secret, endpoint.secret as string]) {
			for (const answer of [read, deactivated, activated, reread, await n8n.getWorkflow(workflow.id)]) {
				expect(JSON.stringify(answer)).not.toContain(secret);
			}
		}
		// What is there is sealed, and the trigger still verifies with it.
		expect(JSON.stringify((await n8n.getWorkflow(workflow.id)).staticData)).toMatch(/"sealedSecret":"v1\.[\w-]+\.[\w-]+"/);
		const answer = await deliver(workflow.url, { body: eventBody('sealed-1'), secret: endpoint.secret as string });
		expect(answer.status).toBe(200);
	});

	it('answers 503 (HeyGen retries) and logs the fix when the API key changed, and verifies again after re-activation', async () => {
		const keyBefore = `sk_sandbox_before_${randomUUID()}`;
		const keyAfter = `sk_sandbox_after_${randomUUID()}`;
		sandbox.addAccount(keyBefore);
		const ownCredential = await n8n.createCredential({ apiKey: keyBefore, baseUrl: sandbox.url }, 'HeyGen (key changes)');
		const workflow = await createTriggerWorkflow(n8n, ownCredential);
		await n8n.activate(workflow.id);
		const [endpoint] = await waitForEndpoints(sandbox, keyBefore, workflow.url, 1);

		// The user regenerates the key in HeyGen and pastes it into the credential; n8n restarts.
		sandbox.addApiKey(keyBefore, keyAfter);
		await n8n.updateCredential(ownCredential.id, { apiKey: keyAfter, baseUrl: sandbox.url }, ownCredential.name);
		await n8n.restart();

		const refused = await waitFor('the trigger to answer', async () => {
			const answer = await deliver(workflow.url, { body: eventBody('rekeyed-1'), secret: endpoint.secret as string });
			return answer.status === 404 ? undefined : answer;
		});
		expect(refused.status).toBe(503);
		expect(refused.data).toMatchObject({ error: 'secret_unavailable' });
		const logs = n8n.logs();
		expect(logs).toContain('cannot open its signing secret');
		expect(logs).toContain(`(id ${workflow.id})`);
		expect(logs).not.toContain(keyAfter);
		expect(logs).not.toContain(endpoint.secret as string);

		await n8n.deactivate(workflow.id);
		await waitForEndpoints(sandbox, keyAfter, workflow.url, 0);
		await n8n.activate(workflow.id);
		const [renewed] = await waitForEndpoints(sandbox, keyAfter, workflow.url, 1);
		expect(renewed.secret).not.toBe(endpoint.secret);
		const accepted = await waitFor('the re-activated trigger', async () => {
			const answer = await deliver(workflow.url, { body: eventBody('rekeyed-2'), secret: renewed.secret as string });
			return answer.status === 200 ? answer : undefined;
		});
		expect(accepted.data).toEqual({ received: true });
		// The 503 started nothing: counted once a later genuine delivery has run.
		const executions = await afterMarker(n8n, workflow, renewed.secret as string);
		const withMarker = (marker: string) => executions.filter((execution) => markersIn(execution, 'rekeyed').includes(marker));
		expect(withMarker('rekeyed-1')).toHaveLength(0);
		expect(withMarker('rekeyed-2')).toHaveLength(1);
		expect(executions).toHaveLength(2); // rekeyed-2 and the marker
	});
});
