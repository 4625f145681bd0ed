using System.CommandLine;
using System.Globalization;
using CircuitDsl.Zoo.Training;
using Spectre.Console;

namespace CircuitDsl.Cli.Commands;

/// <summary>`circuit train`: reproduce a zoo model from its recipe (deterministic per seed).</summary>
public static class TrainCommand
{
    public static Command Create(CliConsole console)
    {
        var recipeArg = new Argument<string>("recipe") { Description = $"One of: {string.Join(", ", ZooRecipes.All.Select(r => r.Name))}." };
        var outOpt = new Option<string>("--out") { Description = "Folder to write the model into.", Required = true };
        var seedOpt = new Option<ulong?>("--seed") { Description = "Overrides the recipe's seed." };
        var stepsOpt = new Option<int?>("--steps") { Description = $"Overrides the recipe's number of steps (1 to {ResourceLimits.MaxTrainingSteps:N0})." };
        stepsOpt.Within(1, ResourceLimits.MaxTrainingSteps, "steps");
        var noProgressOpt = new Option<bool>("--no-progress") { Description = "No progress bar." };
        var train = new Command("train", "Train a zoo model: weights, card, loss curve (CSV and SVG).") { recipeArg, outOpt, seedOpt, stepsOpt, noProgressOpt };
        train.SetAction(parse => CliErrors.Guard(console, () =>
        {
            string name = parse.GetValue(recipeArg)!;
            var recipe = ZooRecipes.Find(name) ?? throw new ArgumentException(
                $"no recipe '{name}'; recipes: {string.Join(", ", ZooRecipes.All.Select(r => r.Name))}");
            var settings = recipe.Settings with
            {
                Seed = parse.GetValue(seedOpt) ?? recipe.Settings.Seed,
                Steps = parse.GetValue(stepsOpt) ?? recipe.Settings.Steps,
            };
            recipe = recipe with { Settings = settings };
            string outDir = parse.GetValue(outOpt)!;
            // Refuse before minutes of training, not after.
            if (InputFiles.Inspect(outDir) is { Kind: not (InputFileKind.Missing or InputFileKind.Directory) } existing)
                throw new UsageException($"--out {outDir} is {(existing.Kind == InputFileKind.Regular ? "a file" : existing.Description)}; name a folder to write the model into");
            var evaluation = console.ErrorIsTerminal && !parse.GetValue(noProgressOpt)
                ? WithProgressBar(console, settings.Steps, progress => ZooTrainer.TrainAndSave(recipe, outDir, progress))
                : ZooTrainer.TrainAndSave(recipe, outDir, new SynchronousProgress(p =>
                  {
                      if (p.Step % Math.Max(1, settings.Steps / 10) == 0)
                          console.Error.WriteLine($"step {p.Step}/{p.Steps}  loss {F(p.Loss)}");
                  }));

            console.Out.WriteLine($"wrote {outDir}: {evaluation.Summary[0]}");
            foreach (var line in evaluation.Summary.Skip(1)) console.Out.WriteLine(line);
            return ExitCodes.Ok;
        }));
        return train;
    }

    static T WithProgressBar<T>(CliConsole console, int steps, Func<IProgress<TrainingProgress>, T> work)
    {
        var terminal = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(console.Error) });
        return terminal.Progress().Start(context =>
        {
            var task = context.AddTask("training", maxValue: steps);
            return work(new SynchronousProgress(p =>
            {
                task.Value = p.Step;
                task.Description = $"training (loss {F(p.Loss)})";
            }));
        });
    }

    static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; posts to the thread pool, out of order).</summary>
    sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
