using System.CommandLine;
using CircuitDsl.Cli.Models;
using CircuitDsl.Language.Binding;
using CircuitDsl.LanguageServer;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Cli.Commands;

/// <summary>
/// `circuit lsp`: the language server for editors, over stdin and stdout (the Language Server Protocol). It binds
/// against the same models and tasks as `circuit check`; its own troubles go to stderr.
/// </summary>
public static class LspCommand
{
    public static Command Create(CliConsole console)
    {
        var modelOpt = ModelOption.Create("Bind against");
        var stdioOpt = new Option<bool>("--stdio") { Description = "Serve over stdin and stdout (the only transport; accepted because clients pass it)." };
        var lsp = new Command("lsp", "Serve .circuit files to an editor over the Language Server Protocol (stdin/stdout).") { modelOpt, stdioOpt };
        lsp.SetAction(parse => CliErrors.Guard(console, () =>
        {
            var services = Services(ModelOption.Read(parse, modelOpt));
            using var input = Console.OpenStandardInput();
            using var output = Console.OpenStandardOutput();
            var server = new CircuitLanguageServer(input, output, services, log: console.Error);
            return server.RunAsync().GetAwaiter().GetResult();
        }));
        return lsp;
    }

    /// <summary>What the server binds against: the models' configs (with --model applied), the zoo's tasks, the disk and the zoo's model cards.</summary>
    public static ServerServices Services(ModelMapping? models = null) =>
        new(new ConfigModelResolver(models), ZooTasks.Catalog, new PhysicalFileProvider(), new ZooModelCards());
}
