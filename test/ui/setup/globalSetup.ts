import { execFileSync } from 'child_process';
import * as path from 'path';

import e2eGlobalSetup from '../../e2e/setup/globalSetup';

/** The e2e set-up (n8n installed, package packed) plus Debian's Chromium for playwright-core. */
export default async function globalSetup(): Promise<void> {
	await e2eGlobalSetup();
	const script = path.join(__dirname, '..', '..', '..', 'scripts', 'provision-chromium.sh');
	const output = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
	const chromium = /^CHROMIUM=(.+)$/m.exec(output)?.[1];
	if (!chromium) throw new Error(`provision-chromium.sh named no Chromium: ${output}`);
	process.env.HEYGEN_UI_CHROMIUM = chromium;
}
