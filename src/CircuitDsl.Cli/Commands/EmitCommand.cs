using System.CommandLine;
using CircuitDsl.Cli.Models;
using CircuitDsl.Compiler;
using CircuitDsl.Compiler.Roslyn;
using CircuitDsl.Language;
using CircuitDsl.Language.Binding;
using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Cli.Commands;

/// <summary>
/// `circuit emit FILE`: print the C# a .circuit file lowers to (what `check` compiles and runs). Exit 0, or 2 with the
/// diagnostics on stderr when the file does not parse, bind or pass the sandbox.
/// </summary>
public static class EmitCommand
{
    public static Command Create(CliConsole console)
    {
        var fileArg = new Argument<string>("file") { Description = "The .circuit file." };
        var modelOpt = ModelOption.Create("Bind against");
        var emit = new Command("emit", "Print the C# a .circuit file compiles to: one class per file, a plan builder per hypothesis, a method per causal variable.")
        {
            fileArg, modelOpt,
        };
        emit.SetAction(parse => CliErrors.Guard(console, () =>
        {
            string path = parse.GetValue(fileArg)!;
            var analysis = CircuitAnalyzer.AnalyzeFile(path, new PhysicalFileProvider(), new ConfigModelResolver(ModelOption.Read(parse, modelOpt)), ZooTasks.Catalog);
            if (analysis.HasErrors)
            {
                console.Error.Write(analysis.RenderText());
                return ExitCodes.Error;
            }

            // Emitting only lowers (sandbox included); nothing is compiled, so no cache is touched.
            var lowered = new CircuitCompiler(CompileCache.InMemory()).Lower(analysis.File!);
            var diagnostics = analysis.Diagnostics.Concat(lowered.Diagnostics).ToList();
            using (var rendered = new StringWriter())
            {
                DiagnosticRenderer.WriteText(rendered, diagnostics, analysis.Sources.SourceOf);
                console.Error.Write(rendered.ToString());
            }
            if (!lowered.Success) return ExitCodes.Error;
            console.Out.Write(lowered.Source!.Text);
            return ExitCodes.Ok;
        }));
        return emit;
    }
}
