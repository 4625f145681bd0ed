// End-to-end check of `circuit lsp` with a real LSP client library (vscode-jsonrpc, the transport that
// vscode-languageclient uses): start the server process over stdio, open a broken file, read the published
// diagnostics, use hover, completion, definition, references, symbols, formatting and a quick fix, fix the file and
// see the diagnostics clear, then shut down. Every wait is bounded; the whole run is bounded by --timeout.
//
//   node test/e2e.js [--server circuit | --server-dll path/to/circuit.dll [--dotnet dotnet]] [--timeout 60]
//
// Prints one line per step and exits 0 when every step passed.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { pathToFileURL } = require('url');
const rpc = require('vscode-jsonrpc/node');

function option(name, fallback) {
  const index = process.argv.indexOf(name);
  return index >= 0 && index + 1 < process.argv.length ? process.argv[index + 1] : fallback;
}

const serverDll = option('--server-dll', null);
const serverCommand = serverDll ? [option('--dotnet', 'dotnet'), serverDll] : [option('--server', 'circuit')];
const timeoutSeconds = Number(option('--timeout', '60'));

const fixed = [
  'model zoo:attn-only-2l',
  'data repeated_tokens(count: 16, seed: 1)',
  'metric loss at repeated',
  '',
  'let token = x.Tokens[x.Pos]',
  '',
  'group induction_heads = L1.H0, L1.H1',
  '',
  'hypothesis induction "the previous-token head feeds the induction heads" {',
  '  baseline resample induction_heads',
  '  node out = logits',
  '    from heads',
  '  node heads = induction_heads computes token',
  '    k from prev',
  '  node prev = L0.H0 computes token',
  '  expect scrub recovers >= 0.5',
  '}',
  '',
].join('\n');
// Head 7 does not exist in a model of two heads a layer (CD2004), and a misspelt group (CD2001, with a suggestion).
const broken = fixed.replace('group induction_heads = L1.H0, L1.H1', 'group induction_heads = L1.H0, L1.H7')
  .replace('baseline resample induction_heads', 'baseline resample induction_head');

function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exit(1);
}

function check(condition, message) {
  if (!condition) fail(message);
  console.log(`ok: ${message}`);
}

async function main() {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'circuitdsl-e2e-'));
  const file = path.join(folder, 'induction.circuit');
  fs.writeFileSync(file, broken);
  const uri = pathToFileURL(file).href;

  // As vscode-languageclient starts it over stdio: with --stdio after the arguments.
  const server = spawn(serverCommand[0], [...serverCommand.slice(1), 'lsp', '--stdio'], { cwd: folder, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  server.stderr.on('data', (chunk) => { stderr += chunk; });
  const exited = new Promise((resolve) => server.on('exit', (code) => resolve(code)));
  server.on('error', (error) => fail(`could not start ${serverCommand.join(' ')}: ${error.message}`));

  const connection = rpc.createMessageConnection(new rpc.StreamMessageReader(server.stdout), new rpc.StreamMessageWriter(server.stdin));
  const published = [];
  const waiters = [];
  connection.onNotification('textDocument/publishDiagnostics', (params) => {
    published.push(params);
    for (const waiter of [...waiters]) waiter();
  });
  connection.listen();

  function diagnostics(accept, what) {
    return new Promise((resolve, reject) => {
      const look = () => {
        const found = published.find((p) => p.uri === uri && accept(p.diagnostics));
        if (found) {
          waiters.splice(waiters.indexOf(look), 1);
          clearTimeout(timer);
          resolve(found.diagnostics);
        }
      };
      const timer = setTimeout(() => reject(new Error(`no diagnostics ${what} within 30 s; published: ${JSON.stringify(published)}`)), 30000);
      waiters.push(look);
      look();
    });
  }

  const at = (line, character) => ({ textDocument: { uri }, position: { line, character } });
  const lineOf = (needle) => fixed.split('\n').findIndex((l) => l.includes(needle));

  const init = await connection.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(folder).href, capabilities: {} });
  check(init.capabilities.positionEncoding === 'utf-16' && init.capabilities.hoverProvider === true, 'initialize: capabilities in UTF-16');
  await connection.sendNotification('initialized', {});

  await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'circuit', version: 1, text: broken } });
  const errors = await diagnostics((d) => d.length > 0, 'for the broken file');
  const head = errors.find((d) => d.code === 'CD2004');
  const groupLine = lineOf('group induction_heads');
  check(head && head.range.start.line === groupLine && head.range.start.character === 31 && head.range.end.character === 36,
    `publishDiagnostics: CD2004 at ${groupLine}:31-36 (${JSON.stringify(errors.map((d) => `${d.code} ${d.message}`))})`);
  const misspelt = errors.find((d) => d.code === 'CD2001');
  check(misspelt && misspelt.message.includes("did you mean 'induction_heads'"), 'publishDiagnostics: CD2001 with a suggestion');

  const actions = await connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: misspelt.range, context: { diagnostics: [misspelt] } });
  check(actions.length === 1 && actions[0].edit.changes[uri][0].newText === 'induction_heads', 'codeAction: the quick fix replaces the misspelt name');

  await connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
  await diagnostics((d) => d.length === 0, 'that are empty after the fix');
  check(true, 'publishDiagnostics: cleared after the fix');

  const hover = await connection.sendRequest('textDocument/hover', at(groupLine, 26));
  check(hover && hover.contents.value.includes('attention head 0 of layer 1') && hover.contents.value.includes('induction_score'), 'hover: a head with its model-card scores');

  const letHover = await connection.sendRequest('textDocument/hover', at(lineOf('let token'), 5));
  check(letHover && letHover.contents.value.includes('C# type: `int`'), 'hover: a variable\'s C# type');

  const prevLine = lineOf('node prev');
  const completion = await connection.sendRequest('textDocument/completion', at(prevLine, '  node prev = L0.'.length));
  const labels = (Array.isArray(completion) ? completion : completion.items).map((i) => i.label).sort();
  check(JSON.stringify(labels) === JSON.stringify(['H*', 'H0', 'H1']), `completion: the heads of layer 0 and no MLP (${labels})`);

  const definition = await connection.sendRequest('textDocument/definition', at(lineOf('k from prev'), '    k from '.length));
  check(definition && definition.uri === uri && definition.range.start.line === prevLine, 'definition: a node\'s declaration');

  const references = await connection.sendRequest('textDocument/references', { ...at(groupLine, 8), context: { includeDeclaration: true } });
  check(references.length === 3, `references: a group's declaration and two uses (${references.length})`);

  const symbols = await connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } });
  check(symbols.map((s) => s.name).join(',') === 'token,induction_heads,induction', 'documentSymbol: variables, groups, hypotheses');

  const messy = fixed.replace('group induction_heads = L1.H0, L1.H1', 'group   induction_heads=L1.H0,L1.H1');
  await connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: messy }] });
  const edits = await connection.sendRequest('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
  check(edits.length === 1 && edits[0].newText === fixed, 'formatting: the formatter\'s canonical text');

  await connection.sendRequest('shutdown');
  await connection.sendNotification('exit');
  const code = await exited;
  check(code === 0, `exit: code ${code}`);
  connection.dispose();
  fs.rmSync(folder, { recursive: true, force: true });
  if (stderr.trim().length > 0) console.log(`server stderr: ${stderr.trim()}`);
}

const overall = setTimeout(() => fail(`the run took over ${timeoutSeconds} s`), timeoutSeconds * 1000);
main().then(() => {
  clearTimeout(overall);
  console.log('PASS');
  process.exit(0);
}, (error) => fail(error.stack || String(error)));
