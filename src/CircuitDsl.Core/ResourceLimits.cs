namespace CircuitDsl;

/// <summary>
/// Every resource bound of CircuitDsl, in one place (docs/limits.md lists them for users). A `.circuit` file from an
/// untrusted pull request runs in CI, so each input is measured against these before any work starts, and a
/// violation is an input error (exit 2) that names the limit, never an out-of-memory crash or a hang.
/// The numbers are generous for real research (Llama-3.1-8B, a million examples) and small enough that a typo
/// (`count: 100000000`, `heads: 2147483647`) is caught instead of allocated.
/// </summary>
public static class ResourceLimits
{
    // ---- Files ----

    /// <summary>Largest `.circuit` file (checked or imported): a hand-written hypothesis is a few kilobytes.</summary>
    public const long MaxSourceFileBytes = 1 << 20;

    /// <summary>Largest JSONL data or counterfactual file.</summary>
    public const long MaxDataFileBytes = 256L << 20;

    /// <summary>Largest model config (config.json) read before the weights.</summary>
    public const long MaxConfigFileBytes = 1 << 20;

    /// <summary>
    /// Largest Hugging Face tokenizer file (tokenizer.json, tokenizer.model): Llama-3's tokenizer.json is about 9 MB,
    /// Gemma's about 17 MB; each is parsed into memory whole.
    /// </summary>
    public const long MaxTokenizerFileBytes = 64L << 20;

    /// <summary>Largest baseline report (`--baseline`).</summary>
    public const long MaxReportFileBytes = 64L << 20;

    // ---- Embedded C# (causal variables) ----

    /// <summary>Longest causal-variable expression, in characters.</summary>
    public const int MaxExpressionLength = 2_000;

    /// <summary>Deepest nesting of an expression's syntax tree (brackets, operators, calls): far past any real variable,
    /// far below what overflows the compiler's or the evaluator's stack. The parser counts open brackets; the compiler
    /// counts every expression and pattern node, so <c>1 + 1 + ...</c> with 65 terms is too deep as well.</summary>
    public const int MaxExpressionDepth = 64;

    /// <summary>Longest chain of member accesses and calls (<c>x.Tokens.Select(...).Where(...)...</c>), counted in
    /// <c>.</c> and <c>?.</c> (<c>x.Tokens.Take(3).Sum()</c> is 3).</summary>
    public const int MaxCallChainLength = 16;

    /// <summary>Deepest nesting of lambdas: each level multiplies an expression's cost by the sequence length, so a
    /// variable costs at most length³ steps.</summary>
    public const int MaxLambdaDepth = 2;

    /// <summary>The most one evaluation of a causal variable may take, in milliseconds: the static bounds make every
    /// evaluation end, and this turns a merely slow one into an error naming the variable, not a CI job that seems to hang.</summary>
    public const int EvaluationBudgetMilliseconds = 250;

    /// <summary>Stack size of the thread that parses a causal variable with Roslyn: within <see cref="MaxExpressionLength"/>
    /// an expression nests at most about 2,000 levels, at about 750 bytes each in Roslyn's unguarded paths (measured).</summary>
    public const int ParserStackBytes = 8 << 20;

    /// <summary>Stack size of the thread that evaluates causal variables, so that their depth is known.</summary>
    public const int EvaluationStackBytes = 16 << 20;

    // ---- Data ----

    /// <summary>Most examples in one dataset (a task's `count`, a JSONL file's lines, `--samples`).</summary>
    public const int MaxExamples = 1_000_000;

    /// <summary>Most tokens in one dataset (examples × sequence length): the token ids alone are then 200 MB.</summary>
    public const long MaxDatasetTokens = 50_000_000;

    /// <summary>
    /// Most bytes `circuit discover` keeps of a data set (per example and position, every sender's clean and ablated write
    /// and the clean stream at each layer, float32 d_model-vectors), estimated before it starts.
    /// </summary>
    public const long MaxDiscoveryCacheBytes = 4L << 30;

    /// <summary>Most nodes of an interpretation graph after treeification (shared nodes multiply along paths).</summary>
    public const int MaxTreeNodes = 100_000;

    /// <summary>Most rows per example of a node copy under per-position resampling (each nested key/value read multiplies them by the length).</summary>
    public const int MaxScrubRowsPerExample = 4_096;

    /// <summary>Most source draws per-position resampling makes for one node copy over the whole dataset (4 bytes each).</summary>
    public const long MaxScrubDraws = 50_000_000;

    // ---- Models ----

    /// <summary>Most layers (Llama-3.1-405B has 126).</summary>
    public const int MaxLayers = 1_024;

    /// <summary>Most attention heads per layer (Llama-3.1-405B has 128).</summary>
    public const int MaxHeads = 1_024;

    /// <summary>Widest residual stream (Llama-3.1-405B: 16,384).</summary>
    public const int MaxModelWidth = 65_536;

    /// <summary>Widest MLP hidden layer (Llama-3.1-405B: 53,248).</summary>
    public const int MaxMlpWidth = 262_144;

    /// <summary>Largest vocabulary (Gemma-2: 256,000).</summary>
    public const int MaxVocabulary = 1_048_576;

    /// <summary>Longest context (Llama-3.1: 131,072).</summary>
    public const int MaxContext = 1_048_576;

    /// <summary>Most parameters a config may declare (about 64 GB of float32), checked before anything is allocated.</summary>
    public const long MaxParameters = 16_000_000_000;

    /// <summary>Most training steps of `circuit train --steps` (the longest recipe trains 6,000).</summary>
    public const int MaxTrainingSteps = 1_000_000;

    /// <summary>Most examples `circuit show --examples` draws (one picture per head and example).</summary>
    public const int MaxPictureExamples = 100;

    // ---- The machine ----

    /// <summary>Most libtorch threads: more than the machine's logical processors only adds spinning workers.</summary>
    public static int MaxThreads => Environment.ProcessorCount;
}
