import type { IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

/** "Return All" / "Limit", shared by every Get Many operation; the cursor is followed by the client. */
export function pagingFields(displayOptions: IDisplayOptions): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions,
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { ...displayOptions, show: { ...displayOptions.show, returnAll: [false] } },
		},
	];
}

/** `undefined` means every result. */
export function readLimit(this: IExecuteFunctions, itemIndex: number): number | undefined {
	if (this.getNodeParameter('returnAll', itemIndex, false) as boolean) return undefined;
	return Math.max(1, Math.floor(Number(this.getNodeParameter('limit', itemIndex, 50))));
}
