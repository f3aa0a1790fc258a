import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

// Global in n8n, like the other two: named after this package's purpose, not HeyGen's.
export const HEYGEN_WEBHOOK_SECRET_CREDENTIAL_TYPE = 'heyGenWebhookSecretApi';

/**
 * An endpoint's signing secret for the HeyGen node's Verify operation: in a credential n8n keeps it
 * encrypted and out of the workflow JSON, which anyone who can read the workflow sees.
 */
export class HeyGenWebhookSecretApi implements ICredentialType {
	name = HEYGEN_WEBHOOK_SECRET_CREDENTIAL_TYPE;

	displayName = 'HeyGen Webhook Signing Secret API';

	icon: Icon = { light: 'file:../icons/heygen.svg', dark: 'file:../icons/heygen.dark.svg' };

	documentationUrl = 'https://docs.heygen.com/docs/using-heygens-webhook-events';

	properties: INodeProperties[] = [
		{
			displayName: 'Signing Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'e.g. whsec_...',
			description:
				'The secret HeyGen returned when the webhook endpoint was created or its secret rotated (HeyGen node: Create or Rotate Secret)',
		},
	];

	// The Test button runs `testWebhookSecret` (nodes/HeyGen/webhookSecretTest.ts), named by the
	// HeyGen node's `testedBy`: HeyGen has no call that checks a signing secret.
}
