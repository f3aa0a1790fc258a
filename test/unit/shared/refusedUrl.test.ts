import type { INode } from 'n8n-workflow';

import { TRIGGER_URL_ADVICE } from '../../../nodes/HeyGenTrigger/endpointLifecycle';
import { explainRefusedUrl, urlRequirementHint } from '../../../nodes/shared/refusedUrl';
import { HeyGenApiError, type HeyGenContext } from '../../../nodes/shared/transport';

const NODE: INode = { id: 'n1', name: 'HeyGen', type: 'n8n-nodes-heygen-webhooks.heyGen', typeVersion: 1, position: [0, 0], parameters: {} };
const context = { getNode: () => NODE } as unknown as HeyGenContext;
const heyGenError = (statusCode: number, param?: string) =>
	new HeyGenApiError(context, statusCode, { code: 'invalid_parameter', message: 'Webhook URL could not be validated', param });

describe('urlRequirementHint', () => {
	it('mentions HTTPS, OPTIONS and N8N_WEBHOOK_URL, and flags a non-HTTPS URL', () => {
		const http = urlRequirementHint('http://localhost:5678/webhook/x', TRIGGER_URL_ADVICE);
		expect(http).toContain('HTTPS');
		expect(http).toContain('OPTIONS');
		expect(http).toContain('N8N_WEBHOOK_URL');
		expect(http).toContain('not HTTPS');
		const https = urlRequirementHint('https://n8n.example.com/webhook/x', TRIGGER_URL_ADVICE);
		expect(https).not.toContain('not HTTPS');
		expect(urlRequirementHint('https://x', 'Use another URL.')).toMatch(/Use another URL\.$/);
	});
});

describe('explainRefusedUrl', () => {
	it.each([
		['a 400 about the url', 400, 'url'],
		['a 400 naming no parameter', 400, undefined],
	])('puts the URL requirements before HeyGen\'s own hint for %s', (_case, status, param) => {
		const error = heyGenError(status, param);
		const before = error.description;
		explainRefusedUrl(error, 'http://n8n.local/webhook/x', 'Fix it.');
		expect(error.description).toBe(`${urlRequirementHint('http://n8n.local/webhook/x', 'Fix it.')} ${before}`);
		expect(error.message).toBe('Webhook URL could not be validated');
	});

	it.each([
		['a 400 about another parameter', heyGenError(400, 'events')],
		['a 401', heyGenError(401)],
		['a 404', heyGenError(404)],
	])('leaves %s as it is', (_case, error) => {
		const before = error.description;
		explainRefusedUrl(error, 'http://n8n.local/webhook/x', 'Fix it.');
		expect(error.description).toBe(before);
	});

	it('leaves errors that are not HeyGen\'s alone', () => {
		const error = new Error('socket hang up');
		explainRefusedUrl(error, 'http://n8n.local/webhook/x', 'Fix it.');
		expect(error).toEqual(new Error('socket hang up'));
	});
});
