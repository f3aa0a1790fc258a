import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { eventTypeDisplayName } from '../../shared/eventCatalogue';
import { listEndpoints, type WebhookEndpoint } from '../../shared/webhookApi';

/** `https://… · Avatar Video Success, Avatar Video Fail · ep_123`: what tells two endpoints apart. */
function endpointLabel(endpoint: WebhookEndpoint): string {
	const events = endpoint.events ? endpoint.events.map(eventTypeDisplayName).join(', ') : 'All events';
	return `${endpoint.url} · ${events} · ${endpoint.endpoint_id}`;
}

/** "From List" for the Webhook Endpoint locator: the account's endpoints, filtered by the search text. */
export async function searchWebhookEndpoints(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const endpoints = await listEndpoints.call(this);
	const search = filter?.trim().toLowerCase();
	// The search matches the label and HeyGen's raw event ids, so "avatar_video.fail" finds too.
	const matches = (endpoint: WebhookEndpoint) =>
		!search ||
		[endpointLabel(endpoint), ...(endpoint.events ?? [])].some((text) => text.toLowerCase().includes(search));
	const results = endpoints
		.filter(matches)
		.map((endpoint) => ({ name: endpointLabel(endpoint), value: endpoint.endpoint_id }));
	return { results };
}
