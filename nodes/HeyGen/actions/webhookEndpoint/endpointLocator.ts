import { NodeOperationError, type IDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { HEYGEN_ID_PATTERN, isHeyGenId } from '../../../shared/heyGenId';

/** The "Webhook Endpoint" field (a list to search, or an ID) and its reader. */

export function endpointIdField(displayOptions: IDisplayOptions): INodeProperties {
	return {
		displayName: 'Webhook Endpoint',
		name: 'endpointId',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'The HeyGen webhook endpoint to work on',
		displayOptions,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a webhook endpoint...',
				typeOptions: { searchListMethod: 'searchWebhookEndpoints', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. ep_abc123',
				validation: [
					{
						type: 'regex',
						properties: { regex: HEYGEN_ID_PATTERN, errorMessage: 'Letters, digits, "_" and "-" only' },
					},
				],
			},
		],
	};
}

export function readEndpointId(this: IExecuteFunctions, itemIndex: number): string {
	const value = this.getNodeParameter('endpointId', itemIndex, undefined, { extractValue: true });
	const endpointId = String(value ?? '').trim();
	if (!endpointId) {
		throw new NodeOperationError(this.getNode(), 'Choose a webhook endpoint, or enter its ID', {
			itemIndex,
		});
	}
	// Checked before it becomes part of a URL: an AI agent may supply anything here.
	if (!isHeyGenId(endpointId)) {
		throw new NodeOperationError(this.getNode(), `"${endpointId}" is not a HeyGen webhook endpoint ID`, {
			itemIndex,
			description: 'HeyGen endpoint IDs hold only letters, digits, "_" and "-" (for example ep_abc123). Pick the endpoint from the list, or copy its ID from Get Many.',
		});
	}
	return endpointId;
}
