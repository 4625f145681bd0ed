using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Weights;
using CircuitDsl.Zoo.Tasks;
using CircuitDsl.Zoo.Training;
using static TorchSharp.torch;

namespace CircuitDsl.Zoo.Tests;

public class TrainerTests
{
    static readonly ZooRecipe Short = Shortened(ZooRecipes.AttnOnly2L);

    // One thread: the test assemblies run side by side, and two spinning OpenMP workers per process slow them all.
    // Reproducibility is per thread count, so one thread tests it as well as the recipe's own count would.
    static ZooRecipe Shortened(ZooRecipe recipe) =>
        recipe with { Settings = recipe.Settings with { Steps = 30, BatchSize = 16, LogEvery = 10, Threads = 1 } };

    static IEnumerable<string> RecipeNames => ZooRecipes.All.Select(r => r.Name);

    [TestCaseSource(nameof(RecipeNames))]
    public void RetrainingFromTheSameSeedGivesTheSameWeights(string name)
    {
        var recipe = Shortened(ZooRecipes.Find(name)!);
        string a = TempDir(), b = TempDir();
        try
        {
            ZooTrainer.TrainAndSave(recipe, a);
            ZooTrainer.TrainAndSave(recipe, b);
            Assert.That(File.ReadAllBytes(Path.Combine(a, ModelFolder.WeightsFile)),
                Is.EqualTo(File.ReadAllBytes(Path.Combine(b, ModelFolder.WeightsFile))));
            Assert.That(File.ReadAllText(Path.Combine(a, ZooTrainer.LossCsvFile)), Is.EqualTo(File.ReadAllText(Path.Combine(b, ZooTrainer.LossCsvFile))));
        }
        finally
        {
            Directory.Delete(a, true);
            Directory.Delete(b, true);
        }
    }

    [Test]
    public void TrainingLowersTheLossAndWritesCurveAndPlot()
    {
        string dir = TempDir();
        try
        {
            var recipe = Short with { Settings = Short.Settings with { Steps = 60, LogEvery = 20 } };
            ZooTrainer.TrainAndSave(recipe, dir);
            var csv = File.ReadAllLines(Path.Combine(dir, ZooTrainer.LossCsvFile));
            Assert.That(csv[0], Is.EqualTo("step,loss"));
            Assert.That(csv, Has.Length.EqualTo(4));
            double first = double.Parse(csv[1].Split(',')[1], System.Globalization.CultureInfo.InvariantCulture);
            double last = double.Parse(csv[^1].Split(',')[1], System.Globalization.CultureInfo.InvariantCulture);
            Assert.That(last, Is.LessThan(first));
            Assert.That(File.ReadAllText(Path.Combine(dir, ZooTrainer.LossPlotFile)), Does.StartWith("<svg").And.Contain("<polyline"));
            using var loaded = ModelFolder.Load(dir);
            Assert.That(loaded.Card!["training"]!["steps"]!.GetValue<int>(), Is.EqualTo(60));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void TrainingLeavesNoLiveTensorsBehind()
    {
        var task = ZooRecipes.AttnOnly2L.Task;
        using var model = new HookedTransformer(ZooRecipes.AttnOnly2L.Config);
        Trainer.Train(model, (r, n) => task.BatchLoss(model, r, n), Short.Settings with { Steps = 2 });
        long before = Tensor.TotalCount;
        Trainer.Train(model, (r, n) => task.BatchLoss(model, r, n), Short.Settings with { Steps = 5 });
        Assert.That(Tensor.TotalCount, Is.EqualTo(before));
    }

    [Test]
    public void WithoutBiasesEveryBiasStaysAtZeroAndTheRestTrains()
    {
        var recipe = Shortened(ZooRecipes.Llama2L);
        Assert.That(recipe.Settings.Biases, Is.False, "the Llama recipe has no biases");
        var task = recipe.Task;
        using var model = new HookedTransformer(recipe.Config);
        model.InitializeWeights((long)recipe.Settings.Seed, recipe.Settings.Init);
        var initial = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        Trainer.Train(model, (r, n) => task.BatchLoss(model, r, n), recipe.Settings with { Steps = 5 });
        foreach (var (name, p) in model.named_parameters())
        {
            if (Trainer.IsBias(name))
                Assert.That(p.detach().abs().max().item<float>(), Is.Zero, name);
            else
                Assert.That((p.detach() - initial[name]).abs().max().item<float>(), Is.GreaterThan(0), $"{name} was trained");
        }
        foreach (var t in initial.Values) t.Dispose();
    }

    [TestCase("blocks.0.attn.b_Q", true)]
    [TestCase("blocks.1.mlp.b_in", true)]
    [TestCase("unembed.b_U", true)]
    [TestCase("blocks.0.ln1.b", true)]
    [TestCase("blocks.0.ln1.w", false)]
    [TestCase("blocks.0.mlp.W_gate", false)]
    [TestCase("embed.W_E", false)]
    public void BiasesAreTheBParameters(string name, bool bias) => Assert.That(Trainer.IsBias(name), Is.EqualTo(bias));

    static string TempDir() => Path.Combine(Path.GetTempPath(), "circuitdsl-train-" + Guid.NewGuid().ToString("N"));
}
