import { randomUUID } from 'crypto';
import { NodeOperationError, type IHookFunctions } from 'n8n-workflow';

import { planEndpoint, type DesiredEndpoint, type EndpointStep, type RegisteredEndpoint } from './endpointPlan';
import { explainRefusedUrl } from '../shared/refusedUrl';
import { asNodeError, HeyGenApiError } from '../shared/transport';
import {
	createEndpoint,
	deleteEndpoint,
	listEndpoints,
	rotateEndpointSecret,
	updateEndpoint,
	type WebhookEndpoint,
} from '../shared/webhookApi';

/** What the trigger tells a user whose webhook URL HeyGen refused. */
export const TRIGGER_URL_ADVICE =
	'Set N8N_WEBHOOK_URL to the public HTTPS address of your n8n (for example behind a reverse proxy or tunnel) and activate the workflow again.';

/**
 * The trigger's endpoint lifecycle (n8n's `webhookMethods.default`). n8n may call these
 * repeatedly (activation retries, restarts, test listeners), so each one converges on the same
 * state: exactly one HeyGen endpoint for this node's URL, whose secret the node holds.
 */

/** How the lifecycle keeps a secret: sealed under the credential, and whether a stored one opens. */
export interface SecretKeeper {
	seal(secret: string): string;
	opens(registered: RegisteredEndpoint): boolean;
}

/** Without the secret the trigger could verify nothing: activation fails rather than half-works. */
function noSecret(context: IHookFunctions, what: string): NodeOperationError {
	return new NodeOperationError(context.getNode(), `HeyGen ${what}`);
}

function forget(registered: RegisteredEndpoint): void {
	delete registered.endpointId;
	delete registered.sealedSecret;
	delete registered.url;
	delete registered.entityId;
}

async function deleteIgnoringGone(this: IHookFunctions, endpointId: string): Promise<void> {
	try {
		await deleteEndpoint.call(this, endpointId);
	} catch (error) {
		if (error instanceof HeyGenApiError && error.statusCode === 404) return; // already gone
		throw asNodeError(this, error);
	}
}

/** Runs a plan's steps in order against HeyGen, keeping `registered` in step with them. */
async function applyEndpointPlan(
	this: IHookFunctions,
	steps: EndpointStep[],
	registered: RegisteredEndpoint,
	keeper: SecretKeeper,
): Promise<void> {
	for (const step of steps) {
		switch (step.step) {
			case 'forget':
				forget(registered);
				break;
			case 'delete':
				await deleteIgnoringGone.call(this, step.endpointId);
				break;
			case 'adopt': {
				const rotated = await rotateEndpointSecret.call(this, step.endpointId, randomUUID());
				if (!rotated?.secret) throw noSecret(this, 'rotated the secret of the webhook endpoint but did not return it');
				Object.assign(registered, {
					endpointId: step.endpointId,
					sealedSecret: keeper.seal(rotated.secret),
					url: step.url,
					entityId: step.entityId,
				});
				break;
			}
			case 'patch':
				await updateEndpoint.call(this, step.endpointId, step.changes);
				registered.url = step.url;
				break;
		}
	}
}

/**
 * True only when HeyGen has an endpoint for `desired.url` whose secret is stored in
 * `registered`, after running the plan that gets there (see endpointPlan.ts).
 */
export async function checkEndpointExists(
	this: IHookFunctions,
	registered: RegisteredEndpoint,
	desired: DesiredEndpoint,
	keeper: SecretKeeper,
): Promise<boolean> {
	const endpoints = await listEndpoints.call(this);
	const secretOpens = Boolean(registered.endpointId) && keeper.opens(registered);
	const plan = planEndpoint({ endpoints, stored: registered, secretOpens, desired });
	await applyEndpointPlan.call(this, plan.steps, registered, keeper);
	return plan.outcome === 'keep';
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
		explainRefusedUrl(error, desired.url, TRIGGER_URL_ADVICE);
		throw asNodeError(this, error);
	}
	if (!endpoint?.endpoint_id || !endpoint.secret) {
		throw noSecret(this, 'created the webhook endpoint but did not return its id and signing secret');
	}
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
