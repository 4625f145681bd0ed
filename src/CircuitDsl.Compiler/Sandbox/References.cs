using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;

namespace CircuitDsl.Compiler.Sandbox;

/// <summary>
/// Metadata references for compiling user expressions: .NET's reference assemblies (API surface only) plus the
/// assembly that defines the example context. Built once per context assembly: loading them is the slow part.
/// </summary>
internal static class References
{
    static readonly ConcurrentDictionary<string, IReadOnlyList<MetadataReference>> Cache = new();

    public static IReadOnlyList<MetadataReference> For(Type contextType) =>
        Cache.GetOrAdd(contextType.Assembly.Location, location =>
            [.. Basic.Reference.Assemblies.Net100.References.All, MetadataReference.CreateFromFile(location)]);
}
