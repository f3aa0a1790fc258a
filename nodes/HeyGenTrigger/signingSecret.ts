import type { IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

import { authenticationOf, credentialTypeOf } from '../shared/authentication';
import type { SecretKeeper } from '../shared/endpointLifecycle';
import type { RegisteredEndpoint } from '../shared/endpointPlan';
import { openSecret, sealSecret } from './sealedSecret';

/**
 * Where the trigger gets its signing secret: sealed in static data under the credential's API
 * key, or, with OAuth2, under its client ID and client secret (access and refresh tokens rotate;
 * the client does not, and n8n keeps the secret encrypted like an API key). Opening it needs the credential, which n8n reads from its database and decrypts, so an
 * opened secret is kept in process memory by the sealed text it came from: after the first
 * delivery neither genuine nor forged deliveries read the credential again.
 */

type TriggerContext = IHookFunctions | IWebhookFunctions;

/** What seals a secret to one trigger: a copy pasted into another workflow does not open. */
function binding(this: TriggerContext): string {
	return `${this.getWorkflow().id ?? ''}:${this.getNode().name}`;
}

/** What the sealing key is derived from: stable for as long as the credential is the same. */
async function apiKey(this: TriggerContext): Promise<string> {
	const credentials = await this.getCredentials<{ apiKey?: string; clientId?: string; clientSecret?: string }>(
		credentialTypeOf(this),
	);
	if (authenticationOf(this) === 'oAuth2') {
		return oAuth2KeyMaterial(String(credentials.clientId ?? ''), String(credentials.clientSecret ?? ''));
	}
	return String(credentials.apiKey ?? '');
}

/** Prefixed, so an API key can never equal an OAuth2 client's key material. */
export function oAuth2KeyMaterial(clientId: string, clientSecret: string): string {
	return `oauth2\n${clientId}\n${clientSecret}`;
}

/** scope → the sealed text last opened and what it held. One entry per trigger. */
const opened = new Map<string, { sealed: string; secret: string }>();

/** The lifecycle's keeper for this trigger; also moves a plain-text secret of 0.1 into a sealed one. */
export async function secretKeeper(this: IHookFunctions): Promise<SecretKeeper> {
	const key = await apiKey.call(this);
	const boundTo = binding.call(this);
	return {
		seal: (secret) => sealSecret(secret, key, boundTo),
		opens: (registered: RegisteredEndpoint) => {
			if (registered.sealedSecret) return openSecret(registered.sealedSecret, key, boundTo) !== undefined;
			if (!registered.secret) return false;
			registered.sealedSecret = sealSecret(registered.secret, key, boundTo);
			delete registered.secret;
			return true;
		},
	};
}

export type SigningSecret =
	| { state: 'open'; secret: string }
	/** Nothing registered: every delivery fails verification (401). */
	| { state: 'none' }
	/** Sealed under an API key the credential no longer has: re-activation fixes it. */
	| { state: 'unopenable' };

export async function signingSecret(
	this: IWebhookFunctions,
	registered: RegisteredEndpoint,
	scope: string,
): Promise<SigningSecret> {
	const sealed = registered.sealedSecret;
	if (!sealed) return registered.secret ? { state: 'open', secret: registered.secret } : { state: 'none' };
	const cached = opened.get(scope);
	if (cached?.sealed === sealed) return { state: 'open', secret: cached.secret };
	const secret = openSecret(sealed, await apiKey.call(this), binding.call(this));
	if (secret === undefined) return { state: 'unopenable' };
	opened.set(scope, { sealed, secret });
	return { state: 'open', secret };
}

/** A plain-text secret left by version 0.1 is sealed by the first delivery that verifies with it. */
export async function sealLegacySecret(this: IWebhookFunctions, registered: RegisteredEndpoint): Promise<void> {
	if (registered.sealedSecret || !registered.secret) return;
	registered.sealedSecret = sealSecret(registered.secret, await apiKey.call(this), binding.call(this));
	delete registered.secret;
}
