namespace CircuitDsl.Language.Binding;

/// <summary>
/// Cycle detection and ordering over named declarations (groups, nodes, variables). Iterative throughout, so
/// long chains of declarations cannot overflow the call stack.
/// </summary>
internal sealed class DependencyGraph(IReadOnlyList<string> names, Func<string, IEnumerable<string>> dependencies)
{
    private readonly HashSet<string> _known = [.. names];

    /// <summary>
    /// One cycle per strongly connected component that has one (as a closed walk, e.g. [a, b, a]), and an
    /// order in which every name comes after its dependencies (names on cycles are left out of the order).
    /// </summary>
    public (List<List<string>> Cycles, List<string> Order) Analyze()
    {
        var components = StronglyConnectedComponents();
        var cycles = new List<List<string>>();
        var cyclic = new HashSet<string>();
        foreach (var component in components)
        {
            bool selfLoop = component.Count == 1 && Next(component[0]).Contains(component[0]);
            if (component.Count > 1 || selfLoop)
            {
                cycles.Add(WalkCycle(component));
                cyclic.UnionWith(component);
            }
        }

        // Tarjan emits components dependencies-first, which is the order we want.
        var order = components.SelectMany(c => c).Where(n => !cyclic.Contains(n)).ToList();
        return (cycles, order);
    }

    private IEnumerable<string> Next(string name) => dependencies(name).Where(_known.Contains);

    private List<string> WalkCycle(List<string> component)
    {
        var members = new HashSet<string>(component);
        var walk = new List<string>();
        var seenAt = new Dictionary<string, int>();
        string current = names.First(members.Contains);
        while (!seenAt.ContainsKey(current))
        {
            seenAt[current] = walk.Count;
            walk.Add(current);
            current = Next(current).First(members.Contains);
        }

        var cycle = walk.Skip(seenAt[current]).ToList();
        cycle.Add(current);
        return cycle;
    }

    private List<List<string>> StronglyConnectedComponents()
    {
        var index = new Dictionary<string, int>();
        var lowLink = new Dictionary<string, int>();
        var onStack = new HashSet<string>();
        var stack = new Stack<string>();
        var result = new List<List<string>>();
        int counter = 0;
        foreach (string start in names)
        {
            if (index.ContainsKey(start))
            {
                continue;
            }

            var work = new Stack<(string Name, IEnumerator<string> Edges)>();
            Visit(start);
            while (work.Count > 0)
            {
                var (name, edges) = work.Peek();
                if (edges.MoveNext())
                {
                    string next = edges.Current;
                    if (!index.ContainsKey(next))
                    {
                        Visit(next);
                    }
                    else if (onStack.Contains(next))
                    {
                        lowLink[name] = Math.Min(lowLink[name], index[next]);
                    }

                    continue;
                }

                work.Pop();
                if (work.Count > 0)
                {
                    string parent = work.Peek().Name;
                    lowLink[parent] = Math.Min(lowLink[parent], lowLink[name]);
                }

                if (lowLink[name] == index[name])
                {
                    var component = new List<string>();
                    string member;
                    do
                    {
                        member = stack.Pop();
                        onStack.Remove(member);
                        component.Add(member);
                    }
                    while (member != name);
                    result.Add(component);
                }
            }

            void Visit(string name)
            {
                index[name] = lowLink[name] = counter++;
                stack.Push(name);
                onStack.Add(name);
                work.Push((name, Next(name).Distinct().ToList().GetEnumerator()));
            }
        }

        return result;
    }
}
