import type { IDataObject } from 'n8n-workflow';

import type { WebhookEndpoint } from '../shared/webhookApi';

/**
 * What activation must do to reach exactly one HeyGen endpoint for the trigger's URL whose secret
 * the trigger holds: a pure plan from HeyGen's endpoint list, what the trigger stored, and what it
 * wants. `endpointLifecycle.ts` runs it.
 */

/** What the trigger keeps in its node static data. */
export interface RegisteredEndpoint extends IDataObject {
	endpointId?: string;
	/** The signing secret, sealed (see nodes/HeyGenTrigger/sealedSecret.ts): static data is readable through n8n's API. */
	sealedSecret?: string;
	url?: string;
	entityId?: string;
}

export interface DesiredEndpoint {
	url: string;
	/** `null` = every event type, so new HeyGen types still arrive. */
	events: string[] | null;
	entityId: string | undefined;
}

export type EndpointStep =
	/** Clear what is stored: the endpoint is gone, its secret does not open, or it was replaced. */
	| { step: 'forget'; reason: 'gone' | 'secretLost' | 'replaced' }
	/** Delete an endpoint on HeyGen ("already gone" counts as done). */
	| { step: 'delete'; endpointId: string; reason: 'disabled' | 'otherEntity' | 'duplicate' }
	/** Take an endpoint on our URL back by rotating its secret, and store id, new secret, URL and entity. */
	| { step: 'adopt'; endpointId: string; url: string; entityId: string | undefined; reason: 'orphan' | 'secretLost' }
	/** PATCH the kept endpoint, then store `url` as its URL. */
	| { step: 'patch'; endpointId: string; changes: { url?: string; events?: string[] | null }; url: string };

export interface EndpointPlan {
	steps: EndpointStep[];
	/** `keep`: the endpoint exists once the steps ran; `create`: n8n's create() must register one. */
	outcome: 'keep' | 'create';
}

export interface PlanInput {
	/** Every endpoint of the account, as HeyGen lists them. */
	endpoints: WebhookEndpoint[];
	stored: RegisteredEndpoint;
	/** Whether the stored secret opens with the credential's API key. */
	secretOpens: boolean;
	desired: DesiredEndpoint;
}

function sameEvents(a: string[] | null | undefined, b: string[] | null): boolean {
	if (a === null || a === undefined || b === null) return (a ?? null) === b;
	return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}

/** HeyGen's list does not document `entity_id`: trust it only when known either way. */
function entityMatches(endpoint: WebhookEndpoint, storedEntity: { id?: string }, desired: DesiredEndpoint): boolean {
	const known =
		endpoint.entity_id !== undefined
			? endpoint.entity_id ?? undefined
			: 'id' in storedEntity
				? storedEntity.id
				: desired.entityId === undefined
					? undefined
					: null; // unknown scoping of an endpoint we did not create: do not adopt it
	return known !== null && (known || undefined) === desired.entityId;
}

const storesSomething = (stored: RegisteredEndpoint) =>
	['endpointId', 'sealedSecret', 'url', 'entityId'].some((field) => stored[field] !== undefined);

export function planEndpoint({ endpoints, stored, secretOpens, desired }: PlanInput): EndpointPlan {
	const steps: EndpointStep[] = [];

	// Without a secret it can open (none stored, or the API key changed since it was sealed) a
	// stored endpoint is no use: it is then adopted like any orphan, by rotating its secret.
	const storedEndpoint = stored.endpointId
		? endpoints.find((endpoint) => endpoint.endpoint_id === stored.endpointId)
		: undefined;
	let mine = secretOpens ? storedEndpoint : undefined;
	if (!mine && storesSomething(stored)) {
		steps.push({ step: 'forget', reason: storedEndpoint ? 'secretLost' : 'gone' });
	}
	// The stored endpoint may point at an old URL (N8N_WEBHOOK_URL changed): it is still ours.
	const candidates = endpoints.filter(
		(endpoint) => endpoint.url === desired.url && endpoint.endpoint_id !== mine?.endpoint_id,
	);

	if (mine) {
		// Neither entity_id nor status can be changed by PATCH: start again with a fresh endpoint.
		const reason = mine.status === 'disabled' ? 'disabled' : !entityMatches(mine, { id: stored.entityId }, desired) ? 'otherEntity' : undefined;
		if (reason) {
			steps.push({ step: 'delete', endpointId: mine.endpoint_id, reason }, { step: 'forget', reason: 'replaced' });
			mine = undefined;
		}
	}
	if (!mine) {
		// Static data was lost (restart, crashed test listener) or its secret does not open: take
		// the endpoint on our URL back.
		mine = candidates.find((endpoint) => endpoint.status !== 'disabled' && entityMatches(endpoint, {}, desired));
		if (mine) {
			steps.push({
				step: 'adopt',
				endpointId: mine.endpoint_id,
				url: mine.url,
				entityId: desired.entityId,
				reason: mine.endpoint_id === storedEndpoint?.endpoint_id ? 'secretLost' : 'orphan',
			});
		}
	}

	// Never two endpoints for one node: every other endpoint on this URL goes.
	for (const other of candidates) {
		if (other.endpoint_id === mine?.endpoint_id) continue;
		const reason = other.status === 'disabled' ? 'disabled' : !entityMatches(other, {}, desired) ? 'otherEntity' : 'duplicate';
		steps.push({ step: 'delete', endpointId: other.endpoint_id, reason });
	}
	if (!mine) return { steps, outcome: 'create' };

	const changes: { url?: string; events?: string[] | null } = {};
	if (mine.url !== desired.url) changes.url = desired.url;
	if (!sameEvents(mine.events, desired.events)) changes.events = desired.events;
	if (Object.keys(changes).length > 0) {
		steps.push({ step: 'patch', endpointId: mine.endpoint_id, changes, url: desired.url });
	}
	return { steps, outcome: 'keep' };
}
