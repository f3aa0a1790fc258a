import type { IDataObject } from 'n8n-workflow';

import type { HeyGenEventType } from './eventCatalogue';
import { idPath } from './heyGenId';
import { heyGenApiRequest, heyGenApiRequestAllItems, type HeyGenContext } from './transport';

/** HeyGen's v3 webhook resources, typed, in HeyGen's words. Both nodes call these. */

export interface WebhookEndpoint {
	endpoint_id: string;
	url: string;
	/** `null` means every event type, including ones HeyGen adds later. */
	events: string[] | null;
	status?: string;
	created_at?: string;
	/** Only in the answers to create and rotate-secret; `null` in lists. */
	secret?: string | null;
	/** Not in HeyGen's documented response schema; read when present. */
	entity_id?: string | null;
	[key: string]: unknown;
}

export interface WebhookEvent {
	event_id: string;
	event_type: string;
	event_data: IDataObject;
	created_at: string;
}

export interface CreateEndpointInput {
	url: string;
	events: string[] | null;
	entityId?: string;
	idempotencyKey?: string;
	itemIndex?: number;
}

const ENDPOINTS_PATH = '/v3/webhooks/endpoints';

const endpointPath = (endpointId: string) => idPath(ENDPOINTS_PATH, endpointId, 'webhook endpoint');

export async function createEndpoint(
	this: HeyGenContext,
	input: CreateEndpointInput,
): Promise<WebhookEndpoint> {
	const body: IDataObject = { url: input.url, events: input.events };
	if (input.entityId) body.entity_id = input.entityId;
	const page = await heyGenApiRequest.call(this, {
		method: 'POST',
		path: ENDPOINTS_PATH,
		body,
		idempotencyKey: input.idempotencyKey,
		itemIndex: input.itemIndex,
	});
	return page.data as WebhookEndpoint;
}

export async function listEndpoints(
	this: HeyGenContext,
	limit?: number,
	itemIndex?: number,
): Promise<WebhookEndpoint[]> {
	return (await heyGenApiRequestAllItems.call(this, { path: ENDPOINTS_PATH, itemIndex }, limit)) as WebhookEndpoint[];
}

/** HeyGen has no GET by id: look the endpoint up in the (paged) list. */
export async function findEndpoint(
	this: HeyGenContext,
	endpointId: string,
	itemIndex?: number,
): Promise<WebhookEndpoint | undefined> {
	const endpoints = await listEndpoints.call(this, undefined, itemIndex);
	return endpoints.find((endpoint) => endpoint.endpoint_id === endpointId);
}

export async function updateEndpoint(
	this: HeyGenContext,
	endpointId: string,
	changes: { url?: string; events?: string[] | null },
	itemIndex?: number,
): Promise<WebhookEndpoint> {
	const page = await heyGenApiRequest.call(this, {
		method: 'PATCH',
		path: endpointPath(endpointId),
		body: changes as IDataObject,
		itemIndex,
	});
	return page.data as WebhookEndpoint;
}

export async function deleteEndpoint(
	this: HeyGenContext,
	endpointId: string,
	itemIndex?: number,
): Promise<void> {
	await heyGenApiRequest.call(this, { method: 'DELETE', path: endpointPath(endpointId), itemIndex });
}

export async function rotateEndpointSecret(
	this: HeyGenContext,
	endpointId: string,
	idempotencyKey?: string,
	itemIndex?: number,
): Promise<{ endpoint_id: string; secret: string }> {
	const page = await heyGenApiRequest.call(this, {
		method: 'POST',
		path: `${endpointPath(endpointId)}/rotate-secret`,
		idempotencyKey,
		itemIndex,
	});
	return page.data as { endpoint_id: string; secret: string };
}

export async function listEventTypes(this: HeyGenContext, itemIndex?: number): Promise<HeyGenEventType[]> {
	return (await heyGenApiRequestAllItems.call(
		this,
		{ path: '/v3/webhooks/event-types', itemIndex },
		undefined,
		false,
	)) as HeyGenEventType[];
}

export async function listEvents(
	this: HeyGenContext,
	filters: { eventType?: string; entityId?: string },
	limit?: number,
	itemIndex?: number,
): Promise<WebhookEvent[]> {
	const qs: IDataObject = {};
	if (filters.eventType) qs.event_type = filters.eventType;
	if (filters.entityId) qs.entity_id = filters.entityId;
	return (await heyGenApiRequestAllItems.call(this, { path: '/v3/webhooks/events', qs, itemIndex }, limit)) as WebhookEvent[];
}
