using System.CommandLine;
using CircuitDsl.Cli;
using CircuitDsl.Cli.Check;
using CircuitDsl.Cli.Init;
using YamlDotNet.RepresentationModel;

namespace CircuitDsl.Tool.Tests;

/// <summary>
/// action.yml asks `circuit` only for what it has: every option it passes is an option of that verb in the
/// command tree `CircuitApp` builds, every input it uses is declared, and the workflow `circuit init` writes and the
/// docs' workflow use this action with inputs it declares. The step scripts run under bash with a recording stand-in
/// for `circuit`, so what is checked is what the scripts really pass.
/// </summary>
public class ActionDefinitionTests
{
    static readonly ActionDefinition Action = ActionDefinition.Load();
    static readonly RootCommand Tree = CircuitApp.CommandTree(new CliConsole(TextWriter.Null, TextWriter.Null));
    static readonly Dictionary<string, string> PullRequest = new() { ["event_name"] = "pull_request", ["base_ref"] = "main", ["event.pull_request.number"] = "7" };

    static IEnumerable<ActionStep> CircuitSteps => Action.Steps.Where(s => s.Run?.Contains("circuit \"${circuit_args[@]}\"") == true);

    [Test]
    public void EveryInputTheStepsUseIsDeclaredAndEveryDeclaredOneIsUsed()
    {
        Assert.That(Action.Kind, Is.EqualTo("composite"));
        Assert.That(Action.ReferencedInputs(), Is.SubsetOf(Action.InputDefaults.Keys), "used but not declared");
        Assert.That(Action.InputDefaults.Keys, Is.SubsetOf(Action.ReferencedInputs()), "declared but never used");
        Assert.That(Action.ReferencedSteps(), Is.SubsetOf(Action.Steps.Select(s => s.Id).OfType<string>()), "conditions on steps that do not exist");
        Assert.That(Action.Steps.Where(s => s.Run is not null).Select(s => s.Shell), Is.All.EqualTo("bash"), "a composite step's script names its shell");
    }

    [Test]
    public void EveryOptionTheActionPassesIsAnOptionOfThatVerb()
    {
        using var runner = new ActionScript();
        var inputs = new Dictionary<string, string> { ["models"] = "gpt2=models/gpt2", ["baseline"] = "hypotheses/results.json", ["diff-comment"] = "true" };
        var verbs = new List<string>();
        foreach (var step in CircuitSteps)
        {
            var (result, calls) = runner.Run(Action, step, inputs, PullRequest);
            Assert.That(result.ExitCode, Is.Zero, $"{step.Name}: {result}");
            foreach (string[] args in calls)
            {
                var verb = Tree.Subcommands.SingleOrDefault(c => c.Name == args[0]);
                Assert.That(verb, Is.Not.Null, $"{step.Name}: circuit has no verb '{args[0]}'");
                var names = verb!.Options.Concat(Tree.Options.Where(o => o.Recursive)).SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet();
                Assert.That(args.Where(a => a.StartsWith("--", StringComparison.Ordinal)).Distinct(), Is.SubsetOf(names), $"{step.Name}: options of circuit {args[0]}");
                Assert.That(Tree.Parse(args).Errors.Select(e => e.Message), Is.Empty, $"{step.Name}: circuit {string.Join(' ', args)}");
                verbs.Add(args[0]);
            }
        }

        Assert.That(verbs, Is.EquivalentTo(new[] { "fmt", "check", "diff" }), "each circuit step ran circuit once");
    }

    [Test]
    public void EachModelLineBecomesOneModelOption()
    {
        using var runner = new ActionScript();
        var args = RunCheck(runner, new() { ["models"] = "gpt2=models/gpt2 small\n\n   tiny=/srv/tiny  \n" });
        Assert.That(Values(args, "--model"), Is.EqualTo(new[] { "gpt2=models/gpt2 small", "tiny=/srv/tiny" }));
        Assert.That(RunCheck(runner, new()), Does.Not.Contain("--model"), "no models, no option");
    }

    [Test]
    public void EveryReportFormatHasAPlaceAndFilesPairWithTheirFormats()
    {
        using var runner = new ActionScript();
        var args = RunCheck(runner, new() { ["formats"] = string.Join(' ', ReportFormats.Names) });
        string[] formats = Values(args, "--format"), outs = Values(args, "--out");
        Assert.That(formats, Is.EquivalentTo(ReportFormats.Names));
        // --format and --out pair by position: the formats written to files must come first.
        Assert.That(formats.Take(outs.Length), Is.EquivalentTo(new[] { "markdown", "junit", "json", "sarif" }));
        Assert.That(outs[Array.IndexOf(formats, "markdown")], Is.EqualTo(runner.StepSummary));
        Assert.That(Action.InputDefaults["formats"].Split(' '), Is.SubsetOf(ReportFormats.Names));

        var check = CircuitSteps.Single(s => s.Run!.Contains("circuit_args=(check"));
        var (result, calls) = runner.Run(Action, check, new Dictionary<string, string> { ["formats"] = "markdown pdf" });
        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Out, Does.Contain("::error::formats: unknown format 'pdf'"));
        Assert.That(calls, Is.Empty);
    }

    [Test]
    public void TheDiffRunsOnPullRequestsOnlyAndGoesToTheSummary()
    {
        var diff = CircuitSteps.Single(s => s.Run!.Contains("circuit_args=(diff"));
        Assert.That(diff.If, Does.Contain("github.event_name == 'pull_request'").And.Contain("inputs.diff == 'true'"));
        using var runner = new ActionScript();
        var (result, calls) = runner.Run(Action, diff, github: PullRequest);
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(calls.Single().Take(3), Is.EqualTo(new[] { "diff", "--git", "origin/main" }));
        Assert.That(Values(calls.Single(), "--format"), Is.EqualTo(new[] { "markdown" }));
    }

    [Test]
    public void TheScaffoldedWorkflowAndTheDocsUseThisAction()
    {
        var workflow = new YamlStream();
        workflow.Load(new StringReader(InitTemplates.Workflow));
        var steps = ((YamlSequenceNode)workflow.Documents.Single().RootNode["jobs"]["check"]["steps"]).Children.Cast<YamlMappingNode>();
        var step = steps.Single(s => s.Children.ContainsKey(new YamlScalarNode("uses")) && s["uses"].ToString() == InitTemplates.ActionReference);
        var with = ((YamlMappingNode)step["with"]).Children.Keys.Select(k => k.ToString());
        Assert.That(with, Is.SubsetOf(Action.InputDefaults.Keys));

        string docs = File.ReadAllText(RepositoryRoot.File("docs", "github-actions.md"));
        Assert.That(docs, Does.Contain("uses: " + InitTemplates.ActionReference));
    }

    static string[] RunCheck(ActionScript runner, Dictionary<string, string> inputs)
    {
        var check = CircuitSteps.Single(s => s.Run!.Contains("circuit_args=(check"));
        var (result, calls) = runner.Run(Action, check, inputs);
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        return calls.Single();
    }

    /// <summary>The values given to <paramref name="option"/>, in order.</summary>
    static string[] Values(string[] args, string option) => args.Zip(args.Skip(1)).Where(p => p.First == option).Select(p => p.Second).ToArray();
}
