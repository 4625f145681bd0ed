// The CircuitDsl extension: starts `circuit lsp` and connects VS Code to it over stdio.
'use strict';
const path = require('path');
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

/** The program and arguments that run `circuit lsp` (a path to circuit.dll runs under `dotnet`). */
function serverCommand(configuration) {
  const configured = configuration.get('server.path') || 'circuit';
  const extra = configuration.get('server.arguments') || [];
  const program = configured.startsWith('~') ? path.join(require('os').homedir(), configured.slice(1)) : configured;
  if (program.toLowerCase().endsWith('.dll')) {
    return { command: 'dotnet', args: [program, 'lsp', ...extra] };
  }
  return { command: program, args: ['lsp', ...extra] };
}

async function startClient() {
  const configuration = vscode.workspace.getConfiguration('circuitdsl');
  const { command, args } = serverCommand(configuration);
  const executable = { command, args, transport: TransportKind.stdio };
  const serverOptions = { run: executable, debug: executable };
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'circuit' },
      { scheme: 'untitled', language: 'circuit' },
    ],
    synchronize: {
      // Imported files and model configs edited outside the editor bind differently.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/{*.circuit,config.json}'),
    },
    outputChannelName: 'CircuitDsl',
  };
  client = new LanguageClient('circuitdsl', 'CircuitDsl', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    vscode.window.showErrorMessage(
      `CircuitDsl: could not start '${command} ${args.join(' ')}' (${error.message}). ` +
      'Install the circuit tool (dotnet tool install --global CircuitDsl.Tool) or set circuitdsl.server.path.');
  }
}

async function activate(context) {
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration(async (event) => {
    if (event.affectsConfiguration('circuitdsl.server')) {
      await deactivate();
      await startClient();
    }
  }));
  await startClient();
}

async function deactivate() {
  if (client) {
    const stopping = client;
    client = undefined;
    await stopping.stop();
  }
}

module.exports = { activate, deactivate };
