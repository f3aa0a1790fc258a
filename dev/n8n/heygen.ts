import axios from 'axios';
import { randomUUID } from 'crypto';

import { HeyGenSandbox, signBody } from '../heygen-sandbox/server';
import type { EndpointRecord } from '../heygen-sandbox/types';
import { CREDENTIAL_TYPE, isDone, nodeOutput, TRIGGER_TYPE, waitFor, type Execution, type N8nClient, type WorkflowInput, type WorkflowNode } from './n8n';

/** Helpers that join the sandbox and n8n: trigger workflows, endpoint waits, hand-made deliveries. */

export const TRIGGER_NAME = 'HeyGen Trigger';

/** n8n's Webhook node that starts a test workflow at `path`; it answers with the last node's items. */
export function webhookNode(path: string, options?: Record<string, unknown>): WorkflowNode {
	return {
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', responseData: 'allEntries', ...(options ? { options } : {}) },
	};
}

export interface TriggerWorkflow {
	id: string;
	webhookId: string;
	url: string;
	testUrl: string;
}

export async function createTriggerWorkflow(
	n8n: N8nClient,
	credential: { id: string; name: string },
	parameters: Record<string, unknown> = {},
	typeVersion = 2,
	name?: string,
): Promise<TriggerWorkflow> {
	const webhookId = randomUUID();
	const workflow: WorkflowInput = {
		name: name ?? `HeyGen trigger ${webhookId.slice(0, 8)}`,
		nodes: [
			{
				name: TRIGGER_NAME,
				type: TRIGGER_TYPE,
				typeVersion,
				position: [0, 0],
				webhookId,
				parameters: { events: [], options: {}, ...parameters },
				credentials: { [CREDENTIAL_TYPE]: credential },
			},
		],
	};
	const { id } = await n8n.createWorkflow(workflow);
	return { id, webhookId, url: n8n.webhookUrl(webhookId), testUrl: n8n.webhookUrl(webhookId, 'test') };
}

export function endpointsFor(sandbox: HeyGenSandbox, apiKey: string, url: string): EndpointRecord[] {
	return sandbox.listEndpoints(apiKey).filter((endpoint) => endpoint.url === url);
}

/** Waits until exactly `count` endpoints point at `url`; returns them. */
export async function waitForEndpoints(
	sandbox: HeyGenSandbox,
	apiKey: string,
	url: string,
	count: number,
	timeoutMs = 30_000,
): Promise<EndpointRecord[]> {
	return await waitFor(
		`${count} endpoint(s) for ${url}`,
		() => {
			const endpoints = endpointsFor(sandbox, apiKey, url);
			return endpoints.length === count ? endpoints : undefined;
		},
		timeoutMs,
	);
}

/**
 * Waits until a published trigger verifies deliveries: n8n makes its URL live before the trigger
 * has stored its signing secret, and a signed delivery meanwhile gets 503 `not_ready`. Once the
 * secret is stored, a delivery signed with another secret gets 401.
 */
export async function waitUntilVerifying(url: string): Promise<void> {
	await waitFor(`${url} to verify deliveries`, async () => {
		const answer = await deliver(url, { body: '{}', secret: 'whsec_not_the_secret' });
		return answer.status === 401;
	});
}

export interface HandDelivery {
	body: string;
	secret?: string;
	signature?: string | null;
	timestamp?: number | string | null;
	eventId?: string | null;
	contentType?: string;
}

/** Sends a delivery by hand, the way HeyGen would (or an attacker might). */
export async function deliver(url: string, delivery: HandDelivery) {
	const headers: Record<string, string> = { 'Content-Type': delivery.contentType ?? 'application/json' };
	const signature =
		delivery.signature === undefined ? signBody(delivery.secret ?? '', delivery.body) : delivery.signature;
	if (signature !== null) headers['Heygen-Signature'] = signature;
	const timestamp = delivery.timestamp === undefined ? Math.floor(Date.now() / 1000) : delivery.timestamp;
	if (timestamp !== null) headers['Heygen-Timestamp'] = String(timestamp);
	const eventId = delivery.eventId === undefined ? `evt_${randomUUID().replace(/-/g, '')}` : delivery.eventId;
	if (eventId !== null) headers['Heygen-Event-Id'] = eventId;
	return await axios.post(url, delivery.body, {
		headers,
		transformRequest: [(data: unknown) => data],
		validateStatus: () => true,
	});
}

/** A delivery as HeyGen sends it: a fresh body and its event id (also inside the body, for n8n's Webhook node). */
export function genuineDelivery(eventData: Record<string, unknown> = {}) {
	const eventId = `evt_${randomUUID().replace(/-/g, '')}`;
	const body = JSON.stringify({
		event_type: 'avatar_video.success',
		event_data: { video_id: randomUUID(), url: 'https://files.example/video.mp4', callback_id: null, event_id: eventId, ...eventData },
	});
	return { eventId, body };
}

export type EventIdOf = (execution: Execution) => unknown;

/** The event id the HeyGen Trigger put on an execution's item. */
export const triggerEventId: EventIdOf = (execution) => nodeOutput(execution, TRIGGER_NAME)[0]?.event_id;

export interface MarkerOptions {
	/** How to read an execution's event id (default: the HeyGen Trigger's item). */
	eventIdOf?: EventIdOf;
	/** Merged into the marker's event_data, e.g. a callback_id the trigger waits for. */
	eventData?: Record<string, unknown>;
}

/**
 * For negative checks without a fixed wait: sends a genuine marker delivery after the ones that
 * must not run, waits until the marker has run and no execution is still running, and returns
 * every execution of the workflow (newest first). Whatever was sent before the marker has started
 * its execution by then, or never will.
 */
export async function afterMarker(
	n8n: N8nClient,
	workflow: { id: string; url: string },
	secret: string,
	{ eventIdOf = triggerEventId, eventData }: MarkerOptions = {},
): Promise<Execution[]> {
	const marker = genuineDelivery(eventData);
	const answer = await deliver(workflow.url, { body: marker.body, secret, eventId: marker.eventId });
	if (answer.status !== 200) throw new Error(`the marker ${marker.eventId} was answered ${answer.status}: ${JSON.stringify(answer.data)}`);
	await waitFor(`the marker ${marker.eventId} to run`, async () => {
		// Executions come newest first; the marker was created last.
		const latest = (await n8n.api.get('/executions', { params: { workflowId: workflow.id, includeData: true, limit: 10 } })).data
			.data as Execution[];
		return latest.some((execution) => eventIdOf(execution) === marker.eventId && isDone(execution));
	}, 120_000);
	await waitFor('every execution to finish', async () => (await n8n.executions(workflow.id, false)).every(isDone), 60_000);
	return await n8n.executions(workflow.id);
}

/** How many executions each event id has. */
export function countByEvent(executions: Execution[], eventIdOf: EventIdOf = triggerEventId): Map<unknown, number> {
	const counts = new Map<unknown, number>();
	for (const execution of executions) {
		const id = eventIdOf(execution);
		counts.set(id, (counts.get(id) ?? 0) + 1);
	}
	return counts;
}

/** Waits for the execution of one event (whatever else the workflow runs) and returns it. */
export async function waitForEventExecution(n8n: N8nClient, workflowId: string, eventId: string): Promise<Execution> {
	return await waitFor(`the execution of ${eventId}`, async () =>
		(await n8n.executions(workflowId)).find((execution) => triggerEventId(execution) === eventId && isDone(execution)),
	);
}
