using CircuitDsl.Interventions.Statistics;

namespace CircuitDsl.Zoo.Tasks;

/// <summary>
/// Indirect object identification (Wang et al. 2022): "Then , Mary and John went to the store . John gave a drink
/// to" should continue with the indirect object (Mary), not the subject (John). Each prompt comes with its p_ABC
/// counterfactual: the same template, place and object, with the three name slots filled by three other distinct
/// names, so that patching from it removes the name information and nothing else.
/// </summary>
/// <param name="Family">Which templates are drawn from, uniformly: <c>all</c>, <c>baba</c> or <c>abba</c>.</param>
public sealed record IoiTask(string Family = "all")
{
    public const string Name = "ioi";

    public IReadOnlyList<IoiTemplate> Templates { get; } = IoiTemplates.Select(Family);

    /// <summary>The same <paramref name="count"/> examples for the same seed, on every machine.</summary>
    public IReadOnlyList<IoiExample> Generate(int count, ulong seed)
    {
        var random = new SplitMix64(seed);
        var examples = new IoiExample[count];
        for (int i = 0; i < count; i++)
        {
            var template = Templates[random.Next(Templates.Count)];
            var names = DistinctNames(random, 5);
            // names[0] is the indirect object, names[1] the subject; names[2..4] fill the ABC counterfactual.
            string place = IoiVocabulary.Places[random.Next(IoiVocabulary.Places.Count)];
            string obj = IoiVocabulary.Objects[random.Next(IoiVocabulary.Objects.Count)];
            examples[i] = new IoiExample(template, names[0], names[1], place, obj, (names[2], names[3], names[4]));
        }
        return examples;
    }

    /// <summary>A uniform draw of <paramref name="count"/> different names (a partial Fisher-Yates shuffle).</summary>
    static string[] DistinctNames(SplitMix64 random, int count)
    {
        var pool = IoiVocabulary.Names.ToArray();
        for (int i = 0; i < count; i++)
        {
            int j = i + random.Next(pool.Length - i);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }
        return pool[..count];
    }
}

/// <summary>One IOI prompt, its ABC counterfactual, and the positions and answers a hypothesis names.</summary>
public sealed class IoiExample
{
    public IoiExample(IoiTemplate template, string indirectObject, string subject, string place, string obj,
        (string First, string Second, string Subject2) abcNames)
    {
        Template = template;
        IndirectObject = indirectObject;
        Subject = subject;
        Place = place;
        Object = obj;
        var slots = new Dictionary<string, string>
        {
            [template.IoSlot] = indirectObject,
            [template.S1Slot] = subject,
            [IoiTemplate.Subject2] = subject,
            [IoiTemplate.Place] = place,
            [IoiTemplate.Object] = obj,
        };
        Words = [IoiVocabulary.Bos, .. template.Words.Select(w => slots.GetValueOrDefault(w, w))];
        slots[IoiTemplate.First] = abcNames.First;
        slots[IoiTemplate.Second] = abcNames.Second;
        slots[IoiTemplate.Subject2] = abcNames.Subject2;
        AbcWords = [IoiVocabulary.Bos, .. template.Words.Select(w => slots.GetValueOrDefault(w, w))];
        // +1: the <bos> token precedes the template's words.
        IoPosition = 1 + IndexOf(template.IoSlot);
        S1Position = 1 + IndexOf(template.S1Slot);
        S2Position = 1 + IndexOf(IoiTemplate.Subject2);
        EndPosition = Words.Length - 1;
    }

    public IoiTemplate Template { get; }
    public string IndirectObject { get; }
    public string Subject { get; }
    public string Place { get; }
    public string Object { get; }
    public string[] Words { get; }
    /// <summary>The p_ABC prompt: the same words except three other distinct names in the name slots.</summary>
    public string[] AbcWords { get; }
    public int IoPosition { get; }
    public int S1Position { get; }
    public int S2Position { get; }
    /// <summary>The last token, where the model predicts the indirect object.</summary>
    public int EndPosition { get; }

    public int[] Tokens => Words.Select(IoiVocabulary.Id).ToArray();
    public int[] AbcTokens => AbcWords.Select(IoiVocabulary.Id).ToArray();
    public int IndirectObjectToken => IoiVocabulary.Id(IndirectObject);
    public int SubjectToken => IoiVocabulary.Id(Subject);

    public override string ToString() => string.Join(' ', Words[1..]);

    int IndexOf(string slot)
    {
        int index = Template.Words.ToList().IndexOf(slot);
        return index >= 0 ? index : throw new ArgumentException($"template {Template.Name} has no slot {slot}");
    }
}
