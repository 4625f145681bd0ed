using System.CommandLine;

namespace CircuitDsl.Cli.Models;

/// <summary>The one <c>--model</c> option every verb that binds files shares (its values become a <see cref="ModelMapping"/>).</summary>
public static class ModelOption
{
    /// <summary>A repeatable <c>--model</c>: DIR (or zoo:NAME, hf:ORG/NAME) for every file, or NAME=PATH for the files on NAME.</summary>
    public static Option<string[]> Create(string what) => new("--model")
    {
        HelpName = "MODEL|NAME=PATH",
        Description = $"{what} a model instead of the file's own: --model DIR (a folder, zoo:NAME or hf:ORG/NAME) for every file, or --model NAME=PATH (repeatable) for the files whose model is NAME, e.g. zoo:gpt2-small=DIR.",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>The mapping the parsed values describe, folders relative to the current folder.</summary>
    public static ModelMapping Read(ParseResult parse, Option<string[]> option) =>
        ModelMapping.Parse(parse.GetValue(option) ?? [], Directory.GetCurrentDirectory());
}
