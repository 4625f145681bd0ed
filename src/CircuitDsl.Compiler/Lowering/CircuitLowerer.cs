using System.Collections.Immutable;
using CircuitDsl.Compiler.Roslyn;
using CircuitDsl.Language.Binding;
using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Compiler.Lowering;

/// <summary>One hypothesis in the generated file: the method that builds its plan and the check of each expectation.</summary>
/// <param name="CheckNames">Parallel to the hypothesis's expectations: the name of the engine check that measures each.</param>
public sealed record LoweredHypothesis(BoundHypothesis Bound, string MethodName, ImmutableArray<string?> CheckNames);

/// <summary>A .circuit file as C#: the source (null when there are errors), where its plans live, and the diagnostics.</summary>
public sealed record LoweredFile(
    string FilePath,
    GeneratedSource? Source,
    string PlansType,
    ImmutableArray<LoweredHypothesis> Hypotheses,
    ImmutableArray<Diagnostic> Diagnostics)
{
    public bool Success => Source is not null;

    /// <summary>The user expressions copied into the source, with their spans (to map Roslyn's errors back).</summary>
    internal ImmutableArray<CausalVariable> Expressions { get; init; } = [];
}

/// <summary>
/// Lowers a bound file to one C# file. Every causal variable passes the sandbox before any text is written; the
/// output depends only on the bound file, so it is identical byte for byte for an unchanged file.
/// </summary>
internal sealed class CircuitLowerer(SandboxChecker sandbox)
{
    public const string Namespace = "CircuitPlans";
    const string ContextType = "global::CircuitDsl.Interventions.Data.ExampleView";

    public LoweredFile Lower(BoundCircuitFile file)
    {
        var diagnostics = new List<Diagnostic>();
        var variables = new VariableLowering(sandbox, diagnostics);
        foreach (var hypothesis in file.Hypotheses)
            foreach (var variable in UsedOrDeclared(hypothesis))
                variables.Lower(variable, hypothesis);

        string baseName = CSharpText.TypeName(file.FilePath);
        string plansType = $"{Namespace}.{baseName}Circuit";
        if (diagnostics.HasErrors()) return Failed(file, plansType, diagnostics);

        var plans = new CSharpWriter();
        var methods = new NameAllocator();
        var hypotheses = ImmutableArray.CreateBuilder<LoweredHypothesis>();
        using (plans.Indented())
        using (plans.Indented())
        {
            foreach (var hypothesis in file.Hypotheses)
            {
                string method = methods.Allocate("Build_" + hypothesis.Name);
                var lowering = new PlanLowering(hypothesis, plans, variables, baseName + "Variables", diagnostics);
                if (hypotheses.Count > 0) plans.Line();
                lowering.Write(method);
                hypotheses.Add(new LoweredHypothesis(hypothesis, method, lowering.CheckNames));
            }
        }
        if (diagnostics.HasErrors()) return Failed(file, plansType, diagnostics);

        var text = new CSharpWriter();
        WriteHeader(text, file);
        WriteVariables(text, baseName, variables.Ordered);
        text.Line();
        text.Line($"namespace {Namespace}");
        text.Line("{");
        using (text.Indented())
        {
            foreach (string ns in new[] { "System.Collections.Generic", "CircuitDsl", "CircuitDsl.Interventions.Data", "CircuitDsl.Interventions.Metrics", "CircuitDsl.Interventions.Patching", "CircuitDsl.Interventions.Plan" })
                text.Line($"using global::{ns};");
            text.Line();
            text.Line($"// The hypotheses of {CSharpText.Comment(Path.GetFileName(file.FilePath))}, one ExperimentPlan builder each.");
            text.Line($"public static class {baseName}Circuit");
            text.Line("{");
        }
        string source = text + plans.ToString() + "    }\n}\n";
        return new LoweredFile(file.FilePath, new GeneratedSource(baseName + ".g.cs", source), plansType, hypotheses.ToImmutable(), [.. diagnostics])
        {
            Expressions = [.. variables.Ordered.Select(v => v.Source)],
        };
    }

    static LoweredFile Failed(BoundCircuitFile file, string plansType, List<Diagnostic> diagnostics) =>
        new(file.FilePath, null, plansType, [], [.. diagnostics.InSourceOrder()]);

    /// <summary>Every declared variable (refused ones are reported even when unused) and every inline expression.</summary>
    static IEnumerable<CausalVariable> UsedOrDeclared(BoundHypothesis hypothesis)
    {
        foreach (var variable in hypothesis.Variables) yield return variable;
        if (hypothesis.Graph is null) yield break;
        foreach (var node in hypothesis.Graph.Nodes)
        {
            if (node.Computes is { Name: null } computes) yield return computes;
            foreach (var input in node.Inputs)
                if (input.AgreeingOn is { Name: null } agreeing) yield return agreeing;
        }
    }

    static void WriteHeader(CSharpWriter text, BoundCircuitFile file)
    {
        text.Line("// <auto-generated>");
        text.Line($"// Lowered from {CSharpText.Comment(file.FilePath)} by CircuitDsl.Compiler: each causal variable as a typed");
        text.Line("// method, each hypothesis as a method that builds its ExperimentPlan. Edit the .circuit file, not this one.");
        text.Line("// </auto-generated>");
        text.Directive(LineDirectives.Hidden);
        text.Line();
    }

    /// <summary>
    /// The variables' namespace block opens exactly what the sandbox checked expressions against (System,
    /// System.Linq), and nothing else, so an expression cannot bind differently here (no stray extension methods).
    /// </summary>
    static void WriteVariables(CSharpWriter text, string baseName, IReadOnlyList<LoweredVariable> variables)
    {
        text.Line($"namespace {Namespace}");
        text.Line("{");
        using (text.Indented())
        {
            text.Line("using System;");
            text.Line("using System.Linq;");
            text.Line();
            text.Line($"// The causal variables of the file: functions of one example x (and the position x.Pos).");
            text.Line($"public static class {baseName}Variables");
            text.Line("{");
            using (text.Indented())
            {
                for (int i = 0; i < variables.Count; i++)
                {
                    if (i > 0) text.Line();
                    WriteVariable(text, variables[i]);
                }
            }
            text.Line("}");
        }
        text.Line("}");
    }

    static void WriteVariable(CSharpWriter text, LoweredVariable variable)
    {
        var source = variable.Source;
        string what = source.Name is null ? "inline expression" : $"let {source.Name}";
        text.Line($"// {what} ({CSharpText.Comment($"{source.Span.File}:{source.Span.Line}:{source.Span.Column}")})");
        string signature = $"public static {variable.Type} {variable.MethodName}({ContextType} x)";
        if (variable.Dependencies.IsEmpty)
        {
            text.Line(signature + " =>");
            using (text.Indented()) text.UserExpression(source.Expression, source.Span, ";");
            return;
        }
        text.Line(signature);
        text.Line("{");
        using (text.Indented())
        {
            foreach (var (local, used) in variable.Dependencies)
                text.Line($"{used.Type} {local} = {used.MethodName}(x);");
            text.Line("return");
            using (text.Indented()) text.UserExpression(source.Expression, source.Span, ";");
        }
        text.Line("}");
    }
}
