using System.Collections.Concurrent;
using System.Collections.Immutable;
using CircuitDsl.Compiler.Sandbox;
using CircuitDsl.Interventions.Data;
using CircuitDsl.Language.Binding;
using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Compiler.Lowering;

/// <summary>A causal variable that passed the sandbox: the method that computes it and the type it returns.</summary>
/// <param name="EngineName">The name reports show: the variable's name, or an inline expression's text.</param>
/// <param name="Dependencies">The variables it uses by name, computed first as locals of those names.</param>
internal sealed record LoweredVariable(CausalVariable Source, string MethodName, string Type, string EngineName, ImmutableArray<(string Local, LoweredVariable Variable)> Dependencies);

/// <summary>
/// The sandbox over the engine's example context, remembering verdicts: an unchanged file compiled again re-checks
/// nothing (its expressions are the memo's keys, with the types of the variables they use).
/// </summary>
internal sealed class SandboxChecker
{
    static readonly Lazy<ExpressionSandbox> Sandbox = new(() => new ExpressionSandbox(typeof(ExampleView), "x"));
    readonly ConcurrentDictionary<string, SandboxResult> verdicts = new(StringComparer.Ordinal);

    public SandboxResult Check(string expression, IReadOnlyDictionary<string, string> variables)
    {
        string key = expression + "\0" + string.Join("\0", variables.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => v.Key + ":" + v.Value));
        return verdicts.GetOrAdd(key, _ => Sandbox.Value.Check(expression, variables));
    }
}

/// <summary>
/// Checks every causal variable of a file with the sandbox, dependencies first, and names the methods that will hold
/// them. File-level variables (the same declaration seen by every hypothesis) are lowered once.
/// </summary>
internal sealed class VariableLowering(SandboxChecker sandbox, List<Diagnostic> diagnostics)
{
    readonly Dictionary<(string File, int Offset), LoweredVariable?> lowered = [];
    readonly List<LoweredVariable> ordered = [];
    readonly NameAllocator methodNames = new();

    /// <summary>Every variable that passed, each after the variables it uses (the order methods are written in).</summary>
    public IReadOnlyList<LoweredVariable> Ordered => ordered;

    /// <summary>The lowered form of <paramref name="variable"/> as <paramref name="hypothesis"/> sees it; null when it (or a variable it uses) was refused.</summary>
    public LoweredVariable? Lower(CausalVariable variable, BoundHypothesis hypothesis) => Lower(variable, hypothesis, []);

    LoweredVariable? Lower(CausalVariable variable, BoundHypothesis hypothesis, HashSet<(string, int)> visiting)
    {
        var key = (variable.Span.File, variable.Span.Offset);
        if (lowered.TryGetValue(key, out var known)) return known;
        if (!visiting.Add(key)) return null; // the binder reports cycles (CD2009)

        bool fileLevel = !SourceSpans.Contains(hypothesis.Span, variable.Span);
        var dependencies = ImmutableArray.CreateBuilder<(string, LoweredVariable)>();
        bool dependenciesPassed = true;
        foreach (string name in variable.DependsOn)
        {
            var used = Resolve(name, fileLevel, hypothesis);
            var usedLowered = used is null ? null : Lower(used, hypothesis, visiting);
            if (usedLowered is null) dependenciesPassed = false;
            else dependencies.Add((CSharpText.Identifier(name), usedLowered));
        }

        LoweredVariable? result = null;
        if (dependenciesPassed) // a refused variable is reported at its own span, not again at each user
        {
            var types = dependencies.ToDictionary(d => d.Item1, d => d.Item2.Type, StringComparer.Ordinal);
            var verdict = sandbox.Check(variable.Expression, types);
            foreach (var problem in verdict.Diagnostics)
                diagnostics.Add(problem.Descriptor.Create(SourceSpans.Within(variable.Span, variable.Expression, problem.Start, problem.Length), problem.Message));
            if (verdict.Allowed)
            {
                result = new LoweredVariable(variable, methodNames.Allocate(MethodName(variable, fileLevel, hypothesis)), verdict.ResultType!,
                    variable.Name ?? OneLine(variable.Expression), dependencies.ToImmutable());
                ordered.Add(result);
            }
        }
        lowered[key] = result;
        return result;
    }

    static CausalVariable? Resolve(string name, bool fromFileLevel, BoundHypothesis hypothesis)
    {
        var candidates = hypothesis.Variables.Where(v => v.Name == name).ToList();
        // A file-level variable sees only file-level ones; the hypothesis's own shadow them inside it.
        return candidates.FirstOrDefault(v => SourceSpans.Contains(hypothesis.Span, v.Span) != fromFileLevel) ?? candidates.FirstOrDefault();
    }

    static string MethodName(CausalVariable variable, bool fileLevel, BoundHypothesis hypothesis) => variable.Name switch
    {
        null => $"Expr_{hypothesis.Name}_line{variable.Span.Line}_col{variable.Span.Column}",
        var name when fileLevel => $"Let_{name}",
        var name => $"Let_{hypothesis.Name}_{name}",
    };

    static string OneLine(string expression) => string.Join(" ", expression.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
}
