import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'crypto';

/**
 * The trigger's signing secret as it is kept in static data: AES-256-GCM under a key derived
 * (HKDF-SHA256) from the credential's key material (the API key, or the OAuth2 client ID and
 * secret: see signingSecret.ts), which n8n itself stores encrypted. n8n returns
 * static data to anyone who can read the workflow (its public API, activate/deactivate answers),
 * so a plain secret there would let them forge deliveries; the sealed one is useless without the
 * credential. The workflow id and node name are bound in as associated data, so a sealed secret
 * copied into another workflow does not open.
 */

const VERSION = 'v1';
const INFO = 'n8n-nodes-heygen-webhooks: webhook signing secret';

function keyFor(keyMaterial: string, salt: string): Buffer {
	return Buffer.from(hkdfSync('sha256', keyMaterial, salt, INFO, 32));
}

export function sealSecret(secret: string, keyMaterial: string, boundTo: string): string {
	const iv = randomBytes(12);
	const cipher = createCipheriv('aes-256-gcm', keyFor(keyMaterial, boundTo), iv);
	cipher.setAAD(Buffer.from(boundTo));
	const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final(), cipher.getAuthTag()]);
	return `${VERSION}.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
}

/** The secret, or undefined when this key material (or binding) does not open it. Never throws. */
export function openSecret(sealed: string, keyMaterial: string, boundTo: string): string | undefined {
	const [version, iv, body] = sealed.split('.');
	if (version !== VERSION || !iv || !body) return undefined;
	try {
		const bytes = Buffer.from(body, 'base64url');
		if (bytes.length < 17) return undefined;
		const decipher = createDecipheriv('aes-256-gcm', keyFor(keyMaterial, boundTo), Buffer.from(iv, 'base64url'));
		decipher.setAAD(Buffer.from(boundTo));
		decipher.setAuthTag(bytes.subarray(bytes.length - 16));
		return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8');
	} catch {
		return undefined;
	}
}
