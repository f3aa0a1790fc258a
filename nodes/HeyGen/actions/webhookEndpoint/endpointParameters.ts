import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

/** The reader for the URL that Create and Update send to HeyGen. */

export function readUrl(this: IExecuteFunctions, value: unknown, itemIndex: number): string {
	const url = String(value ?? '').trim();
	if (!url) {
		throw new NodeOperationError(this.getNode(), 'Enter the URL HeyGen should send events to', {
			itemIndex,
		});
	}
	return url;
}
