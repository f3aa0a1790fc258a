import {
	HEYGEN_AUTHORIZE_URL,
	HEYGEN_TOKEN_URL,
	HeyGenWebhooksOAuth2Api,
} from '../../../credentials/HeyGenWebhooksOAuth2Api.credentials';

describe('OAuth2 credential', () => {
	const credential = new HeyGenWebhooksOAuth2Api();
	const property = (name: string) => credential.properties.find((p) => p.name === name);

	it('extends n8n\'s OAuth2 with PKCE, HeyGen\'s scopes and body authentication, under a name of its own', () => {
		expect(credential.name).toBe('heyGenWebhooksOAuth2Api');
		expect(credential.name).not.toBe('heyGenOAuth2Api');
		expect(credential.extends).toEqual(['oAuth2Api']);
		expect(property('grantType')).toMatchObject({ type: 'hidden', default: 'pkce' });
		expect(property('scope')).toMatchObject({ type: 'hidden', default: 'openid profile email' });
		expect(property('authentication')).toMatchObject({ type: 'hidden', default: 'body' });
		expect(property('clientSecret')?.required).toBeFalsy();
		expect(property('baseUrl')?.default).toBe('https://api.heygen.com');
	});

	it('uses HeyGen\'s URLs unless the environment is Custom', () => {
		expect(property('environment')?.default).toBe('heygen');
		for (const [name, heygen, custom] of [
			['authUrl', HEYGEN_AUTHORIZE_URL, 'customAuthUrl'],
			['accessTokenUrl', HEYGEN_TOKEN_URL, 'customAccessTokenUrl'],
		]) {
			const expression = String(property(name)?.default);
			expect(expression).toContain(heygen);
			expect(expression).toContain(`$self["${custom}"]`);
			expect(property(custom)?.displayOptions).toEqual({ show: { environment: ['custom'] } });
		}
	});

	it('leaves the Test to n8n\'s OAuth2 check: a request test would get the redacted form, without a token', () => {
		expect((credential as { test?: unknown }).test).toBeUndefined();
	});
});
