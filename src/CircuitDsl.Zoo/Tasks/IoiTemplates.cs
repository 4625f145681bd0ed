namespace CircuitDsl.Zoo.Tasks;

/// <summary>Which name comes first: BABA puts the subject first (S1 before IO), ABBA the indirect object.</summary>
public enum IoiOrder { Baba, Abba }

/// <summary>
/// One IOI template in one name order. Slots: <c>[1]</c> and <c>[2]</c> are the two names introduced together,
/// <c>[3]</c> the subject's second mention (S2), <c>[PLACE]</c> and <c>[OBJECT]</c>. The prompt stops before the
/// answer, so its last word is END.
/// </summary>
public sealed record IoiTemplate(string Name, IoiOrder Order, IReadOnlyList<string> Words)
{
    public const string First = "[1]", Second = "[2]", Subject2 = "[3]", Place = "[PLACE]", Object = "[OBJECT]";

    /// <summary>The slot holding the indirect object and the one holding the first subject mention.</summary>
    public string IoSlot => Order == IoiOrder.Baba ? Second : First;
    public string S1Slot => Order == IoiOrder.Baba ? First : Second;
}

/// <summary>
/// The templates of the <c>ioi</c> task, after Wang et al.'s p_IOI. Every template has the same number of words,
/// so that all prompts (with <c>&lt;bos&gt;</c>, <see cref="PromptLength"/> tokens) batch without padding.
/// </summary>
public static class IoiTemplates
{
    static readonly string[][] Bases =
    [
        ["Then", ",", "[1]", "and", "[2]", "went", "to", "the", "[PLACE]", ".", "[3]", "gave", "a", "[OBJECT]", "to"],
        ["When", "[1]", "and", "[2]", "got", "a", "[OBJECT]", "at", "the", "[PLACE]", ",", "[3]", "gave", "it", "to"],
        ["Afterwards", "[1]", "and", "[2]", "went", "to", "the", "[PLACE]", ",", "and", "[3]", "handed", "a", "[OBJECT]", "to"],
    ];

    /// <summary>BABA-1..3 then ABBA-1..3: each base template in both name orders.</summary>
    public static readonly IReadOnlyList<IoiTemplate> All =
    [
        .. Bases.Select((words, i) => new IoiTemplate($"BABA-{i + 1}", IoiOrder.Baba, words)),
        .. Bases.Select((words, i) => new IoiTemplate($"ABBA-{i + 1}", IoiOrder.Abba, words)),
    ];

    /// <summary><c>&lt;bos&gt;</c> plus the words of any template.</summary>
    public static int PromptLength => 1 + Bases[0].Length;

    /// <summary>The families a <c>templates:</c> argument names, the default first (the task's definition offers these).</summary>
    public static IReadOnlyList<string> Families { get; } = ["all", "baba", "abba"];

    /// <summary>The templates a <c>templates:</c> argument selects: <c>all</c>, <c>baba</c> or <c>abba</c>.</summary>
    public static IReadOnlyList<IoiTemplate> Select(string family) => family switch
    {
        "all" => All,
        "baba" => All.Where(t => t.Order == IoiOrder.Baba).ToArray(),
        "abba" => All.Where(t => t.Order == IoiOrder.Abba).ToArray(),
        _ => throw new ArgumentException($"ioi templates must be all, baba or abba, not '{family}'"),
    };
}
