import * as fs from 'fs';
import * as path from 'path';

/**
 * The error and ignored codes in the answer column of one of the README's tables ("What happens
 * to a delivery", "… to a callback"): the deciders' tests check the README names every answer.
 */
export function readmeAnswerCodes(heading: string): string[] {
	const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
	const section = readme.split(heading)[1].split('\n#')[0];
	const codes = new Set<string>();
	for (const line of section.split('\n').filter((row) => row.startsWith('|'))) {
		// The second cell, with the table's escaped pipes (`\|`) kept inside it.
		const answer = line.replace(/\\\|/g, '¦').split('|')[2] ?? '';
		for (const [, code] of answer.matchAll(/"(?:error|ignored)":"([a-z_]+)"/g)) codes.add(code);
		for (const [, code] of answer.matchAll(/¦"([a-z_]+)"/g)) codes.add(code);
		for (const [, code] of answer.matchAll(/`([a-z]+_[a-z_]+)`/g)) codes.add(code);
	}
	return [...codes];
}
