import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

// The type name is global in n8n: HeyGen's own package already uses `heyGenApi`.
export const HEYGEN_CREDENTIAL_TYPE = 'heyGenWebhooksApi';

export class HeyGenWebhooksApi implements ICredentialType {
	name = HEYGEN_CREDENTIAL_TYPE;

	displayName = 'HeyGen API';

	icon: Icon = { light: 'file:heygen.svg', dark: 'file:heygen.dark.svg' };

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

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/v3/users/me',
		},
		// n8n's request test reports only the HTTP status text; say what HeyGen's status means.
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: 'HeyGen rejected the API key (401 unauthorized). Check the API key, from Settings → API in HeyGen.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message: 'HeyGen accepted the API key but refused access (403 forbidden). Check the key\'s permissions.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message: 'No HeyGen API at this Base URL (404 on /v3/users/me). Leave it as https://api.heygen.com unless you use a sandbox.',
				},
			},
		],
	};
}
