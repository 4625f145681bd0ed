namespace CircuitDsl.Interventions.Data;

/// <summary>
/// The reference examples a check scores, and the counterfactual pool that resampling draws from (by default the
/// references themselves). Every prompt has the same length, so examples batch without padding.
/// </summary>
public sealed class Dataset
{
    public Dataset(IReadOnlyList<Example> examples, IReadOnlyList<Example>? pool = null, string name = "data")
    {
        if (examples.Count == 0) throw new ArgumentException($"{name}: no examples");
        Name = name;
        Examples = examples;
        Pool = pool ?? examples;
        PoolIsReferences = pool is null;
        if (Pool.Count == 0) throw new ArgumentException($"{name}: the counterfactual pool is empty");
        Length = examples[0].Length;
        foreach (var e in examples.Concat(Pool))
            if (e.Length != Length)
                throw new ArgumentException(
                    $"{name}: {e.Source ?? "an example"} has {e.Length} tokens but the first has {Length}; every prompt of a dataset must have the same length");
    }

    public string Name { get; }
    public IReadOnlyList<Example> Examples { get; }
    /// <summary>Where resampled inputs come from.</summary>
    public IReadOnlyList<Example> Pool { get; }
    public bool PoolIsReferences { get; }
    public int Count => Examples.Count;
    public int Length { get; }

    /// <summary>The first <paramref name="count"/> examples (the pool is kept whole).</summary>
    public Dataset Take(int count) =>
        count >= Count ? this : new Dataset(Examples.Take(count).ToArray(), PoolIsReferences ? null : Pool, Name);

    public bool HasCounterfactuals => Examples.All(e => e.Counterfactual is not null);

    /// <summary>
    /// Data are numbered in one space: references 0..Count-1, then (when the pool is separate) the pool.
    /// Samplers return these numbers; the engine turns them into token batches.
    /// </summary>
    public int DatumCount => PoolIsReferences ? Count : Count + Pool.Count;

    public Example Datum(int index) => index < Count ? Examples[index] : Pool[index - Count];

    /// <summary>The datum number of pool example <paramref name="poolIndex"/>.</summary>
    public int PoolDatum(int poolIndex) => PoolIsReferences ? poolIndex : Count + poolIndex;
}
