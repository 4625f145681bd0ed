using CircuitDsl.Language.Binding;

namespace CircuitDsl.Cli.Models;

/// <summary>
/// Resolves models for files whose paths are relative to a root folder (a repository) rather than to the
/// current folder: a model folder written relative to the file is looked up under the root.
/// </summary>
public sealed class RootedModelResolver(IModelResolver inner, string root) : IModelResolver
{
    public ModelResolution Resolve(string reference, string referencingDirectory) =>
        inner.Resolve(reference, Path.Combine(root, referencingDirectory));
}
