using CircuitDsl.Interventions.Data;

namespace CircuitDsl.Zoo.Tasks;

/// <summary>How the corrupted input of patching is made for <c>ioi</c>.</summary>
public enum IoiCounterfactual
{
    /// <summary>Each prompt's own p_ABC prompt (three unrelated names), paired example by example.</summary>
    Abc,
    /// <summary>No paired prompt: the engine resamples another reference.</summary>
    Resample,
}

/// <summary>
/// The ioi task as engine examples: answers IO (correct) and S (wrong), named positions IO, S1, S2 and END (S1+1 is
/// S1 with an offset, as the language writes it), the template's name as the group, and the ABC counterfactual.
/// </summary>
public static class IoiData
{
    /// <summary>The positions every example names.</summary>
    public static readonly IReadOnlyList<string> PositionNames = ["IO", "S1", "S2", "END"];

    /// <param name="ids">The model's id of each word: the task's own integer ids (the default) or GPT-2's.</param>
    public static Dataset Create(IoiTask task, int count, ulong seed, IoiCounterfactual counterfactual, IoiWordIds? ids = null)
    {
        ids ??= IoiWordIds.Integer;
        var examples = task.Generate(count, seed).Select((e, i) => new Example(
            ids.Encode(e.Words),
            counterfactual: counterfactual == IoiCounterfactual.Abc ? ids.Encode(e.AbcWords) : null,
            answer: ids.Id(e.IndirectObject),
            wrongAnswer: ids.Id(e.Subject),
            positions: new Dictionary<string, int[]>
            {
                ["IO"] = [e.IoPosition],
                ["S1"] = [e.S1Position],
                ["S2"] = [e.S2Position],
                ["END"] = [e.EndPosition],
            },
            group: e.Template.Name,
            source: $"{IoiTask.Name} #{i} ({e.Template.Name}: {e})")).ToArray();
        string name = $"{IoiTask.Name}(count: {count}, seed: {seed}, counterfactual: {counterfactual.ToString().ToLowerInvariant()}, templates: {task.Family})";
        return new Dataset(examples, name: name);
    }
}
