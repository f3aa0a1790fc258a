import { HEYGEN_CREDENTIAL_TYPE } from '../../../credentials/HeyGenWebhooksApi.credentials';
import { HEYGEN_PARTNER_APP_CREDENTIAL_TYPE } from '../../../credentials/HeyGenWebhooksOAuth2Api.credentials';
import { credentialTypeOf } from '../../../nodes/shared/authentication';

describe('Authentication parameter', () => {
	it('chooses the credential type; a workflow saved without the parameter keeps the API key', () => {
		const execute = (value: unknown) =>
			({ getInputData: () => [], getNodeParameter: (_n: string, _i: number, fallback: unknown) => value ?? fallback }) as never;
		expect(credentialTypeOf(execute(undefined))).toBe(HEYGEN_CREDENTIAL_TYPE);
		expect(credentialTypeOf(execute('apiKey'))).toBe(HEYGEN_CREDENTIAL_TYPE);
		expect(credentialTypeOf(execute('oAuth2'))).toBe(HEYGEN_PARTNER_APP_CREDENTIAL_TYPE);
		const hook = { getNodeParameter: (_n: string, fallback: unknown) => fallback } as never;
		expect(credentialTypeOf(hook)).toBe(HEYGEN_CREDENTIAL_TYPE);
		// A dropdown in the editor reads the form as it is, before it is saved.
		const loadOptions = {
			getCurrentNodeParameter: () => 'oAuth2',
			getNodeParameter: (_n: string, fallback: unknown) => fallback,
		} as never;
		expect(credentialTypeOf(loadOptions)).toBe(HEYGEN_PARTNER_APP_CREDENTIAL_TYPE);
	});
});
