import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { HeyGen } from '../../../nodes/HeyGen/HeyGen.node';
import codex from '../../../nodes/HeyGen/HeyGen.node.json';
import triggerCodex from '../../../nodes/HeyGenTrigger/HeyGenTrigger.node.json';
import { HEYGEN_WEBHOOK_SECRET_CREDENTIAL_TYPE } from '../../../credentials/HeyGenWebhookSecretApi.credentials';
import { HEYGEN_CREDENTIAL_TYPE } from '../../../credentials/HeyGenWebhooksApi.credentials';
import { HEYGEN_PARTNER_APP_CREDENTIAL_TYPE } from '../../../credentials/HeyGenWebhooksOAuth2Api.credentials';

const { description } = new HeyGen();

const optionsOf = (property: INodeProperties) => (property.options ?? []) as INodePropertyOptions[];

/**
 * n8n offers a node with `usableAsTool` to AI agents as "<displayName> Tool"; each
 * resource/operation pair is described to the model by the operation's `action` text.
 */
function toolActions(): Record<string, string[]> {
	const resources = optionsOf(description.properties.find((p) => p.name === 'resource')!);
	return Object.fromEntries(
		resources.map((resource) => {
			const selector = description.properties.find(
				(p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource.value as string),
			)!;
			return [resource.value, optionsOf(selector).map((operation) => `${operation.value}: ${operation.action}`)];
		}),
	);
}

describe('HeyGen node description', () => {
	it('loads as a regular node that AI agents can use as a tool', () => {
		expect(HeyGen.name).toBe('HeyGen');
		expect(description).toMatchObject({
			name: 'heyGen',
			displayName: 'HeyGen',
			usableAsTool: true,
			version: [1, 2],
			defaultVersion: 2,
			group: ['transform'],
			inputs: ['main'],
			outputs: ['main'],
			credentials: [
				{ name: HEYGEN_CREDENTIAL_TYPE, required: true, displayOptions: { hide: { authentication: ['oAuth2'], resource: ['signature'] } } },
				{
					name: HEYGEN_PARTNER_APP_CREDENTIAL_TYPE,
					required: true,
					displayOptions: { show: { authentication: ['oAuth2'] }, hide: { resource: ['signature'] } },
				},
				{
					name: HEYGEN_WEBHOOK_SECRET_CREDENTIAL_TYPE,
					required: true,
					displayOptions: {
						hide: {
							resource: ['event', 'eventType', 'video', 'videoTranslation', 'webhookEndpoint', '__CUSTOM_API_CALL__'],
							secretSource: ['parameter'],
						},
					},
				},
			],
			icon: { light: 'file:../../icons/heygen.svg', dark: 'file:../../icons/heygen.dark.svg' },
		});
		expect(description.description).toMatch(/webhook/i);
		// Saved workflows have no "authentication" parameter: they must keep the API key.
		expect(description.properties[0]).toMatchObject({ name: 'authentication', default: 'apiKey' });
	});

	it('shows credentials only by Authentication: n8n\'s editor moves any other parameter a credential is shown for out of the node\'s parameters', () => {
		for (const credential of description.credentials ?? []) {
			expect(Object.keys(credential.displayOptions?.show ?? {}).filter((name) => name !== 'authentication')).toEqual([]);
		}
		// The signing secret's credential is hidden for every resource but Webhook Signature, and for
		// the Custom API Call n8n adds (an empty credential there would stop the workflow from publishing).
		const resources = (description.properties.find((p) => p.name === 'resource')!.options as INodePropertyOptions[]).map((o) => o.value);
		const secret = description.credentials!.find((credential) => credential.name === HEYGEN_WEBHOOK_SECRET_CREDENTIAL_TYPE)!;
		expect([...(secret.displayOptions!.hide!.resource as string[]), 'signature'].sort()).toEqual([...resources, '__CUSTOM_API_CALL__'].sort());
	});

	it('describes every resource and operation to the tool in plain words', () => {
		expect(toolActions()).toEqual({
			event: ['getAll: Get many events'],
			eventType: ['getAll: Get many event types'],
			webhookEndpoint: [
				'create: Create a webhook endpoint',
				'delete: Delete a webhook endpoint',
				'get: Get a webhook endpoint',
				'getAll: Get many webhook endpoints',
				'rotateSecret: Rotate a webhook endpoint secret',
				'update: Update a webhook endpoint',
			],
			signature: ['verify: Verify a webhook signature'],
			video: ['get: Get a video', 'waitForCompletion: Wait for a video to complete'],
			videoTranslation: ['get: Get a video translation', 'waitForCompletion: Wait for a video translation to complete'],
		});
	});

	it('exposes the public parameter names saved workflows refer to', () => {
		const names = new Set(description.properties.map((p) => p.name));
		for (const name of [
			'resource', 'operation', 'url', 'events', 'endpointId', 'returnAll', 'limit', 'options', 'updateFields',
			'filters', 'secret', 'bodySource', 'binaryPropertyName', 'rawBody', 'signature', 'timestamp', 'timestampTolerance',
			'secretSource', 'videoId', 'videoTranslationId', 'maxWaitMinutes',
		]) {
			expect(names).toContain(name);
		}
		const locator = description.properties.find((p) => p.name === 'endpointId')!;
		expect(locator.modes?.map((mode) => [mode.name, mode.typeOptions?.searchListMethod])).toEqual([
			['list', 'searchWebhookEndpoints'],
			['id', undefined],
		]);
	});

	it('wires the dropdown and list-search methods', () => {
		const node = new HeyGen();
		expect(Object.keys(node.methods.loadOptions)).toEqual(['getEventTypes']);
		expect(Object.keys(node.methods.listSearch)).toEqual(['searchWebhookEndpoints']);
	});

	it('ships codex files that point at HeyGen\'s docs', () => {
		expect(codex).toMatchObject({ node: 'n8n-nodes-heygen-webhooks.heyGen', categories: ['Marketing', 'Development'] });
		expect(triggerCodex).toMatchObject({ node: 'n8n-nodes-heygen-webhooks.heyGenTrigger' });
		expect(codex.resources.primaryDocumentation[0].url).toMatch(/^https:\/\/docs\.heygen\.com\//);
	});
});
