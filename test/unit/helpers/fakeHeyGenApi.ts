import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import type { FakeResponse } from './fakeExecuteFunctions';

/**
 * An in-memory HeyGen v3 webhook API for unit tests: the `{data}` envelope, cursor pages
 * (`has_more`/`next_token`), the 404/400 error shapes. The full simulator lives in test/sandbox.
 */
export interface FakeEndpoint {
	endpoint_id: string;
	url: string;
	events: string[] | null;
	status: string;
	created_at: string;
	secret: string;
	entity_id?: string | null;
}

const error = (statusCode: number, code: string, message: string, param?: string): FakeResponse => ({
	statusCode,
	body: { error: { code, message, param, doc_url: 'https://docs.heygen.com/reference/errors' } },
});

export class FakeHeyGenApi {
	endpoints: FakeEndpoint[] = [];
	events: IDataObject[] = [];
	eventTypes = [
		{ event_type: 'avatar_video.success', description: 'Video ready' },
		{ event_type: 'avatar_video.fail', description: 'Video failed' },
	];
	private sequence = 0;

	addEndpoint(fields: Partial<FakeEndpoint> = {}): FakeEndpoint {
		this.sequence++;
		const endpoint: FakeEndpoint = {
			endpoint_id: `ep_${this.sequence}`,
			url: `https://hooks.example.com/${this.sequence}`,
			events: null,
			status: 'enabled',
			created_at: '2026-01-01T00:00:00Z',
			secret: `whsec_${this.sequence}`,
			...fields,
		};
		this.endpoints.push(endpoint);
		return endpoint;
	}

	private page<T>(list: T[], qs: IDataObject): FakeResponse {
		const limit = qs.limit === undefined ? 10 : Number(qs.limit);
		if (!(limit >= 1 && limit <= 100)) return error(400, 'invalid_parameter', 'bad limit', 'limit');
		const start = qs.token === undefined ? 0 : Number(String(qs.token).replace('cursor_', ''));
		const data = list.slice(start, start + limit);
		const hasMore = start + limit < list.length;
		return {
			statusCode: 200,
			body: { data, has_more: hasMore, next_token: hasMore ? `cursor_${start + limit}` : null },
		};
	}

	readonly respond = (request: IHttpRequestOptions): FakeResponse => {
		const path = request.url.replace('http://heygen.test', '');
		const qs = (request.qs ?? {}) as IDataObject;
		const body = (request.body ?? {}) as IDataObject;
		const match = /^\/v3\/webhooks\/endpoints\/([^/]+)(\/rotate-secret)?$/.exec(path);

		if (path === '/v3/webhooks/endpoints' && request.method === 'GET') {
			return this.page(
				this.endpoints.map((endpoint) => ({ ...endpoint, secret: null })),
				qs,
			);
		}
		if (path === '/v3/webhooks/endpoints' && request.method === 'POST') {
			if (!String(body.url).startsWith('https://')) {
				return error(400, 'invalid_parameter', 'url must be a public HTTPS URL', 'url');
			}
			const endpoint = this.addEndpoint({
				url: body.url as string,
				events: (body.events as string[] | null) ?? null,
				entity_id: (body.entity_id as string | undefined) ?? null,
			});
			return { statusCode: 200, body: { data: endpoint } };
		}
		if (match) {
			const endpoint = this.endpoints.find((candidate) => candidate.endpoint_id === decodeURIComponent(match[1]));
			if (!endpoint) return error(404, 'not_found', 'Webhook endpoint not found');
			if (match[2] && request.method === 'POST') {
				endpoint.secret = `whsec_rotated_${endpoint.endpoint_id}`;
				return { statusCode: 200, body: { data: { endpoint_id: endpoint.endpoint_id, secret: endpoint.secret } } };
			}
			if (request.method === 'PATCH') {
				if (body.url !== undefined) endpoint.url = body.url as string;
				if (body.events !== undefined) endpoint.events = body.events as string[] | null;
				return { statusCode: 200, body: { data: { ...endpoint, secret: null } } };
			}
			if (request.method === 'DELETE') {
				this.endpoints = this.endpoints.filter((candidate) => candidate !== endpoint);
				return { statusCode: 200, body: { data: {}, error: null } };
			}
		}
		if (path === '/v3/webhooks/event-types') {
			return { statusCode: 200, body: { data: this.eventTypes, has_more: false, next_token: null } };
		}
		if (path === '/v3/webhooks/events') {
			const events = this.events.filter(
				(event) =>
					(qs.event_type === undefined || event.event_type === qs.event_type) &&
					(qs.entity_id === undefined || event.entity_id === qs.entity_id),
			);
			return this.page(events, qs);
		}
		return error(404, 'not_found', `No route ${request.method} ${path}`);
	};
}
