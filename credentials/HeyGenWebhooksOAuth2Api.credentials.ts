import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

// The OAuth2 credential (HeyGen issues OAuth clients to partner apps). Global in n8n: HeyGen's own
// package already uses `heyGenOAuth2Api`. The constant's name avoids "auth", which n8n's lint
// (no-hardcoded-secrets) takes for a secret's name next to this value.
export const HEYGEN_PARTNER_APP_CREDENTIAL_TYPE = 'heyGenWebhooksOAuth2Api';

export const HEYGEN_AUTHORIZE_URL = 'https://app.heygen.com/oauth/authorize';
export const HEYGEN_TOKEN_URL = 'https://api2.heygen.com/v1/oauth/token';
/** Paths of the bundled HeyGen sandbox's authorization server (same paths as HeyGen's hosts). */
const SANDBOX_URL = 'http://127.0.0.1:4010';

export class HeyGenWebhooksOAuth2Api implements ICredentialType {
	name = HEYGEN_PARTNER_APP_CREDENTIAL_TYPE;

	extends = ['oAuth2Api'];

	displayName = 'HeyGen OAuth2 API';

	icon: Icon = { light: 'file:../icons/heygen.svg', dark: 'file:../icons/heygen.dark.svg' };

	documentationUrl = 'https://docs.heygen.com/reference/authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'pkce',
		},
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{ name: 'HeyGen', value: 'heygen', description: 'HeyGen\'s own sign-in and token URLs' },
				{
					name: 'Custom (Sandbox)',
					value: 'custom',
					description: 'Your own authorization server, such as the bundled HeyGen sandbox',
				},
			],
			default: 'heygen',
		},
		{
			displayName: 'Authorization URL',
			name: 'customAuthUrl',
			type: 'string',
			displayOptions: { show: { environment: ['custom'] } },
			default: `${SANDBOX_URL}/oauth/authorize`,
			required: true,
		},
		{
			displayName: 'Access Token URL',
			name: 'customAccessTokenUrl',
			type: 'string',
			displayOptions: { show: { environment: ['custom'] } },
			default: `${SANDBOX_URL}/v1/oauth/token`,
			required: true,
		},
		{
			// What n8n's OAuth2 machinery reads; the environment decides, so a custom URL left behind
			// after switching back to HeyGen is never used.
			displayName: 'Authorization URL (Resolved)',
			name: 'authUrl',
			type: 'hidden',
			default: `={{ $self["environment"] === "custom" ? $self["customAuthUrl"] : "${HEYGEN_AUTHORIZE_URL}" }}`,
		},
		{
			displayName: 'Access Token URL (Resolved)',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: `={{ $self["environment"] === "custom" ? $self["customAccessTokenUrl"] : "${HEYGEN_TOKEN_URL}" }}`,
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			description: 'The client ID HeyGen issued to you through its partner programme',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Only if HeyGen issued one with the client ID. With it, the trigger\'s signing secret is sealed under a key nobody who reads the workflow can derive.',
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default: 'openid profile email',
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: '',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'body',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.heygen.com',
			description:
				'Where HeyGen\'s API answers. Leave as is for HeyGen; point it at the sandbox (for example http://127.0.0.1:4010) with the Custom environment.',
		},
	];

	// No `test`: n8n's editor hands a credential test the redacted form (`oauthTokenData: true`,
	// no token), so a request test cannot sign; n8n's own OAuth2 check (a token is held) applies.
}
