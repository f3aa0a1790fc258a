import axios from 'axios';
import type { IHookFunctions, IHttpRequestOptions, INode } from 'n8n-workflow';

import { HEYGEN_CREDENTIAL_TYPE } from '../../../credentials/HeyGenWebhooksApi.credentials';
import {
	checkEndpointExists,
	createWebhookEndpoint,
	deleteWebhookEndpoint,
	type SecretKeeper,
} from '../../../nodes/HeyGenTrigger/endpointLifecycle';
import type { DesiredEndpoint, RegisteredEndpoint } from '../../../nodes/HeyGenTrigger/endpointPlan';
import { HeyGenApiError } from '../../../nodes/shared/transport';
import { HeyGenSandbox } from '../../../dev/heygen-sandbox/server';
import { startReceiver, type Receiver } from '../../support/receiver';

/**
 * The trigger's endpoint lifecycle against the real local HeyGen simulator: real HTTP, real
 * OPTIONS probes, real cursor pagination, real Idempotency-Key handling.
 */

const API_KEY = 'sk_sandbox_lifecycle_0123456789';
const NODE: INode = {
	id: 'trigger-1',
	name: 'HeyGen Trigger',
	type: 'n8n-nodes-heygen-webhooks.heyGenTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** n8n's webhook listener as HeyGen's OPTIONS probe sees it: answers OPTIONS with `optionsStatus`, anything else 200. */
const listener = (optionsStatus: number) => startReceiver((request) => ({ status: request.method === 'OPTIONS' ? optionsStatus : 200 }));

let sandbox: HeyGenSandbox;
let receiver: Receiver;
let refusing: Receiver;

beforeAll(async () => {
	sandbox = await HeyGenSandbox.start({ apiKeys: [API_KEY], retryScheduleMs: [50] });
	receiver = await listener(204);
	refusing = await listener(405);
});

afterAll(async () => {
	await Promise.all([sandbox?.stop(), receiver?.close(), refusing?.close()]);
});

beforeEach(() => sandbox.reset());

/** Every request the node sent through n8n's helper (as built by the node, before the key is added). */
let sent: IHttpRequestOptions[] = [];
beforeEach(() => {
	sent = [];
});

/** A fake IHookFunctions whose authenticated requests really go to the sandbox. */
function hookContext(options: { listWithoutEntityId?: boolean } = {}): IHookFunctions {
	const requestOptions = options;
	const context = {
		getNode: () => NODE,
		getCredentials: async (type: string) => {
			expect(type).toBe(HEYGEN_CREDENTIAL_TYPE);
			return { apiKey: API_KEY, baseUrl: sandbox.url };
		},
		helpers: {
			async httpRequestWithAuthentication(credentialType: string, options: IHttpRequestOptions) {
				sent.push(JSON.parse(JSON.stringify(options)));
				const credentials = await context.getCredentials(credentialType);
				const response = await axios.request({
					method: options.method ?? 'GET',
					url: options.url,
					params: options.qs,
					data: options.body,
					headers: { ...(options.headers as Record<string, string>), 'X-Api-Key': credentials.apiKey },
					validateStatus: () => true,
				});
				const body = response.data as { data?: unknown };
				// HeyGen does not document entity_id in list answers: simulate a list without it.
				if (requestOptions.listWithoutEntityId && options.method === 'GET' && Array.isArray(body?.data)) {
					for (const endpoint of body.data as Array<Record<string, unknown>>) delete endpoint.entity_id;
				}
				return {
					statusCode: response.status,
					headers: { ...(response.headers as Record<string, string>) },
					body,
				};
			},
		},
	};
	return context as unknown as IHookFunctions;
}

/** Direct API access for arranging scenes (creating "other" endpoints, deleting behind the node's back). */
const api = axios.create({ validateStatus: () => true, headers: { 'X-Api-Key': API_KEY } });
async function apiCreate(url: string, events: string[] | null = null, entityId?: string) {
	const response = await api.post(`${sandbox.url}/v3/webhooks/endpoints`, { url, events, entity_id: entityId });
	expect(response.status).toBe(200);
	return response.data.data as { endpoint_id: string; secret: string };
}
async function apiDelete(endpointId: string) {
	expect((await api.delete(`${sandbox.url}/v3/webhooks/endpoints/${endpointId}`)).status).toBe(200);
}

let hookCounter = 0;
/** The node's webhook URL, as n8n would build it: <base>/webhook/<webhookId>/<path>. */
const hookUrl = (server: Receiver = receiver) => `${server.base}/webhook/${++hookCounter}-4f1d/heygen`;

const desiredFor = (url: string, events: string[] | null = ['avatar_video.success', 'avatar_video.fail'], entityId?: string): DesiredEndpoint => ({
	url,
	events,
	entityId,
});

/** Seals as-is, so tests compare with the sandbox's secret; the trigger's keeper encrypts. */
const keeper: SecretKeeper = { seal: (secret) => secret, opens: (registered) => Boolean(registered.sealedSecret) };
const checkExists = (context: IHookFunctions, registered: RegisteredEndpoint, desired: DesiredEndpoint) =>
	checkEndpointExists.call(context, registered, desired, keeper);
const create = (context: IHookFunctions, registered: RegisteredEndpoint, desired: DesiredEndpoint) =>
	createWebhookEndpoint.call(context, registered, desired, keeper);
const endpointsOn = (url: string) => sandbox.listEndpoints().filter((endpoint) => endpoint.url === url);
const mutatingCalls = () => sandbox.calls().filter((call) => call.method !== 'GET');

describe('createWebhookEndpoint', () => {
	it('registers one endpoint with url, events and entity_id, and stores its id and secret', async () => {
		const url = hookUrl();
		const registered: RegisteredEndpoint = {};
		await create(hookContext(), registered, desiredFor(url, ['avatar_video.success'], 'ent_42'));

		const endpoints = sandbox.listEndpoints();
		expect(endpoints).toHaveLength(1);
		expect(endpoints[0]).toMatchObject({ url, events: ['avatar_video.success'], entity_id: 'ent_42', status: 'enabled' });
		expect(registered).toEqual({
			endpointId: endpoints[0].endpoint_id,
			sealedSecret: endpoints[0].secret,
			url,
			entityId: 'ent_42',
		});
		expect(registered.sealedSecret).toMatch(/^whsec_/);
		// The sandbox probed the receiver, and the create carried an Idempotency-Key.
		expect(sandbox.probes()).toEqual([expect.objectContaining({ ok: true, status: 204 })]);
		const [post] = sandbox.calls({ method: 'POST', path: '/v3/webhooks/endpoints' });
		expect(post.idempotency_key).toEqual(expect.any(String));
		expect(post.body).toEqual({ url, events: ['avatar_video.success'], entity_id: 'ent_42' });
	});

	it('registers events: null (all events) and no entity_id when none is chosen', async () => {
		const url = hookUrl();
		await create(hookContext(), {}, desiredFor(url, null));
		expect(sandbox.listEndpoints()).toEqual([expect.objectContaining({ url, events: null, entity_id: null })]);
		expect(sandbox.calls({ method: 'POST' })[0].body).toEqual({ url, events: null });
	});

	it('explains a refused URL (receiver not answering OPTIONS): HTTPS, OPTIONS, N8N_WEBHOOK_URL', async () => {
		const url = hookUrl(refusing);
		const registered: RegisteredEndpoint = {};
		const error = await create(hookContext(), registered, desiredFor(url)).then(
			() => undefined,
			(caught: unknown) => caught as HeyGenApiError,
		);
		expect(error).toBeInstanceOf(HeyGenApiError);
		expect(error?.statusCode).toBe(400);
		expect(error?.message).toMatch(/could not be validated/i);
		expect(error?.description).toContain('HTTPS');
		expect(error?.description).toContain('OPTIONS');
		expect(error?.description).toContain('N8N_WEBHOOK_URL');
		expect(error?.description).toContain(url);
		expect(error?.description).toContain('not HTTPS');
		expect(error?.description).toContain('parameter: url');
		expect(sandbox.listEndpoints()).toHaveLength(0);
		expect(registered).toEqual({});
		// A 400 is not retried.
		expect(sandbox.calls({ method: 'POST' })).toHaveLength(1);
	});

	it('a 500 on the first attempt is retried with the same Idempotency-Key: exactly one endpoint', async () => {
		sandbox.injectFault({ method: 'POST', path: '/v3/webhooks/endpoints', mode: 'status', status: 500, count: 1 });
		const url = hookUrl();
		const registered: RegisteredEndpoint = {};
		await create(hookContext(), registered, desiredFor(url));

		expect(sandbox.listEndpoints()).toHaveLength(1);
		expect(registered.endpointId).toBe(sandbox.listEndpoints()[0].endpoint_id);
		expect(registered.sealedSecret).toBe(sandbox.listEndpoints()[0].secret);
		const posts = sandbox.calls({ method: 'POST', path: '/v3/webhooks/endpoints' });
		expect(posts.map((call) => call.status)).toEqual([500, 200]);
		// The sandbox records no key for a faulted call (the fault fires first): look at what was sent.
		const sentKeys = sent
			.filter((options) => options.method === 'POST')
			.map((options) => (options.headers as Record<string, string>)['Idempotency-Key']);
		expect(sentKeys).toHaveLength(2);
		expect(sentKeys[0]).toEqual(expect.any(String));
		expect(sentKeys[1]).toBe(sentKeys[0]);
		expect(posts[1].idempotency_key).toBe(sentKeys[0]);
	});

	it('a fresh call uses a fresh Idempotency-Key (n8n retrying activation creates anew)', async () => {
		const first = hookUrl();
		const second = hookUrl();
		await create(hookContext(), {}, desiredFor(first));
		await create(hookContext(), {}, desiredFor(second));
		const keys = sandbox.calls({ method: 'POST', path: '/v3/webhooks/endpoints' }).map((call) => call.idempotency_key);
		expect(new Set(keys).size).toBe(2);
		expect(sandbox.listEndpoints()).toHaveLength(2);
	});
});

describe('checkEndpointExists', () => {
	it('is true right after create, and changes nothing', async () => {
		const url = hookUrl();
		const registered: RegisteredEndpoint = {};
		const desired = desiredFor(url);
		await create(hookContext(), registered, desired);
		const before = { ...registered };
		const mutationsBefore = mutatingCalls().length;

		expect(await checkExists(hookContext(), registered, desired)).toBe(true);
		expect(registered).toEqual(before);
		expect(mutatingCalls()).toHaveLength(mutationsBefore);
		expect(sandbox.listEndpoints()).toHaveLength(1);
	});

	it('is true after a restart (static data saved as JSON and loaded again)', async () => {
		const url = hookUrl();
		const registered: RegisteredEndpoint = {};
		await create(hookContext(), registered, desiredFor(url));
		const reloaded = JSON.parse(JSON.stringify(registered)) as RegisteredEndpoint;
		expect(await checkExists(hookContext(), reloaded, desiredFor(url))).toBe(true);
		expect(reloaded).toEqual(registered);
	});

	it('with empty static data, adopts the endpoint on its URL by rotating its secret', async () => {
		const url = hookUrl();
		const original = await apiCreate(url, ['avatar_video.success', 'avatar_video.fail']);
		const registered: RegisteredEndpoint = {};

		expect(await checkExists(hookContext(), registered, desiredFor(url))).toBe(true);

		const [endpoint] = sandbox.listEndpoints();
		expect(sandbox.listEndpoints()).toHaveLength(1);
		expect(endpoint.endpoint_id).toBe(original.endpoint_id);
		expect(endpoint.secret).not.toBe(original.secret); // rotated: the old one is dead
		expect(registered).toEqual({ endpointId: original.endpoint_id, sealedSecret: endpoint.secret, url, entityId: undefined });
		const rotations = sandbox.calls({ method: 'POST', path: `/v3/webhooks/endpoints/${original.endpoint_id}/rotate-secret` });
		expect(rotations).toHaveLength(1);
		expect(rotations[0].idempotency_key).toEqual(expect.any(String));
	});

	it('with empty static data and nothing on its URL, is false and changes nothing', async () => {
		await apiCreate(hookUrl());
		const registered: RegisteredEndpoint = {};
		expect(await checkExists(hookContext(), registered, desiredFor(hookUrl()))).toBe(false);
		expect(registered).toEqual({});
		expect(sandbox.listEndpoints()).toHaveLength(1);
	});

	it('with 25 other endpoints in the account, finds its own and leaves the others alone', async () => {
		for (let i = 0; i < 25; i++) await apiCreate(hookUrl(), null);
		const url = hookUrl();
		const registered: RegisteredEndpoint = {};
		await create(hookContext(), registered, desiredFor(url));
		const others = sandbox.listEndpoints().filter((endpoint) => endpoint.url !== url);

		expect(await checkExists(hookContext(), registered, desiredFor(url))).toBe(true);
		expect(await checkExists(hookContext(), {}, desiredFor(url))).toBe(true); // adoption path too
		expect(sandbox.listEndpoints()).toHaveLength(26);
		expect(sandbox.listEndpoints().filter((endpoint) => endpoint.url !== url)).toEqual(others);
	});

	it('finds its endpoint on a later page of the list (more than 100 endpoints)', async () => {
		for (let i = 0; i < 105; i++) await apiCreate(hookUrl(), null);
		const url = hookUrl();
		const created = await apiCreate(url, ['avatar_video.success', 'avatar_video.fail']); // 106th: on page 2
		const registered: RegisteredEndpoint = {};

		expect(await checkExists(hookContext(), registered, desiredFor(url))).toBe(true);
		expect(registered.endpointId).toBe(created.endpoint_id);
		const lists = sandbox.calls({ method: 'GET', path: '/v3/webhooks/endpoints' });
		expect(lists.length).toBeGreaterThanOrEqual(2);
		expect(lists.every((call) => Number(call.query.limit) <= 100)).toBe(true);
		expect(lists.some((call) => call.query.token !== undefined)).toBe(true);
		expect(sandbox.listEndpoints()).toHaveLength(106);
	});

	it('brings changed events in line with a PATCH that replaces the list', async () => {
		const url = hookUrl();
		const registered: RegisteredEndpoint = {};
		await create(hookContext(), registered, desiredFor(url, ['avatar_video.success', 'avatar_video.fail']));

		expect(await checkExists(hookContext(), registered, desiredFor(url, ['video_translate.success']))).toBe(true);
		expect(sandbox.listEndpoints()[0].events).toEqual(['video_translate.success']);
		const patches = sandbox.calls({ method: 'PATCH' });
		expect(patches).toHaveLength(1);
		expect(patches[0].body).toEqual({ events: ['video_translate.success'] });

		// To "all events" (null) and back.
		expect(await checkExists(hookContext(), registered, desiredFor(url, null))).toBe(true);
		expect(sandbox.listEndpoints()[0].events).toBeNull();
		expect(sandbox.calls({ method: 'PATCH' })[1].body).toEqual({ events: null });
		// The secret did not change through any of this.
		expect(registered.sealedSecret).toBe(sandbox.listEndpoints()[0].secret);
	});

	it('does not PATCH when only the order of events differs', async () => {
		const url = hookUrl();
		const registered: RegisteredEndpoint = {};
		await create(hookContext(), registered, desiredFor(url, ['avatar_video.success', 'avatar_video.fail']));
		expect(await checkExists(hookContext(), registered, desiredFor(url, ['avatar_video.fail', 'avatar_video.success']))).toBe(true);
		expect(sandbox.calls({ method: 'PATCH' })).toHaveLength(0);
	});

	it('moves its endpoint to a new URL (N8N_WEBHOOK_URL changed) with a PATCH, keeping the secret', async () => {
		const oldUrl = hookUrl();
		const registered: RegisteredEndpoint = {};
		await create(hookContext(), registered, desiredFor(oldUrl));
		const secret = registered.sealedSecret;
		const newUrl = hookUrl();

		expect(await checkExists(hookContext(), registered, desiredFor(newUrl))).toBe(true);
		expect(sandbox.listEndpoints()).toEqual([expect.objectContaining({ url: newUrl, secret })]);
		expect(registered).toMatchObject({ url: newUrl, sealedSecret: secret });
		expect(sandbox.calls({ method: 'PATCH' })[0].body).toEqual({ url: newUrl });
	});

	it('forgets an endpoint deleted behind its back and answers false', async () => {
		const url = hookUrl();
		const registered: RegisteredEndpoint = {};
		await create(hookContext(), registered, desiredFor(url));
		await apiDelete(registered.endpointId!);

		expect(await checkExists(hookContext(), registered, desiredFor(url))).toBe(false);
		expect(registered).toEqual({});
		expect(sandbox.listEndpoints()).toHaveLength(0);
	});

	it('leaves exactly one of two endpoints on the same URL (the stored one)', async () => {
		const url = hookUrl();
		const registered: RegisteredEndpoint = {};
		await create(hookContext(), registered, desiredFor(url));
		await apiCreate(url, ['avatar_video.success', 'avatar_video.fail']);
		expect(endpointsOn(url)).toHaveLength(2);

		expect(await checkExists(hookContext(), registered, desiredFor(url))).toBe(true);
		expect(endpointsOn(url)).toEqual([expect.objectContaining({ endpoint_id: registered.endpointId, secret: registered.sealedSecret })]);
	});

	it('leaves exactly one of two endpoints on the same URL when nothing is stored (adopt one, delete the other)', async () => {
		const url = hookUrl();
		await apiCreate(url);
		await apiCreate(url);
		const registered: RegisteredEndpoint = {};

		expect(await checkExists(hookContext(), registered, desiredFor(url))).toBe(true);
		const left = endpointsOn(url);
		expect(left).toHaveLength(1);
		expect(registered).toMatchObject({ endpointId: left[0].endpoint_id, sealedSecret: left[0].secret });
	});

	it('re-adopts by rotating when the stored secret no longer opens (the API key changed)', async () => {
		const url = hookUrl();
		const registered: RegisteredEndpoint = {};
		await create(hookContext(), registered, desiredFor(url));
		const id = registered.endpointId;
		const before = sandbox.listEndpoints()[0].secret;
		const changedKey: SecretKeeper = { seal: (secret) => `new:${secret}`, opens: (stored) => String(stored.sealedSecret).startsWith('new:') };

		expect(await checkEndpointExists.call(hookContext(), registered, desiredFor(url), changedKey)).toBe(true);
		const after = sandbox.listEndpoints()[0].secret;
		expect(after).not.toBe(before);
		expect(registered).toMatchObject({ endpointId: id, sealedSecret: `new:${after}` });
		expect(endpointsOn(url)).toHaveLength(1);
	});

	it('re-adopts when the id is stored but the secret is lost', async () => {
		const url = hookUrl();
		const registered: RegisteredEndpoint = {};
		await create(hookContext(), registered, desiredFor(url));
		const id = registered.endpointId;
		delete registered.sealedSecret;

		expect(await checkExists(hookContext(), registered, desiredFor(url))).toBe(true);
		expect(registered.endpointId).toBe(id);
		expect(registered.sealedSecret).toBe(sandbox.listEndpoints()[0].secret);
	});

	it('replaces its endpoint when the entity changed (entity_id cannot be PATCHed)', async () => {
		const url = hookUrl();
		const registered: RegisteredEndpoint = {};
		await create(hookContext(), registered, desiredFor(url, null, 'ent_a'));

		expect(await checkExists(hookContext(), registered, desiredFor(url, null, 'ent_b'))).toBe(false);
		expect(registered).toEqual({});
		expect(sandbox.listEndpoints()).toHaveLength(0);
		// n8n then calls create().
		await create(hookContext(), registered, desiredFor(url, null, 'ent_b'));
		expect(sandbox.listEndpoints()).toEqual([expect.objectContaining({ url, entity_id: 'ent_b' })]);
	});

	it('replaces its endpoint when HeyGen disabled it (status cannot be PATCHed)', async () => {
		const url = hookUrl();
		const registered: RegisteredEndpoint = {};
		await create(hookContext(), registered, desiredFor(url));
		sandbox.setEndpointStatus(registered.endpointId!, 'disabled');

		expect(await checkExists(hookContext(), registered, desiredFor(url))).toBe(false);
		expect(registered).toEqual({});
		expect(sandbox.listEndpoints()).toHaveLength(0);
		expect(sandbox.calls({ method: 'POST' }).filter((call) => call.path.endsWith('/rotate-secret'))).toHaveLength(0);
	});

	it('does not adopt a disabled endpoint on its URL (it deletes it instead)', async () => {
		const url = hookUrl();
		const disabled = await apiCreate(url);
		sandbox.setEndpointStatus(disabled.endpoint_id, 'disabled');
		const registered: RegisteredEndpoint = {};

		expect(await checkExists(hookContext(), registered, desiredFor(url))).toBe(false);
		expect(registered).toEqual({});
		expect(endpointsOn(url)).toHaveLength(0);
	});

	it('does not adopt an endpoint on its URL scoped to another entity (it deletes it instead)', async () => {
		const url = hookUrl();
		await apiCreate(url, null, 'ent_other');
		const registered: RegisteredEndpoint = {};
		expect(await checkExists(hookContext(), registered, desiredFor(url, null, 'ent_mine'))).toBe(false);
		expect(registered).toEqual({});
		expect(endpointsOn(url)).toHaveLength(0);
	});

	it('converges: repeated checkExists/create cycles (activation retries, restarts) never make a second endpoint', async () => {
		const url = hookUrl();
		const context = hookContext();
		for (let round = 0; round < 3; round++) {
			const registered: RegisteredEndpoint = {}; // test mode: static data starts empty every time
			if (!(await checkExists(context, registered, desiredFor(url)))) {
				await create(context, registered, desiredFor(url));
			}
			expect(endpointsOn(url)).toHaveLength(1);
			expect(registered.sealedSecret).toBe(endpointsOn(url)[0].secret);
		}
		expect(sandbox.calls({ method: 'POST', path: '/v3/webhooks/endpoints' })).toHaveLength(1);
	});
});

describe('checkEndpointExists when the list does not show entity_id (undocumented field)', () => {
	const blind = () => hookContext({ listWithoutEntityId: true });

	it('keeps its own entity-scoped endpoint, known from static data', async () => {
		const url = hookUrl();
		const registered: RegisteredEndpoint = {};
		await create(blind(), registered, desiredFor(url, null, 'ent_1'));
		expect(await checkExists(blind(), registered, desiredFor(url, null, 'ent_1'))).toBe(true);
		expect(mutatingCalls().filter((call) => call.method !== 'POST' || call.path !== '/v3/webhooks/endpoints')).toHaveLength(0);
	});

	it('replaces its endpoint when the entity changed', async () => {
		const url = hookUrl();
		const registered: RegisteredEndpoint = {};
		await create(blind(), registered, desiredFor(url, null, 'ent_1'));
		expect(await checkExists(blind(), registered, desiredFor(url, null, 'ent_2'))).toBe(false);
		expect(sandbox.listEndpoints()).toHaveLength(0);
	});

	it('with lost static data and an entity wanted, does not adopt an endpoint of unknown scope: deletes it, then create makes one', async () => {
		const url = hookUrl();
		await apiCreate(url, null, 'ent_1');
		const registered: RegisteredEndpoint = {};
		expect(await checkExists(blind(), registered, desiredFor(url, null, 'ent_1'))).toBe(false);
		expect(endpointsOn(url)).toHaveLength(0);
		await create(blind(), registered, desiredFor(url, null, 'ent_1'));
		expect(endpointsOn(url)).toEqual([expect.objectContaining({ entity_id: 'ent_1', secret: registered.sealedSecret })]);
	});

	it('with lost static data and no entity wanted, adopts the endpoint on its URL', async () => {
		const url = hookUrl();
		const created = await apiCreate(url, null);
		const registered: RegisteredEndpoint = {};
		expect(await checkExists(blind(), registered, desiredFor(url, null))).toBe(true);
		expect(registered.endpointId).toBe(created.endpoint_id);
		expect(registered.sealedSecret).toBe(endpointsOn(url)[0].secret);
	});
});

describe('deleteWebhookEndpoint', () => {
	it('deletes the stored endpoint and clears static data', async () => {
		const url = hookUrl();
		const other = await apiCreate(hookUrl());
		const registered: RegisteredEndpoint = {};
		await create(hookContext(), registered, desiredFor(url));

		await deleteWebhookEndpoint.call(hookContext(), registered, url);
		expect(registered).toEqual({});
		expect(sandbox.listEndpoints().map((endpoint) => endpoint.endpoint_id)).toEqual([other.endpoint_id]);
	});

	it('succeeds when the endpoint is already gone (404)', async () => {
		const url = hookUrl();
		const registered: RegisteredEndpoint = {};
		await create(hookContext(), registered, desiredFor(url));
		const stale = { ...registered };
		await deleteWebhookEndpoint.call(hookContext(), registered, url);

		await expect(deleteWebhookEndpoint.call(hookContext(), stale, url)).resolves.toBeUndefined();
		expect(stale).toEqual({});
		const deletes = sandbox.calls({ method: 'DELETE' });
		expect(deletes.map((call) => call.status)).toEqual([200, 404]);
	});

	it('with nothing stored, removes every endpoint on its URL and nothing else', async () => {
		const url = hookUrl();
		await apiCreate(url);
		await apiCreate(url);
		const other = await apiCreate(hookUrl());

		await deleteWebhookEndpoint.call(hookContext(), {}, url);
		expect(endpointsOn(url)).toHaveLength(0);
		expect(sandbox.listEndpoints().map((endpoint) => endpoint.endpoint_id)).toEqual([other.endpoint_id]);
	});

	it('with nothing stored and nothing on the URL, does nothing', async () => {
		await apiCreate(hookUrl());
		await deleteWebhookEndpoint.call(hookContext(), {}, hookUrl());
		expect(sandbox.listEndpoints()).toHaveLength(1);
		expect(sandbox.calls({ method: 'DELETE' })).toHaveLength(0);
	});

	it('retries a DELETE that got a 500 and still succeeds', async () => {
		const url = hookUrl();
		const registered: RegisteredEndpoint = {};
		await create(hookContext(), registered, desiredFor(url));
		sandbox.injectFault({ method: 'DELETE', path: '/v3/webhooks/endpoints/*', status: 500, count: 1 });

		await deleteWebhookEndpoint.call(hookContext(), registered, url);
		expect(sandbox.listEndpoints()).toHaveLength(0);
		expect(sandbox.calls({ method: 'DELETE' }).map((call) => call.status)).toEqual([500, 200]);
	});

	it('rethrows errors other than 404 (and keeps what it stored)', async () => {
		const url = hookUrl();
		const registered: RegisteredEndpoint = {};
		await create(hookContext(), registered, desiredFor(url));
		const before = { ...registered };
		sandbox.injectFault({ method: 'DELETE', path: '/v3/webhooks/endpoints/*', status: 403, count: 1 });

		await expect(deleteWebhookEndpoint.call(hookContext(), registered, url)).rejects.toMatchObject({ statusCode: 403 });
		expect(registered).toEqual(before);
		expect(sandbox.listEndpoints()).toHaveLength(1);
	});
});

describe('errors and odd answers', () => {
	it('a 429 on the list is retried after Retry-After', async () => {
		const url = hookUrl();
		const registered: RegisteredEndpoint = {};
		await create(hookContext(), registered, desiredFor(url));
		sandbox.injectFault({ method: 'GET', path: '/v3/webhooks/endpoints', status: 429, retryAfter: 0, count: 1 });

		expect(await checkExists(hookContext(), registered, desiredFor(url))).toBe(true);
		expect(sandbox.calls({ method: 'GET', path: '/v3/webhooks/endpoints' }).map((call) => call.status)).toEqual([429, 200]);
	});

	it('a create rejected for another reason (401) is not dressed up with the URL hint', async () => {
		sandbox.injectFault({ method: 'POST', path: '/v3/webhooks/endpoints', status: 401, count: 1 });
		const error = await create(hookContext(), {}, desiredFor(hookUrl())).then(
			() => undefined,
			(caught: unknown) => caught as HeyGenApiError,
		);
		expect(error).toBeInstanceOf(HeyGenApiError);
		expect(error?.statusCode).toBe(401);
		expect(error?.description).toContain('API key');
		expect(error?.description).not.toContain('N8N_WEBHOOK_URL');
		expect(JSON.stringify(error)).not.toContain(API_KEY);
		expect(error?.description ?? '').not.toContain(API_KEY);
	});

	it('a create answer without id and secret is an error, and nothing is stored', async () => {
		const context = {
			getNode: () => NODE,
			getCredentials: async () => ({ apiKey: API_KEY, baseUrl: 'http://heygen.invalid' }),
			helpers: {
				httpRequestWithAuthentication: async () => ({
					statusCode: 200,
					headers: {},
					body: { data: { endpoint_id: 'ep_1', url: 'https://x', events: null, secret: null } },
				}),
			},
		} as unknown as IHookFunctions;
		const registered: RegisteredEndpoint = {};
		await expect(create(context, registered, desiredFor('https://x'))).rejects.toThrow(
			/did not return its id and signing secret/,
		);
		expect(registered).toEqual({});
	});
});
