using System.Collections.Concurrent;
using CircuitDsl.Compiler.Sandbox;
using CircuitDsl.Interventions.Data;
using CircuitDsl.Language.Binding;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.LanguageServer.Features;

/// <summary>
/// The C# type of a causal variable, as the compiler's sandbox infers it (over the example <c>x</c>, with the types
/// of the variables it uses), or why it has none. Verdicts are remembered by expression and dependency types.
/// </summary>
internal sealed class VariableTypes
{
    private static readonly Lazy<ExpressionSandbox> Sandbox = new(() => new ExpressionSandbox(typeof(ExampleView), "x"));
    private readonly ConcurrentDictionary<string, SandboxResult> _verdicts = new(StringComparer.Ordinal);

    /// <summary>Builds Roslyn's compilation once in the background, so that the first hover is not the slow one.</summary>
    public static void WarmUp() => Task.Run(() =>
    {
        try
        {
            _ = Sandbox.Value.Check("x.Pos");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // a failure here shows again, as a diagnostic, where it matters
        }
    });

    /// <summary>The type of a <c>let</c> (fully qualified, e.g. <c>int</c>), or a short reason it has none.</summary>
    public (string? Type, string? Problem) Of(Declaration let, SymbolIndex index) => Of(let, index, []);

    private (string? Type, string? Problem) Of(Declaration let, SymbolIndex index, HashSet<Declaration> visiting)
    {
        if (let.Statement is not LetSyntax syntax)
        {
            return (null, "not a variable");
        }

        if (!visiting.Add(let))
        {
            return (null, "its definition is cyclic");
        }

        var dependencies = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (start, length) in ExpressionNames.Find(syntax.Expression.Text))
        {
            string name = syntax.Expression.Text.Substring(start, length);
            if (dependencies.ContainsKey(name) || index.Resolve(name, let.Owner, let.File) is not { Kind: DeclarationKind.Variable } used)
            {
                continue;
            }

            var (type, problem) = Of(used, index, visiting);
            if (type is null)
            {
                return (null, $"it uses '{name}', which has no type ({problem})");
            }

            dependencies[name] = type;
        }

        visiting.Remove(let);
        string key = syntax.Expression.Text + "\0" + string.Join("\0", dependencies.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => d.Key + ":" + d.Value));
        var verdict = _verdicts.GetOrAdd(key, _ => Sandbox.Value.Check(syntax.Expression.Text, dependencies));
        return verdict.ResultType is { } result
            ? (result.Replace("global::", string.Empty, StringComparison.Ordinal), null)
            : (null, verdict.Diagnostics.FirstOrDefault()?.Message ?? "the sandbox refused it");
    }
}
