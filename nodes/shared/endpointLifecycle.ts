import { randomUUID } from 'crypto';
import { NodeOperationError, type IDataObject, type IHookFunctions } from 'n8n-workflow';

import { asNodeError, HeyGenApiError } from './transport';
import {
	createEndpoint,
	deleteEndpoint,
	listEndpoints,
	rotateEndpointSecret,
	updateEndpoint,
	type WebhookEndpoint,
} from './webhookApi';

/**
 * The trigger's endpoint lifecycle (n8n's `webhookMethods.default`). n8n may call these
 * repeatedly (activation retries, restarts, test listeners), so each one converges on the same
 * state: exactly one HeyGen endpoint for this node's URL, whose secret the node holds.
 */

/** What the trigger keeps in its node static data. */
export interface RegisteredEndpoint extends IDataObject {
	endpointId?: string;
	/** The signing secret, sealed (see nodes/HeyGenTrigger/sealedSecret.ts): static data is readable through n8n's API. */
	sealedSecret?: string;
	/** Versions before 0.2 kept the secret in plain text; read once, then sealed. */
	secret?: string;
	url?: string;
	entityId?: string;
}

/** How the lifecycle keeps a secret: sealed under the credential, and whether a stored one opens. */
export interface SecretKeeper {
	seal(secret: string): string;
	opens(registered: RegisteredEndpoint): boolean;
}

export interface DesiredEndpoint {
	url: string;
	/** `null` = every event type, so new HeyGen types still arrive. */
	events: string[] | null;
	entityId: string | undefined;
}

function sameEvents(a: string[] | null | undefined, b: string[] | null): boolean {
	if (a === null || a === undefined || b === null) return (a ?? null) === b;
	return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}

function forget(registered: RegisteredEndpoint): void {
	delete registered.endpointId;
	delete registered.sealedSecret;
	delete registered.secret;
	delete registered.url;
	delete registered.entityId;
}

/** HeyGen's list does not document `entity_id`: trust it only when known either way. */
function entityMatches(
	endpoint: WebhookEndpoint,
	registered: RegisteredEndpoint,
	desired: DesiredEndpoint,
): boolean {
	const known =
		endpoint.entity_id !== undefined
			? endpoint.entity_id ?? undefined
			: registered.endpointId === endpoint.endpoint_id
				? registered.entityId
				: desired.entityId === undefined
					? undefined
					: null; // unknown scoping of an endpoint we did not create: do not adopt it
	return known !== null && (known || undefined) === desired.entityId;
}

async function deleteIgnoringGone(this: IHookFunctions, endpointId: string): Promise<void> {
	try {
		await deleteEndpoint.call(this, endpointId);
	} catch (error) {
		if (error instanceof HeyGenApiError && error.statusCode === 404) return; // already gone
		throw asNodeError(this, error);
	}
}

/**
 * True only when HeyGen has an endpoint for `desired.url` whose secret is stored in
 * `registered`. Forgets a vanished endpoint, adopts an orphan (rotating its secret), brings its
 * events in line, and deletes duplicates.
 */
export async function checkEndpointExists(
	this: IHookFunctions,
	registered: RegisteredEndpoint,
	desired: DesiredEndpoint,
	keeper: SecretKeeper,
): Promise<boolean> {
	const endpoints = await listEndpoints.call(this);

	// Without a secret it can open (none stored, or the API key changed since it was sealed) a
	// stored endpoint is no use: it is then adopted like any orphan, by rotating its secret.
	let mine =
		registered.endpointId && keeper.opens(registered)
			? endpoints.find((endpoint) => endpoint.endpoint_id === registered.endpointId)
			: undefined;
	if (!mine) forget(registered);
	// The stored endpoint may point at an old URL (N8N_WEBHOOK_URL changed): it is still ours.
	const candidates = endpoints.filter(
		(endpoint) => endpoint.url === desired.url && endpoint.endpoint_id !== mine?.endpoint_id,
	);

	if (mine && (!entityMatches(mine, registered, desired) || mine.status === 'disabled')) {
		// Neither entity_id nor status can be changed by PATCH: start again with a fresh endpoint.
		await deleteIgnoringGone.call(this, mine.endpoint_id);
		forget(registered);
		mine = undefined;
	}
	if (!mine) {
		const orphan = candidates.find(
			(endpoint) => endpoint.status !== 'disabled' && entityMatches(endpoint, registered, desired),
		);
		if (orphan) {
			// Static data was lost (restart, crashed test listener): take the endpoint back.
			const rotated = await rotateEndpointSecret.call(this, orphan.endpoint_id, randomUUID());
			Object.assign(registered, {
				endpointId: orphan.endpoint_id,
				sealedSecret: keeper.seal(rotated.secret),
				url: orphan.url,
				entityId: desired.entityId,
			});
			mine = orphan;
		}
	}

	// Never two endpoints for one node: every other endpoint on this URL goes.
	for (const duplicate of candidates) {
		if (duplicate.endpoint_id !== mine?.endpoint_id) {
			await deleteIgnoringGone.call(this, duplicate.endpoint_id);
		}
	}
	if (!mine) return false;

	const changes: { url?: string; events?: string[] | null } = {};
	if (mine.url !== desired.url) changes.url = desired.url;
	if (!sameEvents(mine.events, desired.events)) changes.events = desired.events;
	if (Object.keys(changes).length > 0) {
		await updateEndpoint.call(this, mine.endpoint_id, changes);
		registered.url = desired.url;
	}
	return true;
}

/** Registers the endpoint. The idempotency key makes the client's own retries of this call safe. */
export async function createWebhookEndpoint(
	this: IHookFunctions,
	registered: RegisteredEndpoint,
	desired: DesiredEndpoint,
	keeper: SecretKeeper,
): Promise<void> {
	let endpoint: WebhookEndpoint;
	try {
		endpoint = await createEndpoint.call(this, {
			url: desired.url,
			events: desired.events,
			entityId: desired.entityId,
			idempotencyKey: randomUUID(),
		});
	} catch (error) {
		if (error instanceof HeyGenApiError && error.statusCode === 400) {
			error.description = `${urlRequirementHint(desired.url)} ${error.description ?? ''}`.trim();
		}
		throw asNodeError(this, error);
	}
	if (!endpoint?.endpoint_id || !endpoint.secret) {
		throw new NodeOperationError(
			this.getNode(),
			'HeyGen created the webhook endpoint but did not return its id and signing secret',
		);
	}
	delete registered.secret;
	Object.assign(registered, {
		endpointId: endpoint.endpoint_id,
		sealedSecret: keeper.seal(endpoint.secret),
		url: desired.url,
		entityId: desired.entityId,
	});
}

/** Deletes this node's endpoint; "already gone" counts as success. */
export async function deleteWebhookEndpoint(
	this: IHookFunctions,
	registered: RegisteredEndpoint,
	url: string,
): Promise<void> {
	if (registered.endpointId) {
		await deleteIgnoringGone.call(this, registered.endpointId);
	} else {
		// Nothing stored (a crashed listener, lost static data): remove whatever points here.
		const endpoints = await listEndpoints.call(this);
		for (const endpoint of endpoints.filter((candidate) => candidate.url === url)) {
			await deleteIgnoringGone.call(this, endpoint.endpoint_id);
		}
	}
	forget(registered);
}

const TRIGGER_URL_ADVICE =
	'Set N8N_WEBHOOK_URL to the public HTTPS address of your n8n (for example behind a reverse proxy or tunnel) and activate the workflow again.';

/** `advice` is the next step for the user; the trigger's (fix N8N_WEBHOOK_URL) by default. */
export function urlRequirementHint(url: string, advice = TRIGGER_URL_ADVICE): string {
	const https = url.startsWith('https://');
	return (
		`HeyGen refused the webhook URL ${url}. HeyGen only accepts a publicly reachable HTTPS URL ` +
		'that answers an OPTIONS request within 1 second' +
		(https ? '.' : ', and this one is not HTTPS.') +
		` ${advice}`
	);
}
