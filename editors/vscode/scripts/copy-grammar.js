// Copies the TextMate grammar from the repository's grammar/ folder (its one source) into the extension,
// which packages only its own folder.
'use strict';
const fs = require('fs');
const path = require('path');

const source = path.join(__dirname, '..', '..', '..', 'grammar', 'circuit.tmLanguage.json');
const target = path.join(__dirname, '..', 'syntaxes', 'circuit.tmLanguage.json');
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.copyFileSync(source, target);
console.log(`copied ${path.relative(process.cwd(), source)} to ${path.relative(process.cwd(), target)}`);
