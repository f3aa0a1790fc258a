import type {
	IExecuteFunctions,
	IHookFunctions,
	ILoadOptionsFunctions,
	INodeCredentialDescription,
	INodeProperties,
	IWebhookFunctions,
} from 'n8n-workflow';

import { HEYGEN_CREDENTIAL_TYPE } from '../../credentials/HeyGenWebhooksApi.credentials';
import { HEYGEN_PARTNER_APP_CREDENTIAL_TYPE } from '../../credentials/HeyGenWebhooksOAuth2Api.credentials';

/**
 * Which credential a node uses: the "Authentication" parameter both nodes carry. Its default is
 * the API key, so workflows saved before OAuth2 existed (without the parameter) keep working.
 */

export type HeyGenAuthentication = 'apiKey' | 'oAuth2';

type AnyContext = IExecuteFunctions | IHookFunctions | ILoadOptionsFunctions | IWebhookFunctions;

export const authenticationProperty: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	noDataExpression: true,
	options: [
		{ name: 'API Key', value: 'apiKey' },
		{ name: 'OAuth2', value: 'oAuth2' },
	],
	default: 'apiKey',
};

/**
 * The API-key and OAuth2 credentials. `notFor`: parameter values for which the node calls no HeyGen
 * API (so it asks for neither), such as the action node's Verify.
 */
export function nodeCredentials(testedBy?: string, notFor: Record<string, string[]> = {}): INodeCredentialDescription[] {
	return [
		{
			name: HEYGEN_CREDENTIAL_TYPE,
			required: true,
			...(testedBy ? { testedBy } : {}),
			// Hidden only for OAuth2: parameters sent without "authentication" (saved before it
			// existed, or a dropdown request that omits defaults) still resolve the API key.
			displayOptions: { hide: { authentication: ['oAuth2'], ...notFor } },
		},
		{
			name: HEYGEN_PARTNER_APP_CREDENTIAL_TYPE,
			required: true,
			displayOptions: { show: { authentication: ['oAuth2'] }, hide: notFor },
		},
	];
}

function readAuthentication(context: AnyContext): unknown {
	// A dropdown being filled in the editor sees the form as it is now, not as last saved.
	if ('getCurrentNodeParameter' in context) {
		const current = context.getCurrentNodeParameter('authentication');
		if (current !== undefined) return current;
	}
	if ('getInputData' in context) return context.getNodeParameter('authentication', 0, 'apiKey');
	return (context as IHookFunctions).getNodeParameter('authentication', 'apiKey');
}

export function authenticationOf(context: AnyContext): HeyGenAuthentication {
	if (typeof context.getNodeParameter !== 'function') return 'apiKey';
	return readAuthentication(context) === 'oAuth2' ? 'oAuth2' : 'apiKey';
}

export function credentialTypeOf(context: AnyContext): string {
	return authenticationOf(context) === 'oAuth2' ? HEYGEN_PARTNER_APP_CREDENTIAL_TYPE : HEYGEN_CREDENTIAL_TYPE;
}
