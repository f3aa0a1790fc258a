import type { IExecuteFunctions } from 'n8n-workflow';

import { SECRET_WITHHELD, withSecretForOutput } from '../../../nodes/HeyGen/actions/webhookEndpoint/withheldSecret';

/** The node as n8n runs it: `type` ends in "Tool" when an AI agent calls it. */
const runningAs = (type: string) => ({ getNode: () => ({ type }) }) as unknown as IExecuteFunctions;
const REGULAR = runningAs('n8n-nodes-heygen-webhooks.heyGen');
const TOOL = runningAs('n8n-nodes-heygen-webhooks.heyGenTool');

describe('withSecretForOutput', () => {
	it('hands the secret to a regular workflow step unchanged', () => {
		const endpoint = { endpoint_id: 'ep_1', secret: 'whsec_abc' };
		expect(withSecretForOutput.call(REGULAR, endpoint)).toBe(endpoint);
	});

	it('withholds it from an AI agent, keeping everything else', () => {
		const endpoint = { endpoint_id: 'ep_1', url: 'https://x', secret: 'whsec_abc' };
		const output = withSecretForOutput.call(TOOL, endpoint);
		expect(output).toEqual({ endpoint_id: 'ep_1', url: 'https://x', secret: SECRET_WITHHELD });
		expect(JSON.stringify(output)).not.toContain('whsec_abc');
		expect(endpoint.secret).toBe('whsec_abc'); // the caller's object is not changed
	});

	it.each([
		['null (as in lists)', null],
		['absent', undefined],
	])('leaves a secret that is %s alone, for an AI agent too', (_case, secret) => {
		const endpoint = secret === undefined ? { endpoint_id: 'ep_1' } : { endpoint_id: 'ep_1', secret };
		expect(withSecretForOutput.call(TOOL, endpoint)).toBe(endpoint);
	});
});
