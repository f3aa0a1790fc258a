import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { listEndpoints, type WebhookEndpoint } from '../shared/webhookApi';

function endpointLabel(endpoint: WebhookEndpoint): string {
	const events = endpoint.events === null || endpoint.events === undefined ? 'all events' : endpoint.events.join(', ');
	return `${endpoint.url} (${events})`;
}

/** "From List" for the Webhook Endpoint locator: the account's endpoints, filtered by the search text. */
export async function searchWebhookEndpoints(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const endpoints = await listEndpoints.call(this);
	const search = filter?.trim().toLowerCase();
	const results = endpoints
		.map((endpoint) => ({ name: endpointLabel(endpoint), value: endpoint.endpoint_id }))
		.filter(
			(result) =>
				!search || result.name.toLowerCase().includes(search) || result.value.toLowerCase().includes(search),
		);
	return { results };
}
