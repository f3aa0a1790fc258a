import type { IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

import { HEYGEN_CREDENTIAL_TYPE } from '../../../credentials/HeyGenWebhooksApi.credentials';
import { HEYGEN_PARTNER_APP_CREDENTIAL_TYPE } from '../../../credentials/HeyGenWebhooksOAuth2Api.credentials';
import {
	forgetOpenedSecret,
	secretKeeper,
	signingSecret,
	UNOPENABLE_RECHECK_SECONDS,
} from '../../../nodes/HeyGenTrigger/signingSecret';

const NOW = 1_767_225_600;

/** The part of n8n's hook and webhook contexts the signing secret reads, counting credential reads. */
function triggerContext(credential: Record<string, unknown>, workflowId: string, authentication = 'apiKey') {
	const reads: string[] = [];
	const context = {
		getNode: () => ({ id: 'n1', name: 'HeyGen Trigger', type: 'x.heyGenTrigger', typeVersion: 2, position: [0, 0], parameters: {} }),
		getWorkflow: () => ({ id: workflowId, name: 'w' }),
		getNodeParameter: (name: string, fallback: unknown) => (name === 'authentication' ? authentication : fallback),
		getCredentials: async (type: string) => {
			reads.push(type);
			return credential;
		},
	};
	return { context, reads };
}

const hook = (context: unknown) => context as IHookFunctions;
const webhook = (context: unknown) => context as IWebhookFunctions;
const ignore = () => {};

describe('signingSecret', () => {
	it('has nothing to open before activation stored a sealed secret', async () => {
		const { context, reads } = triggerContext({ apiKey: 'key-1' }, 'wf-none');
		expect(await signingSecret.call(webhook(context), {}, 'scope-none', NOW, ignore)).toEqual({ state: 'none' });
		expect(reads).toEqual([]);
	});

	it('reads the credential once per sealed secret, then answers from memory', async () => {
		const { context, reads } = triggerContext({ apiKey: 'key-1' }, 'wf-cache');
		const registered = { sealedSecret: (await secretKeeper.call(hook(context))).seal('whsec_cached') };
		reads.length = 0;
		for (let i = 0; i < 5; i++) {
			expect(await signingSecret.call(webhook(context), registered, 'scope-cache', NOW + i, ignore)).toEqual({ state: 'open', secret: 'whsec_cached' });
		}
		expect(reads).toEqual([HEYGEN_CREDENTIAL_TYPE]);
	});

	describe('a seal the credential no longer opens (the API key changed)', () => {
		async function unopenable(scope: string) {
			const before = triggerContext({ apiKey: 'key-before' }, 'wf-changed');
			const registered = { sealedSecret: (await secretKeeper.call(hook(before.context))).seal('whsec_x') };
			const after = triggerContext({ apiKey: 'key-after' }, 'wf-changed');
			const logged: number[] = [];
			const ask = async (now: number) =>
				await signingSecret.call(webhook(after.context), registered, scope, now, () => logged.push(now));
			return { ask, reads: after.reads, logged };
		}

		it(`is tried once per ${UNOPENABLE_RECHECK_SECONDS} s, however many deliveries ask, and said once per try`, async () => {
			const { ask, reads, logged } = await unopenable('scope-flood');
			for (let i = 0; i < 100; i++) expect(await ask(NOW + (i % UNOPENABLE_RECHECK_SECONDS))).toEqual({ state: 'unopenable' });
			expect(reads).toHaveLength(1);
			expect(logged).toEqual([NOW]);
			expect(await ask(NOW + UNOPENABLE_RECHECK_SECONDS)).toEqual({ state: 'unopenable' });
			expect(reads).toHaveLength(2);
			expect(logged).toEqual([NOW, NOW + UNOPENABLE_RECHECK_SECONDS]);
		});

		it('opens again at the next try once the old key is back in the credential', async () => {
			const before = triggerContext({ apiKey: 'key-before' }, 'wf-restored');
			const registered = { sealedSecret: (await secretKeeper.call(hook(before.context))).seal('whsec_back') };
			const wrong = triggerContext({ apiKey: 'key-wrong' }, 'wf-restored');
			expect(await signingSecret.call(webhook(wrong.context), registered, 'scope-restored', NOW, ignore)).toEqual({ state: 'unopenable' });
			expect(await signingSecret.call(webhook(before.context), registered, 'scope-restored', NOW + UNOPENABLE_RECHECK_SECONDS, ignore)).toEqual({
				state: 'open',
				secret: 'whsec_back',
			});
		});

		it('a new registration (another sealed secret) is tried at once', async () => {
			const { ask, reads } = await unopenable('scope-new');
			await ask(NOW);
			const after = triggerContext({ apiKey: 'key-after' }, 'wf-changed');
			const resealed = { sealedSecret: (await secretKeeper.call(hook(after.context))).seal('whsec_new') };
			expect(await signingSecret.call(webhook(after.context), resealed, 'scope-new', NOW + 1, ignore)).toEqual({ state: 'open', secret: 'whsec_new' });
			expect(reads).toHaveLength(1);
		});

		it('forgetOpenedSecret drops what this process knew of a trigger', async () => {
			const { ask, reads } = await unopenable('scope-forget');
			await ask(NOW);
			forgetOpenedSecret('scope-forget');
			await ask(NOW + 1);
			expect(reads).toHaveLength(2);
		});
	});
});

describe('signing secret with OAuth2', () => {
	const client = { clientId: 'client-1', clientSecret: 'client-secret-1' };
	const oAuth2 = (credential: Record<string, unknown>, workflowId: string) => {
		const { context, reads } = triggerContext(credential, workflowId, 'oAuth2');
		return { context, reads };
	};

	it('is sealed under the client, so refreshed tokens still open it', async () => {
		const before = oAuth2({ ...client, oauthTokenData: { access_token: 'a1', refresh_token: 'r1' } }, 'wf-oauth-1');
		const registered = { sealedSecret: (await secretKeeper.call(hook(before.context))).seal('whsec_abc') };
		const after = oAuth2({ ...client, oauthTokenData: { access_token: 'a2', refresh_token: 'r2' } }, 'wf-oauth-1');
		expect(await signingSecret.call(webhook(after.context), registered, 'scope-1', NOW, ignore)).toEqual({ state: 'open', secret: 'whsec_abc' });
		expect(after.reads).toEqual([HEYGEN_PARTNER_APP_CREDENTIAL_TYPE]);
	});

	it('does not open once the client secret (or client) changed, nor with an API key equal to the client id', async () => {
		const sealing = oAuth2(client, 'wf-oauth-2');
		const registered = { sealedSecret: (await secretKeeper.call(hook(sealing.context))).seal('whsec_abc') };
		const changed = oAuth2({ ...client, clientSecret: 'other' }, 'wf-oauth-2');
		expect(await signingSecret.call(webhook(changed.context), registered, 'scope-2', NOW, ignore)).toEqual({ state: 'unopenable' });
		const otherClient = oAuth2({ ...client, clientId: 'client-2' }, 'wf-oauth-2');
		expect(await signingSecret.call(webhook(otherClient.context), registered, 'scope-3', NOW, ignore)).toEqual({ state: 'unopenable' });
		const apiKey = triggerContext({ apiKey: client.clientId }, 'wf-oauth-2');
		expect(await signingSecret.call(webhook(apiKey.context), registered, 'scope-4', NOW, ignore)).toEqual({ state: 'unopenable' });
	});
});

describe('secretKeeper', () => {
	it('a stored secret opens only when sealed (no plain-text secret is trusted)', async () => {
		const { context } = triggerContext({ apiKey: 'key-1' }, 'wf-keeper');
		const keeper = await secretKeeper.call(hook(context));
		expect(keeper.opens({ sealedSecret: keeper.seal('whsec_1') })).toBe(true);
		expect(keeper.opens({ secret: 'whsec_planted' } as never)).toBe(false);
		expect(keeper.opens({})).toBe(false);
	});

	it('a secret sealed for one workflow does not open in another', async () => {
		const one = await secretKeeper.call(hook(triggerContext({ apiKey: 'key-1' }, 'wf-a').context));
		const other = await secretKeeper.call(hook(triggerContext({ apiKey: 'key-1' }, 'wf-b').context));
		expect(other.opens({ sealedSecret: one.seal('whsec_1') })).toBe(false);
	});
});
