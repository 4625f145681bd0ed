using System.Collections.Frozen;
using System.Globalization;

namespace CircuitDsl.Language.Syntax;

/// <summary>The words of the language: which are reserved, which are keywords only in context, and their meanings.</summary>
public static class SyntaxFacts
{
    /// <summary>Words that can never be names.</summary>
    public static FrozenSet<string> ReservedWords { get; } = FrozenSet.ToFrozenSet(
    [
        "import", "model", "data", "metric", "let", "group", "hypothesis", "node", "computes", "from",
        "agreeing", "on", "at", "all", "unimportant", "expect", "ablation", "direction", "baseline",
        "unmapped", "granularity", "per", "embed", "pos_embed", "logits", "true", "false",
    ], StringComparer.Ordinal);

    /// <summary>Words that are keywords only where the grammar expects them, and otherwise plain names.</summary>
    public static FrozenSet<string> ContextualKeywords { get; } = FrozenSet.ToFrozenSet(
    [
        "q", "k", "v", "mlp", "scrub", "knockout", "path", "recovers", "effect",
        "zero", "mean", "resample", "circuit", "complement", "keep", "component", "position",
        "shuffled_labels", "resampled_input", "faithfulness",
    ], StringComparer.Ordinal);

    /// <summary>Every keyword the parser knows (reserved and contextual); the editor grammar must cover all.</summary>
    public static IReadOnlyList<string> AllKeywords { get; } =
        [.. ReservedWords.Concat(ContextualKeywords).Order(StringComparer.Ordinal)];

    /// <summary>Keywords that may start a top-level declaration (used for error recovery).</summary>
    public static FrozenSet<string> TopLevelStarters { get; } = FrozenSet.ToFrozenSet(
    [
        "import", "model", "data", "metric", "let", "group", "hypothesis",
        "ablation", "direction", "baseline", "unmapped", "granularity",
    ], StringComparer.Ordinal);

    /// <summary>Keywords that may start a hypothesis member (used for error recovery).</summary>
    public static FrozenSet<string> MemberStarters { get; } = FrozenSet.ToFrozenSet(
    [
        "model", "data", "metric", "let", "group", "node", "unimportant", "expect",
        "ablation", "direction", "baseline", "unmapped", "granularity",
    ], StringComparer.Ordinal);

    /// <summary>Spellings of the ablation kinds.</summary>
    public static IReadOnlyDictionary<string, AblationKind> AblationWords { get; } =
        new Dictionary<string, AblationKind> { ["zero"] = AblationKind.Zero, ["mean"] = AblationKind.Mean, ["resample"] = AblationKind.Resample };

    /// <summary>Spellings of the patch directions.</summary>
    public static IReadOnlyDictionary<string, KnockoutDirection> DirectionWords { get; } =
        new Dictionary<string, KnockoutDirection> { ["circuit"] = KnockoutDirection.Circuit, ["complement"] = KnockoutDirection.Complement };

    /// <summary>Spellings of the baselines that take no components.</summary>
    public static IReadOnlyDictionary<string, BaselineKind> BaselineWords { get; } =
        new Dictionary<string, BaselineKind> { ["shuffled_labels"] = BaselineKind.ShuffledLabels, ["resampled_input"] = BaselineKind.ResampledInput, ["resample"] = BaselineKind.ResampleInputsOf };

    /// <summary>Spellings of the unmapped-input policies.</summary>
    public static IReadOnlyDictionary<string, UnmappedInputs> UnmappedWords { get; } =
        new Dictionary<string, UnmappedInputs> { ["resample"] = UnmappedInputs.Resample, ["keep"] = UnmappedInputs.Keep };

    /// <summary>Spellings of the granularities.</summary>
    public static IReadOnlyDictionary<string, Granularity> GranularityWords { get; } =
        new Dictionary<string, Granularity> { ["component"] = Granularity.Component, ["position"] = Granularity.Position };

    /// <summary>Spellings of the expectation subjects.</summary>
    public static IReadOnlyDictionary<string, ExpectationSubject> SubjectWords { get; } =
        new Dictionary<string, ExpectationSubject> { ["scrub"] = ExpectationSubject.Scrub, ["knockout"] = ExpectationSubject.Knockout, ["path"] = ExpectationSubject.Path, ["model"] = ExpectationSubject.Model, ["circuit"] = ExpectationSubject.Circuit };

    /// <summary>Spellings of the statistics.</summary>
    public static IReadOnlyDictionary<string, Statistic> StatisticWords { get; } =
        new Dictionary<string, Statistic> { ["recovers"] = Statistic.Recovers, ["metric"] = Statistic.Metric, ["effect"] = Statistic.Effect, ["faithfulness"] = Statistic.Faithfulness };

    /// <summary>Which statistics each subject offers.</summary>
    public static IReadOnlyDictionary<ExpectationSubject, Statistic[]> StatisticsOf { get; } =
        new Dictionary<ExpectationSubject, Statistic[]>
        {
            [ExpectationSubject.Scrub] = [Statistic.Recovers, Statistic.Metric],
            [ExpectationSubject.Knockout] = [Statistic.Recovers, Statistic.Metric],
            [ExpectationSubject.Path] = [Statistic.Effect, Statistic.Metric],
            [ExpectationSubject.Model] = [Statistic.Metric],
            [ExpectationSubject.Circuit] = [Statistic.Faithfulness, Statistic.Metric],
        };

    /// <summary>
    /// The statistic a subject's check reports for the word a file writes: a knockout's <c>recovers</c> is
    /// <see cref="Statistic.Fraction"/>, metric(circuit) / metric(model) (Wang et al.'s F(C)/F(M)); every other word is
    /// the statistic of its name. The binder resolves it once; the plan, the results and the reports carry the result.
    /// </summary>
    public static Statistic Reported(ExpectationSubject subject, Statistic written) =>
        (subject, written) is (ExpectationSubject.Knockout, Statistic.Recovers) ? Statistic.Fraction : written;

    /// <summary>The word a file writes for a statistic its subject reports (the inverse of <see cref="Reported"/>).</summary>
    public static Statistic Written(ExpectationSubject subject, Statistic reported) =>
        (subject, reported) is (ExpectationSubject.Knockout, Statistic.Fraction) ? Statistic.Recovers : reported;

    /// <summary>Spellings of the comparison operators.</summary>
    public static IReadOnlyDictionary<string, ComparisonOperator> OperatorWords { get; } =
        ComparisonOperators.Spellings;

    /// <summary>Spellings of the built-in components.</summary>
    public static IReadOnlyDictionary<string, BuiltinComponent> BuiltinWords { get; } =
        new Dictionary<string, BuiltinComponent> { ["embed"] = BuiltinComponent.TokenEmbedding, ["pos_embed"] = BuiltinComponent.PositionalEmbedding, ["logits"] = BuiltinComponent.Logits };

    /// <summary>Spellings of the channels.</summary>
    public static IReadOnlyDictionary<string, Channel> ChannelWords { get; } =
        new Dictionary<string, Channel> { ["q"] = Channel.Query, ["k"] = Channel.Key, ["v"] = Channel.Value };

    /// <summary>The text of an enum value as the language spells it.</summary>
    public static string Spell<T>(IReadOnlyDictionary<string, T> words, T value)
        where T : struct, Enum =>
        words.First(pair => EqualityComparer<T>.Default.Equals(pair.Value, value)).Key;

    /// <summary>The suffix of a channel (<c>q</c>, <c>k</c>, <c>v</c>), or empty for the output.</summary>
    public static string ChannelSuffix(Channel channel) => channel == Channel.Output ? string.Empty : Spell(ChannelWords, channel);

    /// <summary>True for identifiers shaped like a layer (<c>L0</c>, <c>L12</c>), which always start a component.</summary>
    public static bool IsLayerWord(ReadOnlySpan<char> text) =>
        text.Length >= 2 && text[0] == 'L' && !text[1..].ContainsAnyExceptInRange('0', '9');

    /// <summary>True when an identifier may name a declaration (not reserved, not layer-shaped).</summary>
    public static bool IsValidName(string text) => !ReservedWords.Contains(text) && !IsLayerWord(text);

    /// <summary>A short description of a token for "found ..." messages.</summary>
    public static string Describe(string source, Token token)
    {
        string text = Shorten(token.TextIn(source));
        return token.Kind switch
        {
            TokenKind.EndOfFile => "end of file",
            TokenKind.Identifier when ReservedWords.Contains(text) => $"keyword '{text}'",
            TokenKind.Identifier => $"identifier '{text}'",
            TokenKind.Number => $"number '{text}'",
            TokenKind.String or TokenKind.UnterminatedString => $"string {text}",
            TokenKind.Punctuation => $"'{text}'",
            TokenKind.UnterminatedComment => "an unterminated comment",
            _ => DescribeCharacter(token.TextIn(source)),
        };
    }

    private static string DescribeCharacter(string text)
    {
        int codePoint = char.IsSurrogatePair(text, 0) ? char.ConvertToUtf32(text, 0) : text[0];
        string code = "U+" + codePoint.ToString("X4", CultureInfo.InvariantCulture);
        return codePoint < 0x20 || codePoint == 0x7F || char.IsSurrogate(text[0]) || codePoint == 0xFFFD
            ? $"character {code}"
            : $"character '{text}' ({code})";
    }

    /// <summary>Source text cut to 40 characters for messages.</summary>
    public static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";
}
