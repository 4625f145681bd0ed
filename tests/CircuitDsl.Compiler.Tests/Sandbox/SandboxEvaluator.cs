using System.Reflection;
using System.Runtime.Loader;
using CircuitDsl.Compiler.Sandbox;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace CircuitDsl.Compiler.Tests.Sandbox;

/// <summary>
/// Compiles and runs an expression only if the sandbox allows it, so that tests can show that refused
/// expressions never execute and allowed ones compute what they say.
/// </summary>
internal static class SandboxEvaluator
{
    static readonly ExpressionSandbox Sandbox = new(typeof(TestExample), contextTypes: [typeof(TestLabel)]);

    public static SandboxResult Check(string expression) => Sandbox.Check(expression);

    public static (SandboxResult Result, object? Value) CheckAndRun(string expression, TestExample example)
    {
        var result = Sandbox.Check(expression);
        if (!result.Allowed) return (result, null);
        string source = $"{ExpressionSandbox.Usings} public static class Evaluator {{ public static object Run(global::{typeof(TestExample).FullName} x) => ({expression}); }}";
        var compilation = CSharpCompilation.Create("Evaluated" + Guid.NewGuid().ToString("N"),
            [CSharpSyntaxTree.ParseText(source)],
            [.. Basic.Reference.Assemblies.Net100.References.All, MetadataReference.CreateFromFile(typeof(TestExample).Assembly.Location)],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var pe = new MemoryStream();
        var emit = compilation.Emit(pe);
        if (!emit.Success) throw new InvalidOperationException(string.Join("\n", emit.Diagnostics));
        pe.Position = 0;
        var context = new AssemblyLoadContext("sandbox-test", isCollectible: true);
        try
        {
            var assembly = context.LoadFromStream(pe);
            var run = assembly.GetType("Evaluator")!.GetMethod("Run", BindingFlags.Public | BindingFlags.Static)!;
            return (result, run.Invoke(null, [example]));
        }
        finally
        {
            context.Unload();
        }
    }
}
