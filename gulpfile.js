const path = require('path');
const { task, src, dest } = require('gulp');

// tsc does not copy SVG icons. Both nodes and the credential share one pair in icons/, which
// they name relative to their compiled files (dist/nodes/X/ and dist/credentials/).
task('build:icons', copyIcons);

function copyIcons() {
	return src(path.resolve('icons', '*.svg'), { encoding: false }).pipe(dest(path.resolve('dist', 'icons')));
}
