import axios from 'axios';
import { randomUUID } from 'crypto';

import { HeyGenSandbox, signBody } from '../heygen-sandbox/server';
import type { EndpointRecord } from '../heygen-sandbox/types';
import { CREDENTIAL_TYPE, TRIGGER_TYPE, waitFor, type N8nClient, type WorkflowInput } from './n8n';

/** Helpers that join the sandbox and n8n: trigger workflows, endpoint waits, hand-made deliveries. */

export const TRIGGER_NAME = 'HeyGen Trigger';

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
