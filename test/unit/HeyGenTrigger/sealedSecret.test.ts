import { openSecret, sealSecret } from '../../../nodes/HeyGenTrigger/sealedSecret';

const SECRET = 'whsec_0123456789abcdef0123456789abcdef';
const KEY = 'hg_live_api_key_1';
const BOUND = 'workflow-7:HeyGen Trigger';

describe('sealSecret / openSecret', () => {
	it('round-trips, and the sealed text shows neither the secret nor the key', () => {
		const sealed = sealSecret(SECRET, KEY, BOUND);
		expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
		expect(sealed).not.toContain('whsec_');
		expect(sealed).not.toContain(KEY);
		expect(openSecret(sealed, KEY, BOUND)).toBe(SECRET);
	});

	it('seals with a fresh IV every time', () => {
		expect(sealSecret(SECRET, KEY, BOUND)).not.toBe(sealSecret(SECRET, KEY, BOUND));
	});

	it('does not open with another API key (the credential was changed)', () => {
		expect(openSecret(sealSecret(SECRET, KEY, BOUND), 'hg_other_key', BOUND)).toBeUndefined();
	});

	it('does not open in another workflow or node', () => {
		expect(openSecret(sealSecret(SECRET, KEY, BOUND), KEY, 'workflow-8:HeyGen Trigger')).toBeUndefined();
	});

	it('never throws on damaged or foreign text', () => {
		const sealed = sealSecret(SECRET, KEY, BOUND);
		const [version, iv, body] = sealed.split('.');
		const flipped = `${body.slice(0, 5)}${body[5] === 'A' ? 'B' : 'A'}${body.slice(6)}`;
		for (const text of ['', 'v1', 'v1..', `v2.${iv}.${body}`, `${version}.${iv}.${flipped}`, `${version}.${iv}.AAAA`, SECRET]) {
			expect(openSecret(text, KEY, BOUND)).toBeUndefined();
		}
	});
});
