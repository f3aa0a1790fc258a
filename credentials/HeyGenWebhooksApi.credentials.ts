import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

// The type name is global in n8n: HeyGen's own package already uses `heyGenApi`.
export const HEYGEN_CREDENTIAL_TYPE = 'heyGenWebhooksApi';

export class HeyGenWebhooksApi implements ICredentialType {
	name = HEYGEN_CREDENTIAL_TYPE;

	displayName = 'HeyGen API';

	icon: Icon = { light: 'file:../icons/heygen.svg', dark: 'file:../icons/heygen.dark.svg' };

	documentationUrl = 'https://docs.heygen.com/reference/authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your HeyGen API key, from Settings → API in the HeyGen app',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.heygen.com',
			description:
				'Leave as is for HeyGen. Point it at a local HeyGen sandbox (for example http://127.0.0.1:4010) to try workflows without spending credits.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'X-Api-Key': '={{$credentials.apiKey}}',
			},
		},
	};

	// The Test button runs `testHeyGenCredential` (nodes/HeyGen/credentialTest.ts), named by the
	// HeyGen node's `testedBy`: a request test cannot demand HeyGen's user object. n8n prefers a
	// `test` here over `testedBy`, so there is none.
}
