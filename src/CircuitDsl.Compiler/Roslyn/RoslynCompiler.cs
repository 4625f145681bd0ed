using System.Reflection;
using System.Reflection.Metadata;
using System.Runtime.Loader;
using System.Security.Cryptography;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Text;

namespace CircuitDsl.Compiler.Roslyn;

/// <summary>One generated C# file to compile; <paramref name="Path"/> is what the PDB records (never shown to users).</summary>
public sealed record GeneratedSource(string Path, string Text);

/// <summary>The result of compiling generated code: a loaded assembly, or the errors mapped to .circuit spans.</summary>
public sealed record CompileResult(Assembly? Assembly, IReadOnlyList<CompileDiagnostic> Diagnostics, bool CacheHit)
{
    public bool Success => Assembly is not null;
}

/// <summary>
/// Compiles generated code in memory with Roslyn against reference assemblies plus the engine's assemblies, loads it
/// with its PDB into a collectible load context (so run-time errors inside a variable report the .circuit line), and
/// caches the bytes by a key of the source, the compiler and the referenced assemblies' identities.
/// </summary>
public sealed class RoslynCompiler
{
    readonly IReadOnlyList<MetadataReference> references;
    readonly string referenceIdentity;
    readonly CompileCache cache;

    /// <summary>How many times Roslyn itself ran (tests use it to prove cache hits).</summary>
    public int RoslynInvocations { get; private set; }

    /// <param name="apiAssemblies">Assemblies the generated code may call (the engine and what its API exposes).</param>
    public RoslynCompiler(IEnumerable<Assembly> apiAssemblies, CompileCache cache)
    {
        var api = apiAssemblies.Distinct().OrderBy(a => a.FullName, StringComparer.Ordinal).ToArray();
        references = [.. Basic.Reference.Assemblies.Net100.References.All, .. api.Select(a => MetadataReference.CreateFromFile(a.Location))];
        // A rebuilt engine changes its module version id, so stale compiled plans are never reused.
        referenceIdentity = string.Join(";", api.Select(a => a.ManifestModule.ModuleVersionId.ToString("N")));
        this.cache = cache;
    }

    public CompileResult Compile(GeneratedSource source)
    {
        string key = KeyOf(source);
        if (cache.TryGet(key, out var cachedPe, out var cachedPdb))
        {
            if (TryLoad(key, cachedPe, cachedPdb) is { } cached) return new CompileResult(cached, [], CacheHit: true);
            cache.Discard(key); // intact bytes the runtime refuses: compile again rather than fail every later run
        }

        RoslynInvocations++;
        var tree = CSharpSyntaxTree.ParseText(SourceText.From(source.Text, Encoding.UTF8),
            CSharpDialect.ParseOptions, source.Path);
        var compilation = CSharpCompilation.Create("CircuitPlan_" + key[..16], [tree], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release,
                allowUnsafe: false, deterministic: true, nullableContextOptions: NullableContextOptions.Enable));
        using var pe = new MemoryStream();
        using var pdb = new MemoryStream();
        var emit = compilation.Emit(pe, pdb, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb));
        var errors = emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(Map).ToArray();
        if (!emit.Success) return new CompileResult(null, errors, CacheHit: false);

        cache.Store(key, pe.ToArray(), pdb.ToArray());
        return new CompileResult(Load(key, pe.ToArray(), pdb.ToArray()), [], CacheHit: false);
    }

    string KeyOf(GeneratedSource source)
    {
        string compiler = typeof(RoslynCompiler).Assembly.ManifestModule.ModuleVersionId.ToString("N");
        string roslyn = typeof(CSharpCompilation).Assembly.GetName().Version?.ToString() ?? "";
        var bytes = Encoding.UTF8.GetBytes(string.Join("\n", compiler, roslyn, referenceIdentity, source.Path, source.Text));
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    static Assembly Load(string key, byte[] pe, byte[] pdb)
    {
        var context = new AssemblyLoadContext("circuit-plan-" + key[..16], isCollectible: true);
        return context.LoadFromStream(new MemoryStream(pe), new MemoryStream(pdb));
    }

    /// <summary>Null for images the runtime refuses, and for a PDB it would silently ignore (run-time errors would lose their .circuit lines).</summary>
    static Assembly? TryLoad(string key, byte[] pe, byte[] pdb)
    {
        try
        {
            using (var symbols = MetadataReaderProvider.FromPortablePdbImage([.. pdb]))
                symbols.GetMetadataReader();
            return Load(key, pe, pdb);
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException)
        {
            return null;
        }
    }

    static CompileDiagnostic Map(Diagnostic d)
    {
        var mapped = d.Location.GetMappedLineSpan();
        if (!mapped.HasMappedPath)
            return new CompileDiagnostic(CompileDiagnostic.InternalError, d.Id, $"internal error in generated code: {d.GetMessage()}", null);
        var range = new SourceRange(mapped.Path, mapped.StartLinePosition.Line + 1, mapped.StartLinePosition.Character + 1,
            mapped.EndLinePosition.Line + 1, mapped.EndLinePosition.Character + 1);
        return new CompileDiagnostic(CompileDiagnostic.UserCodeError, d.Id, d.GetMessage(), range);
    }
}
