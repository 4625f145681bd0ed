using System.Collections.Immutable;
using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Binding;

/// <summary>
/// Grouped-query attention: query heads h with the same ⌊h / G⌋ read one key/value head, so their key inputs are one
/// input and so are their value inputs. The language follows TransformerLens: <c>L3.H5.k</c> is the key input of
/// key/value head ⌊5 / G⌋, which every query head of that group reads, and patching it changes the keys of the
/// whole group. A hypothesis that tells apart two heads of one group on such an input (a path into one but not the
/// other, or different inputs claimed for them) is warned about (CD2043): the engine runs it, but what it measures
/// is the group's input.
/// </summary>
internal sealed partial class HypothesisBinder
{
    private static readonly Channel[] SharedChannels = [Channel.Key, Channel.Value];

    private void WarnAboutSharedKeyValueInputs(InterpretationGraph? graph, ImmutableArray<BoundExpectation> expectations)
    {
        if (_shape is null || _shape.QueriesPerKvHead <= 1)
        {
            return;
        }

        foreach (var expectation in expectations)
        {
            if (expectation.Path is { Hops.Length: >= 2 } path)
            {
                WarnAboutPathReceivers(path.Hops[1].Components, expectation.Span);
            }
        }

        if (graph is not null)
        {
            WarnAboutGraphInputs(graph);
        }
    }

    /// <summary>A path into some heads' k or v input patches that input for every head of the group.</summary>
    private void WarnAboutPathReceivers(ImmutableArray<Component> receivers, SourceSpan span)
    {
        foreach (var channel in SharedChannels)
        {
            var named = receivers.Where(c => c.Kind == ComponentKind.Head && (c.Channel == channel || c.Channel == Channel.Output))
                .Select(c => (c.Layer, c.HeadIndex)).ToHashSet();
            foreach (var (layer, head) in named.OrderBy(h => h))
            {
                int other = GroupOf(head).FirstOrDefault(h => !named.Contains((layer, h)), -1);
                if (other >= 0)
                {
                    Warn(span, layer, head, other, channel, $"the path patches the {Word(channel)}s of {Head(layer, head)} and not of {Head(layer, other)}; patching that input changes both");
                    break; // one warning per channel and path
                }
            }
        }
    }

    /// <summary>Different inputs claimed for two heads of one group (or for one and not the other) tell them apart on a shared input.</summary>
    private void WarnAboutGraphInputs(InterpretationGraph graph)
    {
        foreach (var channel in SharedChannels)
        {
            // (layer, head) → the edges into its k (or v) input: "reader <- source", and the first edge's span.
            var claims = new Dictionary<(int Layer, int Head), SortedSet<string>>();
            var spans = new Dictionary<(int Layer, int Head), SourceSpan>();
            foreach (var node in graph.Nodes)
            {
                foreach (var head in node.Components.Where(c => c.Kind == ComponentKind.Head))
                {
                    var key = (head.Layer, head.HeadIndex);
                    if (!claims.TryGetValue(key, out var set))
                    {
                        claims[key] = set = new SortedSet<string>(StringComparer.Ordinal);
                    }

                    foreach (var input in node.Inputs.Where(i => i.Channel == channel || i.Channel == Channel.Output))
                    {
                        set.Add($"'{node.Name}' reads '{input.Source.Name}'");
                        spans.TryAdd(key, input.Span);
                    }
                }
            }

            var reported = new HashSet<(int Layer, int KvHead)>();
            foreach (var ((layer, head), set) in claims.Where(c => c.Value.Count > 0).OrderBy(c => c.Key))
            {
                if (!reported.Add((layer, _shape!.KvHeadOf(head))))
                {
                    continue;
                }

                foreach (int other in GroupOf(head).Where(h => h != head))
                {
                    var otherSet = claims.GetValueOrDefault((layer, other));
                    if (otherSet is not null && otherSet.SetEquals(set))
                    {
                        continue;
                    }

                    string theirs = otherSet is null or { Count: 0 } ? "claims none for it" : $"claims {string.Join(", ", otherSet)} for it";
                    Warn(spans[(layer, head)], layer, head, other, channel,
                        $"the hypothesis claims {string.Join(", ", set)} for the {Word(channel)} input of {Head(layer, head)} and {theirs}");
                    break;
                }
            }
        }
    }

    private IEnumerable<int> GroupOf(int head)
    {
        int g = _shape!.QueriesPerKvHead, first = _shape.KvHeadOf(head) * g;
        return Enumerable.Range(first, g);
    }

    private void Warn(SourceSpan span, int layer, int head, int other, Channel channel, string why)
    {
        var group = GroupOf(head).ToList();
        string suffix = SyntaxFacts.ChannelSuffix(channel);
        diagnostics.Add(DiagnosticCatalog.SharedKeyValueInput.Create(span, Head(layer, head), Head(layer, other), suffix, _shape!.KvHeadOf(head), layer,
            _shape.Name, $"H{group[0]}-H{group[^1]}", why, $"{Head(layer, head)}.{suffix}"));
    }

    private static string Head(int layer, int head) => $"L{layer}.H{head}";

    private static string Word(Channel channel) => channel == Channel.Key ? "key" : "value";
}
