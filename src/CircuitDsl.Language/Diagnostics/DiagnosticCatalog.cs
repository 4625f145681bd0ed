namespace CircuitDsl.Language.Diagnostics;

/// <summary>
/// Every diagnostic the language front end can report, with its stable code. Codes are append-only:
/// a code is never reused for another meaning.
/// <list type="bullet">
/// <item>CD1xxx: syntax (the parser).</item>
/// <item>CD2xxx: binding (names, the model's shape, the interpretation graph, imports).</item>
/// <item>CD3xxx: the compiler (causal-variable expressions, lowering to C#, Roslyn): CircuitDsl.Compiler's
/// CompilerDiagnostics owns them, except CD3008 and CD3009, which the parser reports first and so live here.</item>
/// <item>CD4xxx: running checks (`circuit check`'s RunDiagnostics).</item>
/// <item>CD5xxx: files and models (reading, decoding, resolving).</item>
/// </list>
/// </summary>
public static class DiagnosticCatalog
{
    private static DiagnosticDescriptor Error(string code, string title, string format) =>
        new(code, DiagnosticSeverity.Error, title, format);

    private static DiagnosticDescriptor Warning(string code, string title, string format) =>
        new(code, DiagnosticSeverity.Warning, title, format);

    // ---- CD1xxx: syntax ----

    /// <summary>The parser found something other than what the grammar allows here.</summary>
    public static readonly DiagnosticDescriptor UnexpectedToken =
        Error("CD1001", "Unexpected token", "Expected {0}, found {1}.");

    /// <summary>A string literal runs to the end of its line.</summary>
    public static readonly DiagnosticDescriptor UnterminatedString =
        Error("CD1002", "Unterminated string", "String literal is not terminated: add '\"' before the end of the line.");

    /// <summary>A block comment runs to the end of the file.</summary>
    public static readonly DiagnosticDescriptor UnterminatedComment =
        Error("CD1003", "Unterminated comment", "Block comment is not terminated: add '*/'.");

    /// <summary>A bracket in a C# expression is never closed.</summary>
    public static readonly DiagnosticDescriptor UnclosedBracket =
        Error("CD1004", "Unclosed bracket", "'{0}' is never closed: add '{1}'.");

    /// <summary>A closing bracket in a C# expression does not match the open one.</summary>
    public static readonly DiagnosticDescriptor MismatchedBracket =
        Error("CD1005", "Mismatched bracket", "Found '{0}', but '{1}' at line {2}, column {3} needs '{4}'.");

    /// <summary>A hypothesis block has no closing brace.</summary>
    public static readonly DiagnosticDescriptor UnclosedHypothesis =
        Error("CD1006", "Unclosed hypothesis", "Hypothesis '{0}' is not closed: expected '}}' before {1}.");

    /// <summary>A number its place cannot hold: not a finite double, rounded to zero, or beyond the integer type it needs.</summary>
    public static readonly DiagnosticDescriptor NumberOutOfRange =
        Error("CD1007", "Number out of range", "Number '{0}' is out of range: {1}.");

    // ---- CD2xxx: binding ----

    /// <summary>A name that no declaration defines.</summary>
    public static readonly DiagnosticDescriptor UndefinedName =
        Error("CD2001", "Undefined name", "'{0}' is not defined{1}.");

    /// <summary>Two declarations with one name in one scope.</summary>
    public static readonly DiagnosticDescriptor DuplicateName =
        Error("CD2002", "Duplicate name", "'{0}' is already defined at {1}.");

    /// <summary>A layer index the model does not have.</summary>
    public static readonly DiagnosticDescriptor LayerOutOfRange =
        Error("CD2003", "Layer out of range", "Layer '{0}' does not exist: model '{1}' has {2} layer(s), L0 to L{3}.");

    /// <summary>A head index the model does not have.</summary>
    public static readonly DiagnosticDescriptor HeadOutOfRange =
        Error("CD2004", "Head out of range", "Head '{0}' does not exist: model '{1}' has {2} head(s) per layer, H0 to H{3}.");

    /// <summary>q/k/v of something that is not an attention head.</summary>
    public static readonly DiagnosticDescriptor ChannelOnNonHead =
        Error("CD2005", "Channel of a non-head", "'.{0}' names an attention head's query, key or value input, but {1} is not an attention head.");

    /// <summary>An MLP in a model without MLPs.</summary>
    public static readonly DiagnosticDescriptor NoMlp =
        Error("CD2006", "No MLP", "'{0}' does not exist: model '{1}' is attention-only and has no MLPs.");

    /// <summary>A path step whose receiver is computed before its sender.</summary>
    public static readonly DiagnosticDescriptor PathRunsBackwards =
        Error("CD2007", "Path runs backwards", "Path step '{0} -> {1}' runs backwards: {1} is computed before {0}.");

    /// <summary>A path step between two heads of one layer.</summary>
    public static readonly DiagnosticDescriptor PathWithinLayer =
        Error("CD2008", "Path stays inside a layer", "Path step '{0} -> {1}' stays inside layer {2}: heads of one layer cannot read each other's output.");

    /// <summary>Nodes, groups or variables that depend on themselves.</summary>
    public static readonly DiagnosticDescriptor Cycle =
        Error("CD2009", "Cycle", "{0} depend on each other in a cycle: {1}.");

    /// <summary>An interpretation graph without exactly one root.</summary>
    public static readonly DiagnosticDescriptor RootCount =
        Error("CD2010", "Not one root", "The interpretation graph must have exactly one root (a node that no other node reads from), mapped to the output; found {0}: {1}.");

    /// <summary>The root node does not map the output.</summary>
    public static readonly DiagnosticDescriptor RootNotOutput =
        Error("CD2011", "Root is not the output", "The root node '{0}' must map 'logits' (the output), but it maps {1}.");

    /// <summary>Two interpretation nodes claim the same component on the same treeified path.</summary>
    public static readonly DiagnosticDescriptor MappedTwice =
        Error("CD2012", "Component mapped twice", "{0} is mapped twice after treeification: '{1}' and '{2}' both feed {3} of node '{4}'.");

    /// <summary>A node whose component has no inputs, yet with input clauses.</summary>
    public static readonly DiagnosticDescriptor InputsOfInputNode =
        Error("CD2013", "Node without inputs", "Node '{0}' maps {1}, which reads nothing; it cannot have input clauses.");

    /// <summary>A node input that is not upstream of the node.</summary>
    public static readonly DiagnosticDescriptor EdgeNotExtending =
        Error("CD2014", "Child path does not extend parent", "Input {0} of node '{1}' cannot come from {2}: {3}. A child's paths must extend its parent's.");

    /// <summary>A hypothesis without a model.</summary>
    public static readonly DiagnosticDescriptor MissingModel =
        Error("CD2015", "Missing model", "Hypothesis '{0}' has no model: add 'model zoo:NAME' to it or to the file.");

    /// <summary>A hypothesis without data.</summary>
    public static readonly DiagnosticDescriptor MissingData =
        Error("CD2016", "Missing data", "Hypothesis '{0}' has no data: add 'data TASK(...)' to it or to the file.");

    /// <summary>A hypothesis without a metric.</summary>
    public static readonly DiagnosticDescriptor MissingMetric =
        Error("CD2017", "Missing metric", "Hypothesis '{0}' has no metric: add 'metric loss' (or another metric) to it or to the file.");

    /// <summary>A task name the catalogue does not know.</summary>
    public static readonly DiagnosticDescriptor UnknownTask =
        Error("CD2018", "Unknown task", "Unknown task '{0}'{1}; known tasks: {2}.");

    /// <summary>A task argument that is unknown or has the wrong type or value.</summary>
    public static readonly DiagnosticDescriptor InvalidArgument =
        Error("CD2019", "Invalid argument", "{0}");

    /// <summary>A required task argument is missing.</summary>
    public static readonly DiagnosticDescriptor MissingArgument =
        Error("CD2020", "Missing argument", "Task '{0}' needs the argument '{1}' ({2}).");

    /// <summary>A named position the task does not define.</summary>
    public static readonly DiagnosticDescriptor UnknownPosition =
        Error("CD2021", "Unknown position", "'{0}' is not a named position of task '{1}'{2}; it defines {3}.");

    /// <summary>A fixed position outside the model's context.</summary>
    public static readonly DiagnosticDescriptor PositionOutOfRange =
        Error("CD2022", "Position out of range", "Position {0} is outside the context of model '{1}', which has {2} positions.");

    /// <summary>A metric answer the task does not define.</summary>
    public static readonly DiagnosticDescriptor UnknownAnswer =
        Error("CD2023", "Unknown answer", "'{0}' is not an answer of task '{1}'; it defines {2}.");

    /// <summary>An unknown metric, or a metric with the wrong number of arguments.</summary>
    public static readonly DiagnosticDescriptor InvalidMetric =
        Error("CD2024", "Invalid metric", "{0}");

    /// <summary>A setting given twice in one scope.</summary>
    public static readonly DiagnosticDescriptor DuplicateSetting =
        Error("CD2025", "Duplicate setting", "'{0}' is already set in this scope at {1}.");

    /// <summary>A component claimed unimportant that a node maps.</summary>
    public static readonly DiagnosticDescriptor UnimportantButMapped =
        Error("CD2026", "Unimportant but mapped", "{0} is claimed unimportant, but node '{1}' maps it.");

    /// <summary>An expectation that needs an interpretation graph in a hypothesis without nodes.</summary>
    public static readonly DiagnosticDescriptor ExpectationNeedsGraph =
        Error("CD2027", "Expectation needs nodes", "'expect {0}' needs an interpretation graph: declare the nodes of hypothesis '{1}' with 'node'.");

    /// <summary>A method choice that the hypothesis leaves to the default.</summary>
    public static readonly DiagnosticDescriptor MethodNotStated =
        Warning("CD2028", "Method not stated", "Hypothesis '{0}' does not state '{1}'; using '{1} {2}'. Published scores swing with this choice: state it.");

    /// <summary>Files that import each other.</summary>
    public static readonly DiagnosticDescriptor ImportCycle =
        Error("CD2029", "Import cycle", "Import cycle: {0}.");

    /// <summary>An imported file declares something that cannot be shared.</summary>
    public static readonly DiagnosticDescriptor ImportedDeclaration =
        Error("CD2030", "Declaration cannot be imported", "'{0}' declares {1}; an imported file may only declare 'import', 'let' and 'group'.");

    /// <summary>An example group the task does not define (e.g. 'ablation mean per template').</summary>
    public static readonly DiagnosticDescriptor UnknownExampleGroup =
        Error("CD2031", "Unknown example group", "Task '{0}' has no example group '{1}'; it has {2}.");

    /// <summary>A sender (path start, node input source) that names a head's q/k/v input.</summary>
    public static readonly DiagnosticDescriptor SenderWithChannel =
        Error("CD2032", "Sender names an input channel", "{0} is an input channel, but {1} must be a component's output: drop '.{2}'.");

    /// <summary>A name used as a component that is not a node or group.</summary>
    public static readonly DiagnosticDescriptor NotAComponent =
        Error("CD2033", "Not a component", "'{0}' is a {1}, not a component, node or group.");

    /// <summary>A name used as a variable that is not one.</summary>
    public static readonly DiagnosticDescriptor NotAVariable =
        Error("CD2034", "Not a variable", "'{0}' is a {1}, not a causal variable.");

    /// <summary>A treeified interpretation graph too large to run (shared nodes multiply along paths).</summary>
    public static readonly DiagnosticDescriptor TreeTooLarge =
        Error("CD2035", "Interpretation tree too large", "After treeification the interpretation graph has more than {0} nodes; share fewer nodes between parents.");

    /// <summary>A dataset whose examples or tokens exceed the limits, refused before any example is made.</summary>
    public static readonly DiagnosticDescriptor DatasetTooLarge =
        Error("CD2036", "Dataset too large", "{0}");

    /// <summary>A knockout's fraction of a metric for which smaller means more of the behaviour.</summary>
    public static readonly DiagnosticDescriptor FractionOfLowerIsBetterMetric =
        Error("CD2037", "Fraction of a lower-is-better metric", "'expect knockout recovers' is metric(circuit) / metric(model), a share of the behaviour only for logit_diff or accuracy; with metric '{0}' it grows as the circuit fails. Write 'expect knockout metric <= X', or use logit_diff or accuracy.");

    /// <summary>A logit difference written in the other order than the data's answers, which the engine reads first minus second.</summary>
    public static readonly DiagnosticDescriptor ReversedLogitDiff =
        Error("CD2038", "Logit difference reversed", "The engine's logit_diff is the data's first answer minus its second: write logit_diff({0}, {1}) (a reversed difference is its negative).");

    /// <summary>A path with a step between its receivers and the logits, which would need treeified path patching.</summary>
    public static readonly DiagnosticDescriptor PathTooLong =
        Error("CD2039", "Path too long", "The engine patches one sender step into one receiver step (then recomputes everything after it, so a trailing '-> logits' adds nothing); '{0}' has {1} steps after its senders.");

    /// <summary>A path's second step that is not heads' inputs alone or the logits alone.</summary>
    public static readonly DiagnosticDescriptor InvalidReceiver =
        Error("CD2040", "Invalid path receiver", "{0}");

    /// <summary><c>pos_embed</c> in a rotary model, where positions enter through the queries and keys.</summary>
    public static readonly DiagnosticDescriptor NoPositionEmbedding =
        Error("CD2041", "No position embedding", "'pos_embed' does not exist: model '{0}' is rotary (positions enter through each head's queries and keys), so it has no learned position embedding.");

    /// <summary>A head of layer l feeding the MLP of layer l in a model with parallel blocks.</summary>
    public static readonly DiagnosticDescriptor ParallelBlock =
        Error("CD2042", "Head does not feed its layer's MLP", "{0} cannot feed {1}: model '{2}' has parallel blocks (x' = x + attn(x) + mlp(x)), so the MLP of layer {3} reads the block's input beside its heads, not their output.");

    /// <summary>Causal scrubbing of a hypothesis (or baseline) that maps a head, on a model with sandwich norms.</summary>
    public static readonly DiagnosticDescriptor ScrubbedHeadUnderSandwichNorms =
        Error("CD2044", "Scrubbed head under sandwich norms", "'expect scrub' cannot map {0} ({1}): model '{2}' normalises each attention block's output (sandwich norms: attn_out = ln1_post(Σ heads + b_O)), so the residual stream is not a sum of head outputs and a head's write depends on every other head of its layer. Scrub MLPs and embeddings only on this model; paths, activation patching and ablation of heads are exact.");

    /// <summary>
    /// Under grouped-query attention, a hypothesis that tells apart two query heads whose key (or value) input is
    /// one key/value head's: a path into one of them, or different inputs claimed for them.
    /// </summary>
    public static readonly DiagnosticDescriptor SharedKeyValueInput =
        Warning("CD2043", "Heads share a key/value input", "{0} and {1} read one '.{2}' input, key/value head {3} of layer {4}, which model '{5}' shares among query heads {6}; but {7}. Under grouped-query attention '{8}' is the input of the whole group (TransformerLens's hook_{2}_input), so the hypothesis cannot tell these heads apart there.");

    /// <summary>'expect circuit' on a hypothesis whose nodes and paths state no edge.</summary>
    public static readonly DiagnosticDescriptor CircuitWithoutEdges =
        Error("CD2050", "Circuit without edges", "'expect circuit' measures the hypothesis's own edges, but hypothesis '{0}' states none: add 'from' clauses to its nodes (node out = logits from L1.H0) or 'expect path' claims.");

    /// <summary>'expect circuit' on a hypothesis whose edges are restricted to positions.</summary>
    public static readonly DiagnosticDescriptor CircuitEdgeAtPositions =
        Error("CD2051", "Circuit edge at positions", "'expect circuit' measures edges of the edge graph, which span every position; {0} restricts its edges to positions ('at {1}'), which the edge graph cannot express. Drop the 'at', or claim the positions with 'expect knockout' or 'expect path'.");

    /// <summary>
    /// 'expect circuit' on a model whose residual stream the edge graph cannot split into edges. No longer raised
    /// (<see cref="Retired"/>): the edge graph splits every architecture the runtime runs, grouped-query attention,
    /// parallel blocks and sandwich norms included (src/CircuitDsl.Discovery/README.md); kept so that old reports
    /// still look up.
    /// </summary>
    public static readonly DiagnosticDescriptor CircuitModelUnsupported =
        Error("CD2052", "Circuit on an unsupported model", "'expect circuit' cannot run on model '{0}': {1}.");

    /// <summary>'expect circuit' with a method choice the edge evaluation cannot run (a per-group mean, accuracy).</summary>
    public static readonly DiagnosticDescriptor CircuitMethodUnsupported =
        Error("CD2053", "Circuit method not expressible", "'expect circuit' cannot use {0}: {1}.");

    // ---- CD3xxx: the two compiler codes the parser reports too (brackets and length, before anything recursive
    // walks an expression). The compiler's own CD3xxx are in CircuitDsl.Compiler's CompilerDiagnostics. ----

    /// <summary>
    /// An expression nested deeper than <see cref="ResourceLimits.MaxExpressionDepth"/> or chaining more than
    /// <see cref="ResourceLimits.MaxCallChainLength"/> member accesses: checked before anything recursive walks it,
    /// because a stack overflow aborts the process. The parser reports it for brackets, the compiler for the rest.
    /// </summary>
    public static readonly DiagnosticDescriptor ExpressionTooDeep =
        Error("CD3008", "Expression too deep", "{0}");

    /// <summary>An expression longer than <see cref="ResourceLimits.MaxExpressionLength"/> characters (parser and compiler).</summary>
    public static readonly DiagnosticDescriptor ExpressionTooLong =
        Error("CD3009", "Expression too long", "{0}");

    // ---- CD5xxx: files and models ----

    /// <summary>Bytes that are not UTF-8.</summary>
    public static readonly DiagnosticDescriptor InvalidUtf8 =
        Error("CD5001", "Invalid UTF-8", "File is not valid UTF-8 (byte 0x{0:X2} at offset {1}); it was read with replacement characters.");

    /// <summary>A file that cannot be read.</summary>
    public static readonly DiagnosticDescriptor FileNotFound =
        Error("CD5002", "File not found", "Cannot read '{0}': {1}.");

    /// <summary>A model reference the resolver cannot turn into a shape.</summary>
    public static readonly DiagnosticDescriptor ModelNotResolved =
        Error("CD5003", "Model not resolved", "Cannot resolve model '{0}': {1}.");

    /// <summary>A path that names something other than a regular file (a directory, a device, a FIFO), or a file over its size limit.</summary>
    public static readonly DiagnosticDescriptor FileNotUsable =
        Error("CD5006", "File not usable", "Cannot use '{0}': {1}.");

    /// <summary>Codes that stay in the catalogue (and the language reference's table) but that nothing raises any more.</summary>
    public static IReadOnlySet<string> Retired { get; } = new HashSet<string>(StringComparer.Ordinal) { CircuitModelUnsupported.Code };

    /// <summary>Every descriptor, in code order.</summary>
    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = DiagnosticDescriptor.DeclaredIn(typeof(DiagnosticCatalog));
}
