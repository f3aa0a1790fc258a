import type { IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

import { authenticationOf, credentialTypeOf } from '../shared/authentication';
import type { SecretKeeper } from './endpointLifecycle';
import type { RegisteredEndpoint } from './endpointPlan';
import { openSecret, sealSecret } from './sealedSecret';

/**
 * Where the trigger gets its signing secret: sealed in static data under the credential's API
 * key, or, with OAuth2, under its client ID and client secret (access and refresh tokens rotate;
 * the client does not, and n8n keeps the secret encrypted like an API key). Opening it needs the
 * credential, which n8n reads from its database and decrypts, so the outcome is kept in process
 * memory by the sealed text it came from: an opened secret for good, a seal that does not open
 * for a minute, so that neither genuine nor forged deliveries read the credential each time.
 */

type TriggerContext = IHookFunctions | IWebhookFunctions;

/** How long a seal that did not open is believed not to open (and how often that is logged). */
export const UNOPENABLE_RECHECK_SECONDS = 60;

/** What seals a secret to one trigger: a copy pasted into another workflow does not open. */
function binding(this: TriggerContext): string {
	return `${this.getWorkflow().id ?? ''}:${this.getNode().name}`;
}

/** What the sealing key is derived from: stable for as long as the credential is the same. */
async function sealingKeyMaterial(this: TriggerContext): Promise<string> {
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

/** The lifecycle's keeper for this trigger: seals new secrets, and says whether a stored one opens. */
export async function secretKeeper(this: IHookFunctions): Promise<SecretKeeper> {
	const keyMaterial = await sealingKeyMaterial.call(this);
	const boundTo = binding.call(this);
	return {
		seal: (secret) => sealSecret(secret, keyMaterial, boundTo),
		opens: (registered: RegisteredEndpoint) =>
			registered.sealedSecret !== undefined && openSecret(registered.sealedSecret, keyMaterial, boundTo) !== undefined,
	};
}

export type SigningSecret =
	| { state: 'open'; secret: string }
	/** Nothing stored yet (activation is still saving it): answered 503, HeyGen retries. */
	| { state: 'none' }
	/** Sealed under an API key the credential no longer has: re-activation fixes it. */
	| { state: 'unopenable' };

/** scope → the sealed text last tried, and what it held (or when it failed to open). */
const opened = new Map<string, { sealed: string; secret: string } | { sealed: string; failedAt: number }>();

/**
 * The trigger's signing secret for one delivery. `onUnopenable` runs when a seal is found not to
 * open, at most once per UNOPENABLE_RECHECK_SECONDS per trigger.
 */
export async function signingSecret(
	this: IWebhookFunctions,
	registered: RegisteredEndpoint,
	scope: string,
	now: number,
	onUnopenable: () => void,
): Promise<SigningSecret> {
	const sealed = registered.sealedSecret;
	if (!sealed) return { state: 'none' };
	const cached = opened.get(scope);
	if (cached?.sealed === sealed) {
		if ('secret' in cached) return { state: 'open', secret: cached.secret };
		if (now - cached.failedAt < UNOPENABLE_RECHECK_SECONDS) return { state: 'unopenable' };
	}
	const secret = openSecret(sealed, await sealingKeyMaterial.call(this), binding.call(this));
	if (secret === undefined) {
		opened.set(scope, { sealed, failedAt: now });
		onUnopenable();
		return { state: 'unopenable' };
	}
	opened.set(scope, { sealed, secret });
	return { state: 'open', secret };
}

/** A new registration or a deactivation: what this process opened for the trigger no longer applies. */
export function forgetOpenedSecret(scope: string): void {
	opened.delete(scope);
}
